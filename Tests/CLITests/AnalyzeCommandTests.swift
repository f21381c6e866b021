import Foundation
import Testing

@Suite struct AnalyzeCommandTests {
    @Test func printsPositionTermRangeAndSource() throws {
        let result = try FTSCommand.run(["analyze", "L’économie des salarié-e-s"])
        #expect(result.status == 0)
        #expect(result.stdout == "0\teconom\t4-13\téconomie\n1\tde\t14-17\tdes\n2\tsalari\t18-30\tsalarié-e-s\n")
    }

    @Test func printsJSONLines() throws {
        let result = try FTSCommand.run(["analyze", "--json", "Clichy-sous-Bois \"2,5\""])
        #expect(result.status == 0)
        let objects = try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(objects.map { $0["term"] as? String } == ["clichy", "sous", "bois", "2,5"])
        #expect(objects.map { $0["position"] as? Int } == [0, 1, 2, 3])
        #expect(objects[3]["text"] as? String == "2,5")
        #expect(objects[0]["start"] as? Int == 0 && objects[0]["end"] as? Int == 6)
    }

    @Test func readsStandardInput() throws {
        let result = try FTSCommand.run(["analyze"], stdin: Data("Il était deux fois\n".utf8))
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").map { $0.split(separator: "\t")[1] } == ["il", "etait", "deux", "fois"])
    }

    @Test func replacesInvalidUTF8WithAWarning() throws {
        let bytes = Data("économie ".utf8) + Data([0xFF, 0xFE, 0xC3]) + Data(" sociale".utf8)
        let result = try FTSCommand.run(["analyze"], stdin: bytes)
        #expect(result.status == 0)
        #expect(result.stderr.contains("not valid UTF-8"))
        #expect(result.stdout.split(separator: "\n").map { $0.split(separator: "\t")[1] } == ["econom", "social"])
    }

    @Test func emptyInputPrintsNothing() throws {
        let result = try FTSCommand.run(["analyze"], stdin: Data())
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
    }
}
