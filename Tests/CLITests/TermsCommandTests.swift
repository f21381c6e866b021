import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct TermsCommandTests {
    init() { #expect(SearchCommandTests.built) }

    private func terms(_ arguments: String...) throws -> (status: Int32, lines: [[String]], stderr: String) {
        let result = try FTSCommand.run(["terms", "--index", SearchCommandTests.index] + arguments)
        return (result.status, result.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) },
                result.stderr)
    }

    /// Every term once, field by field, in byte order; its documents are what a search of it in that
    /// field counts.
    @Test func everyTermOnceWithItsDocuments() throws {
        let all = try terms()
        #expect(all.status == 0 && all.lines.allSatisfy { $0.count == 4 })
        let stats = try JSONSerialization.jsonObject(with: Data(try FTSCommand.run(["stats", "--json", SearchCommandTests.index]).stdout.utf8)) as! [String: Any]
        #expect(all.lines.count == stats["terms"] as? Int)
        let titles = all.lines.filter { $0[0] == "title" }.map { $0[1] }, bodies = all.lines.filter { $0[0] == "body" }.map { $0[1] }
        #expect(titles.count + bodies.count == all.lines.count)
        #expect(all.lines.firstIndex { $0[0] == "body" }! > all.lines.lastIndex { $0[0] == "title" }!)
        for list in [titles, bodies] {
            #expect(zip(list, list.dropFirst()).allSatisfy { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        }
        var checked = 0
        for line in all.lines where ["econom", "solidair", "clichy", "2016"].contains(line[1]) {
            checked += 1
            let count = try FTSCommand.run(["search", "--index", SearchCommandTests.index, "--count", "\(line[0]):\(line[1])"])
            #expect(count.stdout == line[2] + "\n", "\(line)")
            #expect(Int(line[3])! >= Int(line[2])!)
        }
        #expect(checked >= 5, "\(checked)")
    }

    /// `--top`: the most documents first, as the whole listing ranks them; `--field` and `--prefix`
    /// (folded as terms are) narrow it.
    @Test func topFieldAndPrefix() throws {
        let all = try terms().lines
        let ranked = all.enumerated().sorted { a, b in
            Int(a.element[2])! != Int(b.element[2])! ? Int(a.element[2])! > Int(b.element[2])! : a.offset < b.offset
        }.map(\.element)
        #expect(try terms("--top", "7").lines == Array(ranked.prefix(7)))
        #expect(try terms("--top", "100000").lines == ranked)
        #expect(try terms("--field", "title", "--top", "3").lines == Array(ranked.filter { $0[0] == "title" }.prefix(3)))
        let prefixed = try terms("--field", "Body", "--prefix", "ÉCO")
        #expect(prefixed.status == 0 && prefixed.lines == all.filter { $0[0] == "body" && $0[1].hasPrefix("eco") })
        let json = try FTSCommand.run(["terms", "--index", SearchCommandTests.index, "--json", "--top", "1"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["field"] as? String == ranked[0][0] && object["term"] as? String == ranked[0][1]
            && object["documents"] as? Int == Int(ranked[0][2]) && object["occurrences"] as? Int == Int(ranked[0][3]))
    }

    @Test func nothingListedAndErrors() throws {
        let none = try terms("--prefix", "zzzzq")
        #expect(none.status == 1 && none.lines.isEmpty)
        let unknown = try terms("--field", "auteur")
        #expect(unknown.status == 2 && unknown.stderr.contains("no searched field \"auteur\" (fields: title, body)"))
        #expect(try terms("--top", "0").status == 2)
    }
}
