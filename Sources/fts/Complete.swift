import Arguments
import Foundation
import Indexer
import Query

struct Complete: Command {
    static let spec = CommandSpec(
        name: "complete",
        abstract: "Complete the last word of a text being typed (search as you type).",
        discussion: """
            The spellings the index holds that start with the last word (accents and case do not matter), \
            the most documents first, spelt as the documents write them; the words before it narrow them \
            to those the whole text matches (a word after MAYBE counted as if required). When fewer \
            start with it than --limit, those that start \
            with it give or take a typo follow (from 5 letters). A text ending with a space has nothing \
            to complete. One completion a line: the completed text, a tab, and the documents it \
            matches. The exit status is grep's: 0 when there are completions, 1 when there are none, 2 \
            on an error.
            """,
        options: [
            Defaults.indexOption,
            .option("limit", default: "10", help: "Completions to show (1 to 100)."),
            .flag("json", help: "Print one JSON object a completion: text and count."),
            .option("synonyms", value: "file", help: "A synonym file, as fts search --synonyms takes it: the counts are those of searches with it."),
        ],
        arguments: [ArgumentSpec(name: "text", help: "The text typed so far (several arguments are joined with spaces).",
                                 repeats: true, required: true)],
        dashedArgumentsHint: "to complete a word after a dash, put -- before the text"
    )

    var index: String?
    var limit: Int
    var json: Bool
    var synonyms: String?
    var text: String

    init(_ arguments: ParsedArguments) throws {
        index = arguments.string("index")
        limit = try arguments.number("limit")!
        json = arguments.flag("json")
        synonyms = arguments.string("synonyms")
        text = arguments.arguments("text").joined(separator: " ")
        guard (1...Searcher.maximumCompletions).contains(limit) else {
            throw UsageError("--limit must be between 1 and \(Searcher.maximumCompletions)")
        }
    }

    func run() throws {
        let path = index ?? Defaults.index
        let completions: [Completion]
        let synonyms = try Defaults.synonyms(self.synonyms, command: "complete")
        do {
            completions = try Searcher(reader: try Defaults.openIndex(index, command: "complete"), synonyms: synonyms).complete(text, limit: limit)
        } catch {
            Output.error("fts complete: \(path): \(error)")
            throw ExitStatus(2)
        }
        writeStandardOutput(completions.map { completion in
            json ? "{\"text\":\(JSON.quote(completion.text)),\"count\":\(completion.count)}\n" : "\(completion.text)\t\(completion.count)\n"
        }.joined())
        if completions.isEmpty { throw ExitStatus(1) }
    }
}
