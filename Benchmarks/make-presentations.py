#!/usr/bin/env python3
"""Writes a flat OpenDocument presentation (.fodp) for each document of `fts sections --jsonl`'s
output: a slide for each section, titled by it, its lines as the slide's text, 8 lines a slide
(a section's further slides titled `TITLE (suite)`). LibreOffice then saves them as .odp and .pptx:

  fts sections --jsonl ODT_FOLDER > sections.jsonl
  Benchmarks/make-presentations.py sections.jsonl fodp
  (cd odp && soffice --headless --convert-to odp ../fodp/*.fodp)
  (cd pptx && soffice --headless --convert-to 'pptx:Impress MS PowerPoint 2007 XML' ../odp/*.odp)

Usage: Benchmarks/make-presentations.py SECTIONS.jsonl OUT_FOLDER
"""
import html, json, os, sys

TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "Tests", "IndexerTests", "Fixtures", "office", "expose.fodp")

def frame(kind, lines):
    text = "".join("<text:p>%s</text:p>" % html.escape(line, quote=False) for line in lines)
    return ('<draw:frame presentation:style-name="pr1" presentation:class="%s" svg:width="25cm" svg:height="9cm" svg:x="1.5cm" svg:y="4cm">'
            "<draw:text-box>%s</draw:text-box></draw:frame>" % (kind, text))

def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    head = open(TEMPLATE, encoding="utf-8").read()
    head = head[:head.index("<office:body>")]
    documents = {}
    for line in open(sys.argv[1], encoding="utf-8"):
        section = json.loads(line)
        documents.setdefault(section["id"].split("#")[0], []).append(section)
    os.makedirs(sys.argv[2], exist_ok=True)
    slides = 0
    for name, sections in documents.items():
        pages = []
        for section in sections:
            lines = [line for line in section["body"].split("\n") if line.strip()]
            for start in range(0, max(len(lines), 1), 8):
                pages.append((section["title"] + (" (suite)" if start else ""), lines[start:start + 8]))
        body = "".join('<draw:page draw:name="p%d" draw:style-name="dp1" draw:master-page-name="Default">%s%s</draw:page>'
                       % (number + 1, frame("title", [title]), frame("outline", lines)) for number, (title, lines) in enumerate(pages))
        text = head.replace("<dc:title>Habiter autrement</dc:title>", "<dc:title>%s</dc:title>" % html.escape(sections[0]["title"], quote=False))
        with open(os.path.join(sys.argv[2], os.path.splitext(name)[0] + ".fodp"), "w", encoding="utf-8") as out:
            out.write(text + "<office:body><office:presentation>%s</office:presentation></office:body></office:document>" % body)
        slides += len(pages)
    print(len(documents), "presentations,", slides, "slides")

main()
