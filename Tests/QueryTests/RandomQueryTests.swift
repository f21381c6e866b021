import TestSupport
import Testing
@testable import Query

/// Queries thrown together from the syntax's pieces, well formed or not: each either runs or gets a
/// `QueryError`, never a crash (a failed precondition would end the whole test process, as it would
/// end searchd).
@Suite struct RandomQueryTests {
    static let pieces = [
        "\"", "\"", "(", ")", "~", "~0", "~2", "~64", "*", "?", "^2", "^0.5", "^-1", "^.5", "^+", "-", "NOT ", " OR ", " AND ", "title:", "body:",
        "auteur:", "||", "&&", "!", "+", " ", " ", " ", "économie", "ECONOMIE", "l’économie", "des", "de", "dès", "donner",
        "données", "jardin", "Clichy-sous-Bois", "salarié·e·s", "co", "e", "12:30", "2,5", "\u{0301}", "日本", "🙂", "\t", "\\", "\\\"",
        "[", "]", "{", "}", " TO ", "*:*", "title:*", "12", "-3", "2,5", "année:", "2024-01-01", "2023-12-31T23:00:00+01:00",
        "date:", "jours:", "/2", "/1", "/75%", "now", "now-7d/d", "/M", "/", "/jard.n/", "/(éco|a/", "[^a-z]", "{2,1}", "|", "+", ".*",
        "«", "»", "« ", " »", "“", "”", "\u{A0}", "sous-b", "@", "d’IPv6", "manager’s", " NEAR ", "NEAR/3 ", "NEAR/0",
        " MAYBE ", "MAYBE", " ADJ ", "ADJ/2 ",
    ]

    /// One to `most` pieces drawn at random, joined.
    static func query(of most: Int, using generator: inout SplitMix64) -> String {
        var query = ""
        for _ in 0..<(Int(generator.next() % UInt64(most)) + 1) {
            query += pieces[Int(generator.next() % UInt64(pieces.count))]
        }
        return query
    }

    @Test func randomQueriesRunOrFailCleanly() throws {
        let searcher = BundledIndex.shared.searcher
        var generator = SplitMix64(seed: 77)
        var ran = 0, refused = 0
        for _ in 0..<3_000 {
            let query = Self.query(of: 12, using: &generator)
            do {
                let results = try searcher.search(query, limit: Int(generator.next() % 20) + 1, explain: generator.next() % 4 == 0)
                #expect(results.hits.count <= results.total, "\(query)")
                #expect(try searcher.count(query) == results.total, "\(query)")
                ran += 1
            } catch is QueryError {
                refused += 1
            }
        }
        // Both outcomes are common: the pieces make as many queries that run as ones that cannot.
        #expect(ran > 500 && refused > 500, "\(ran) ran, \(refused) refused")
    }

    /// Text escaped as QUERY.md tells a front end to (a `\` before every character but letters,
    /// digits and spaces, and before the operators' words) is searched, whatever it holds: the only
    /// refusal left is text with no word in it.
    @Test func escapedTextIsAlwaysSearched() throws {
        let searcher = BundledIndex.shared.searcher
        var generator = SplitMix64(seed: 78)
        var searched = 0
        for _ in 0..<2_000 {
            let text = Self.query(of: 8, using: &generator)
            let escaped = Self.escaped(text)
            do {
                let results = try searcher.search(escaped, limit: 5)
                #expect(try searcher.count(escaped) == results.total, "\(escaped)")
                searched += 1
            } catch let error as QueryError {
                #expect(["empty query", "no searchable words in the query"].contains(error.message), "\(escaped): \(error)")
            }
        }
        #expect(searched > 1_000, "\(searched) searched")
    }

    static func escaped(_ text: String) -> String {
        var escaped = "", word = ""
        func endWord() {
            if ["OR", "AND", "NOT", "NEAR", "ADJ", "MAYBE"].contains(word) { escaped.append("\\") }
            escaped += word
            word = ""
        }
        for character in text {
            if character.isWhitespace {
                endWord()
                escaped.append(character)
                continue
            }
            if !(character.isLetter || character.isNumber) { word.append("\\") }
            word.append(character)
        }
        endWord()
        return escaped
    }
}
