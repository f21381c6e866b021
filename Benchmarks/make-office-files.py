#!/usr/bin/env python3
"""Writes a flat OpenDocument file for each document of `fts sections --jsonl`'s output, for
benchmarks of the presentations' and spreadsheets' readers:

  slides: a presentation (.fodp), a slide a section, titled by it, its lines as the slide's text,
          8 lines a slide (a section's further slides titled `TITLE (suite)`);
  sheets: a spreadsheet (.fods), a sheet a section, named by it (at most 31 characters, as Excel
          names them), a row a line, cut into cells of at most 8 words.

LibreOffice then saves them in both formats:

  fts sections --jsonl ODT_FOLDER > sections.jsonl
  Benchmarks/make-office-files.py slides sections.jsonl fodp
  (cd odp && soffice --headless --convert-to odp ../fodp/*.fodp)
  (cd pptx && soffice --headless --convert-to 'pptx:Impress MS PowerPoint 2007 XML' ../odp/*.odp)
  Benchmarks/make-office-files.py sheets sections.jsonl fods
  (cd ods && soffice --headless --convert-to ods ../fods/*.fods)
  (cd xlsx && soffice --headless --convert-to 'xlsx:Calc MS Excel 2007 XML' ../ods/*.ods)

Usage: Benchmarks/make-office-files.py slides|sheets SECTIONS.jsonl OUT_FOLDER
"""
import html, json, os, sys

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "Tests", "IndexerTests", "Fixtures", "office")

def escaped(text):
    return html.escape(text, quote=False)

def frame(kind, lines):
    text = "".join("<text:p>%s</text:p>" % escaped(line) for line in lines)
    return ('<draw:frame presentation:style-name="pr1" presentation:class="%s" svg:width="25cm" svg:height="9cm" svg:x="1.5cm" svg:y="4cm">'
            "<draw:text-box>%s</draw:text-box></draw:frame>" % (kind, text))

def presentation(sections):
    pages = []
    for section in sections:
        lines = [line for line in section["body"].split("\n") if line.strip()]
        for start in range(0, max(len(lines), 1), 8):
            pages.append((section["title"] + (" (suite)" if start else ""), lines[start:start + 8]))
    body = "".join('<draw:page draw:name="p%d" draw:style-name="dp1" draw:master-page-name="Default">%s%s</draw:page>'
                   % (number + 1, frame("title", [title]), frame("outline", lines)) for number, (title, lines) in enumerate(pages))
    return "<office:presentation>%s</office:presentation>" % body, len(pages)

def spreadsheet(sections):
    tables, names = [], set()
    for section in sections:
        name = section["title"][:31].replace("[", "(").replace("]", ")").replace("*", "").replace("?", "").replace("/", "-").replace("\\", "-").replace(":", "")
        while not name.strip() or name in names:
            name = (name.strip() or "Feuille")[:28] + " %d" % (len(names) + 1)
        names.add(name)
        rows = []
        for line in section["body"].split("\n"):
            words = line.split()
            if not words:
                continue
            cells = [" ".join(words[start:start + 8]) for start in range(0, len(words), 8)]
            rows.append("<table:table-row>%s</table:table-row>" % "".join(
                '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % escaped(cell) for cell in cells))
        tables.append('<table:table table:name="%s">%s</table:table>' % (html.escape(name), "".join(rows) or "<table:table-row><table:table-cell/></table:table-row>"))
    return "<office:spreadsheet>%s</office:spreadsheet>" % "".join(tables), len(tables)

def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("slides", "sheets"):
        sys.exit(__doc__)
    kind, sections_file, out = sys.argv[1:]
    template = "expose.fodp" if kind == "slides" else "budget.fods"
    head = open(os.path.join(FIXTURES, template), encoding="utf-8").read()
    head = head[:head.index("<office:body>")]
    documents = {}
    for line in open(sections_file, encoding="utf-8"):
        section = json.loads(line)
        documents.setdefault(section["id"].split("#")[0], []).append(section)
    os.makedirs(out, exist_ok=True)
    parts = 0
    for name, sections in documents.items():
        body, count = presentation(sections) if kind == "slides" else spreadsheet(sections)
        text = head.replace("<dc:title>Habiter autrement</dc:title>", "<dc:title>%s</dc:title>" % escaped(sections[0]["title"]))
        text = text.replace("<dc:title>Budget de l’association</dc:title>", "<dc:title>%s</dc:title>" % escaped(sections[0]["title"]))
        with open(os.path.join(out, os.path.splitext(name)[0] + (".fodp" if kind == "slides" else ".fods")), "w", encoding="utf-8") as file:
            file.write(text + "<office:body>%s</office:body></office:document>" % body)
        parts += count
    print(len(documents), "presentations," if kind == "slides" else "spreadsheets,", parts, "slides" if kind == "slides" else "sheets")

main()
