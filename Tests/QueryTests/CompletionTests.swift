import Foundation
import TestSupport
import Testing
@testable import Indexer
@testable import Query

/// Search as you type (`Searcher.complete`), over the bundled corpus: each completion is a query, and
/// its count is that query's.
@Suite struct CompletionTests {
    let searcher = BundledIndex.shared.searcher

    /// The completions of `text`, each checked: it starts with what was typed before the word, its
    /// count is its text's as a query (`MAYBE` read as AND: `aWordAfterMaybeIsCountedWhereItAdds`)
    /// and not zero, and counts come most first, those that start with the word typed before those
    /// that start with a typo of it.
    func completions(_ text: String, limit: Int = 10, head: String) throws -> [Completion] {
        let completions = try searcher.complete(text, limit: limit)
        for completion in completions {
            #expect(completion.text.hasPrefix(head), "\(text): \(completion.text)")
            #expect(try completion.count == searcher.count(Self.required(completion.text)) && completion.count > 0, "\(text): \(completion.text)")
        }
        func folded(_ text: String) -> String { Folding.removeAccents(Folding.lowercase(text)) }
        let word = folded(String(text.dropFirst(head.count)))
        let typed = completions.prefix { folded(String($0.text.dropFirst(head.count))).hasPrefix(word) }
        let typos = completions.dropFirst(typed.count)
        #expect(typos.allSatisfy { !folded(String($0.text.dropFirst(head.count))).hasPrefix(word) }, "\(text)")
        for run in [Array(typed), Array(typos)] {
            #expect(zip(run, run.dropFirst()).allSatisfy { $0.count >= $1.count }, "\(text)")
        }
        #expect(completions.count <= limit)
        return completions
    }

    static func required(_ text: String) -> String { text.replacingOccurrences(of: " MAYBE ", with: " ") }

    /// `=écon` completes to the forms as written, each its own completion counted as its exact word,
    /// in an index with exact forms; in one without, to none.
    @Test func anExactWordIsCompletedFormByForm() throws {
        let folder = ProcessScratch.path("completion-exact")
        var options = IndexBuildOptions()
        options.exactForms = true
        _ = try IndexBuilder.build(paths: [QueryFixtures.corpus], output: folder, options: options)
        let exact = Searcher(reader: try IndexReader(path: folder))
        let completions = try exact.complete("=écon", limit: 10)
        #expect(completions.map(\.text).prefix(3) == ["=économique", "=économie", "=économiques"], "\(completions)")
        for completion in completions {
            #expect(try completion.count == exact.count(completion.text) && completion.count > 0, "\(completion)")
        }
        #expect(try exact.complete("jardin =écon", limit: 10).allSatisfy { $0.text.hasPrefix("jardin =") })
        #expect(try searcher.complete("=écon", limit: 10).isEmpty)
        // Between quotes: marked, or every word of `="…`; counted as the phrase once closed.
        for (head, closing) in [("\"=", "\""), ("=\"", "\""), ("« =", " »")] {
            let quoted = try exact.complete(head + "écon", limit: 10)
            #expect(Array(quoted.map(\.text).prefix(3)) == ["économique", "économie", "économiques"].map { head + $0 }, "\(head): \(quoted)")
            for completion in quoted {
                #expect(try completion.count == exact.count(completion.text + closing) && completion.count > 0, "\(completion)")
            }
        }
        for (typed, closing) in [("=\"économie soc", "\""), ("\"économie =soc", "\"")] {
            let quoted = try exact.complete(typed, limit: 10)
            #expect(quoted.first?.text == String(typed.dropLast(3)) + "sociale", "\(typed): \(quoted)")
            for completion in quoted {
                #expect(try completion.count == exact.count(completion.text + closing) && completion.count > 0, "\(completion)")
            }
        }
    }

    @Test func theWordBeingTypedIsCompletedAsTheDocumentsWriteIt() throws {
        let typed = try completions("econ", head: "")
        #expect(typed.first.map { $0.text.hasPrefix("écon") } == true)
        // Accents and case do not matter; the completions come in the case typed.
        #expect(try completions("ECON", head: "").map(\.text) == typed.map { $0.text.uppercased() })
        #expect(try completions("écon", head: "").map(\.count) == typed.map(\.count))
        // Spellings of the same terms are one completion.
        let words = try completions("coop", limit: 100, head: "")
        #expect(words.count > 1)
        let stems = try words.map { try FrenchAnalyzer().tokens($0.text).map(\.term) }
        #expect(Set(stems).count == stems.count, "\(words)")
        // Typed without its apostrophe, a word is still completed as the documents write it.
        #expect(try completions("aujourdh", head: "").first?.text == "aujourd'hui")
        // As most documents write it, though the first ones holding its term write it otherwise
        // (`salarié-e-s`, `salariés`, and the verb `salarie` once).
        #expect(try completions("salari", head: "").first?.text == "salarié")
    }

    /// Fewer spellings than asked for start with the letters typed: those that start with them within
    /// a typo (1 edit from 5 letters, 2 from 9, the first letter as typed) follow, fewest edits first.
    @Test func typosInTheWordBeingTypedAreForgiven() throws {
        #expect(try completions("ecnom", head: "").first?.text == "économique")
        #expect(try completions("Ecnomie", head: "").first?.text == "Économie")
        #expect(try completions("jardin ecnomi", head: "jardin ").first?.text == "jardin économique")
        // Those that start with the letters typed come first, however few their documents.
        let mixed = try completions("coopé", head: "")
        #expect(mixed.first.map { Folding.removeAccents($0.text).hasPrefix("coope") } == true)
        #expect(mixed.contains { !Folding.removeAccents($0.text).hasPrefix("coope") })
        // Under 5 letters, or with another first letter, no typo is forgiven.
        #expect(try searcher.complete("ecno").isEmpty)
        #expect(try searcher.complete("xconomie").isEmpty)
        // Enough spellings start with the letters typed: none with a typo is shown.
        let exact = try completions("econo", limit: 3, head: "")
        #expect(exact.count == 3 && exact.allSatisfy { Folding.removeAccents(Folding.lowercase($0.text)).hasPrefix("econo") })
    }

    /// Numbers are not in the lexicon: the fields' terms complete them, narrowed as words are.
    @Test func numbersAreCompleted() throws {
        let years = try completions("20", limit: 100, head: "")
        #expect(years.contains { $0.text == "2014" } && years.allSatisfy { $0.text.hasPrefix("20") })
        // One completion a number, though both fields hold it (`2012` is in a title and in bodies).
        #expect(Set(years.map(\.text)).count == years.count && years.contains { $0.text == "2012" })
        let narrowed = try completions("loi 201", head: "loi ")
        #expect(narrowed.contains { $0.text == "loi 2014" })
        #expect(narrowed.count < (try completions("201", head: "")).count)
    }

    @Test func theWordsBeforeNarrowTheCompletions() throws {
        let narrowed = try completions("économie sol", head: "économie ")
        #expect(narrowed.contains { $0.text == "économie solidaire" })
        // Each count is the whole text's: at most the word's alone.
        for completion in narrowed {
            let word = String(completion.text.dropFirst("économie ".count))
            #expect(try completion.count <= searcher.count(word))
        }
        #expect(try completions("l'écon", head: "l'").first.map { $0.text.hasPrefix("l'écon") } == true)
        #expect(try completions("title:gouv", head: "title:").isEmpty == false)
        // Words before that are not all required (an exclusion, an alternative, a field, a phrase)
        // count as the whole text's query too.
        for text in ["économie -sociale sol", "économie OR jardin sol", "(économie OR jardin) sol", "title:économie sol", "\"économie sociale\" sol",
                     "-jardin sol", "économie sociale soli"] {
            let head = String(text.dropLast(text.split(separator: " ").last!.count))
            #expect(try !completions(text, head: head).isEmpty, "\(text)")
        }
    }

    /// A word after MAYBE finds nothing of its own: it is counted among the documents it would lift,
    /// those of what comes before that hold it too, as if the words were all required.
    @Test func aWordAfterMaybeIsCountedWhereItAdds() throws {
        let maybe = try completions("économie MAYBE soli", head: "économie MAYBE ")
        let required = try completions("économie soli", head: "économie ")
        #expect(maybe.count > 1 && maybe.map { Self.required($0.text) } == required.map(\.text) && maybe.map(\.count) == required.map(\.count))
        // Not the whole text's count, `économie`'s, which every completion would share.
        #expect(Set(maybe.map(\.count)).count > 1 && maybe.allSatisfy { $0.count < (try? searcher.count("économie")) ?? 0 })
        // Inside a conjunction, and after a phrase's MAYBE, the same way.
        #expect(try !completions("jardin économie MAYBE soli", head: "jardin économie MAYBE ").isEmpty)
        let phrase = try searcher.complete("économie MAYBE \"économie sol", limit: 5)
        #expect(!phrase.isEmpty && phrase.allSatisfy { (try? searcher.count("économie \"" + $0.text.dropFirst("économie MAYBE \"".count) + "\"")) == $0.count })
    }

    /// A phrase being typed is counted as the phrase it makes once closed.
    @Test func aPhraseBeingTypedIsCountedClosed() throws {
        let phrase = try searcher.complete("\"économie sol", limit: 5)
        #expect(phrase.first?.text == "\"économie solidaire")
        for completion in phrase {
            #expect(completion.text.hasPrefix("\"économie sol"))
            #expect(try completion.count == searcher.count(completion.text + "\"") && completion.count > 0)
        }
        // An escaped quote opens nothing.
        #expect(try searcher.complete("\\\"économie sol", limit: 1).first?.text == "\\\"économie solidaire")
        // `«` and `“` open a phrase that `»` and `”` close, as the query parser pairs them.
        for (opening, closing) in [("« ", " »"), ("“", "”")] {
            let typed = try searcher.complete(opening + "économie sol", limit: 5)
            #expect(typed.map(\.count) == phrase.map(\.count))
            for completion in typed { #expect(try completion.count == searcher.count(completion.text + closing)) }
        }
        #expect(try searcher.complete("« économie » sol", limit: 1).first?.count == searcher.count("« économie » solidaire"))
        #expect(try searcher.complete("« a » économie sol", limit: 1).first?.count == searcher.count("« a » économie solidaire"))
    }

    @Test func aTextThatIsNotAQueryYetStillGetsItsWordCompleted() throws {
        let open = try searcher.complete("(économie sol", limit: 5)
        #expect(!open.isEmpty && open.allSatisfy { $0.text.hasPrefix("(économie sol") })
        #expect(throws: QueryError.self) { try searcher.count("(économie solidaire") }
    }

    /// The forms found are kept for the open index: asking again gives the same completions, from the cache.
    @Test func writtenFormsAreKeptAndBounded() throws {
        let fresh = Searcher(reader: BundledIndex.shared.reader)
        let first = try fresh.complete("coop", limit: 20)
        let again = try fresh.complete("coop", limit: 20)
        let elsewhere = try Searcher(reader: BundledIndex.shared.reader).complete("coop", limit: 20)
        #expect(!first.isEmpty && again == first && elsewhere == first)
        // A value is made once, kept (nil too), and the cache starts afresh past its capacity.
        let cache = BoundedCache<Int, String?>(capacity: 4)
        var made = 0
        func value(_ key: Int) -> String? { cache.value(for: key) { made += 1; return key < 0 ? nil : "v\(key)" } }
        for key in 0..<4 { #expect(value(key) == "v\(key)") }
        #expect(value(0) == "v0" && made == 4)
        #expect(value(-1) == nil && made == 5)
        #expect(value(-1) == nil && made == 5)
        #expect(value(0) == "v0" && made == 6)
    }

    @Test func nothingToComplete() throws {
        for text in ["", "jardin ", "e", "zzzzq", "econ*", "économie)", "  "] {
            #expect(try searcher.complete(text).isEmpty, "\(text)")
        }
        #expect(try searcher.complete("econ", limit: 1).count == 1)
        for limit in [0, 101] {
            #expect(throws: QueryError.self) { try searcher.complete("econ", limit: limit) }
        }
    }
}
