import Foundation
import Testing
@testable import Indexer
import TestSupport

/// The JSON Lines parser against Foundation's `JSONSerialization`, which read the lines before it.
@Suite struct JSONLineTests {
    static func parse(_ line: String) -> Result<[JSONLine.Member], JSONLine.Failure> {
        parse(Array(line.utf8)).map(\.members)
    }

    static func parse(_ bytes: [UInt8]) -> Result<JSONLine.Parsed, JSONLine.Failure> {
        bytes.withUnsafeBufferPointer { bytes in Result { () throws(JSONLine.Failure) in try JSONLine.parse(bytes) } }
    }

    /// Random lines, valid and broken: accepted, rejected or found not to be an object as
    /// `JSONSerialization` finds them, with the same strings under the same names.
    @Test func agreesWithJSONSerialization() throws {
        var json = RandomJSON(random: SplitMix64(seed: 61))
        var outcomes: [String: Int] = [:]
        for _ in 0..<20_000 {
            var line = json.line()
            // Some lines broken further: a character dropped or a structural one inserted.
            if json.pick(3) == 0, !line.isEmpty {
                var scalars = Array(line.unicodeScalars)
                let at = json.pick(scalars.count)
                if json.pick(2) == 0 {
                    scalars.remove(at: at)
                } else {
                    let inserted = Array("{}[]\",:\\ 0-e.t".unicodeScalars)
                    scalars.insert(inserted[json.pick(inserted.count)], at: at)
                }
                line = String(String.UnicodeScalarView(scalars))
            }
            let expected: Any?
            do {
                expected = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
            } catch where "\(error)".contains("is not representable") {
                // A number too large for a Double (an exponent the mutations made): not read here, so
                // the line is not lost for it.
                continue
            } catch {
                expected = nil
            }
            switch Self.parse(line) {
            case .failure(.malformed(let malformed)):
                outcomes["malformed", default: 0] += 1
                #expect(expected == nil, "\(line.debugDescription): \(malformed)")
            case .failure(.notAnObject):
                outcomes["not an object", default: 0] += 1
                #expect(expected != nil && !(expected is [String: Any]), "\(line.debugDescription)")
            case .success(let members):
                outcomes["object", default: 0] += 1
                guard let object = expected as? [String: Any] else {
                    Issue.record("\(line.debugDescription): accepted, JSONSerialization did not")
                    continue
                }
                let names = members.map { $0.name }
                #expect(Set(names) == Set(object.keys) && names.count == object.count, "\(line.debugDescription)")
                #expect(names == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "\(line.debugDescription)")
                for member in members {
                    #expect(Self.value(member.value, matches: object[member.name] as Any), "\(line.debugDescription): \(member.name)")
                }
            }
        }
        // Each outcome is frequent enough for the comparison to mean something.
        #expect(outcomes.values.allSatisfy { $0 > 500 } && outcomes.count == 3, "\(outcomes)")
    }

    /// Whether `value` holds what `JSONSerialization` read, all the way down (a number's digits aside).
    static func value(_ value: JSONLine.Value, matches other: Any) -> Bool {
        switch value {
        case .string(let string): return other as? String == string
        case .number, .other: return other is NSNumber && !(other is String)
        case .null: return other is NSNull
        case .list(let elements):
            guard let array = other as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { Self.value($0, matches: $1) }
        case .object(let members):
            guard let object = other as? [String: Any], object.count == members.count else { return false }
            return members.allSatisfy { member in object[member.name].map { Self.value(member.value, matches: $0) } ?? false }
        }
    }

    @Test func whatIsKeptAndWhereItStops() throws {
        let members = try Self.parse("\u{FEFF}{\"id\": 1.0e3, \"b\": \"x\\u00e9\\ud83d\\ude00\\n\", \"a\": [1, {\"c\": null},], \"b\": \"y\",}").get()
        #expect(members.map { $0.name } == ["a", "b", "id"])
        #expect(members.map { $0.value } == [.list([.number("1"), .object([JSONLine.Member(name: "c", value: .null)])]), .string("y"), .number("1.0e3")])
        let kinds = try Self.parse(#"{"a": ["x", -2.5e1, [true, "y"]], "b": {"k": 1, "j": {"k": "v"}, "k": "w"}, "c": null, "d": false}"#).get()
        #expect(JSONLine.texts(of: kinds, skipping: ["d"]).map { "\($0.name)=\($0.items)" }
                == [#"a=["x", "-2.5e1", "y"]"#, #"b.j.k=["v"]"#, #"b.k=["w"]"#])
        #expect(try Self.parse(#"{"t": "x\u00e9\ud83d\ude00\n\/"}"#).get().first?.value == .string("xé😀\n/"))
        let cases: [(String, Int, String)] = [
            (#"{"a": 01}"#, 8, "a number with a leading zero"),
            ("{\"a\": \"x\ty\"}", 9, "a control character in a string (escape it)"),
            (#"{"a": "\ud800x"}"#, 14, "a high surrogate escape without its low surrogate"),
            (#"{"a": "\q"}"#, 9, "an unknown escape '\\q'"),
            (#"{"a": 1} x"#, 10, "text after the object"),
            (#"{"a" 1}"#, 6, "expected ':' after a member name"),
            (#"{"a": tru}"#, 7, "expected a value"),
            (#"{"a": "b"#, 9, "the line ends inside a string"),
        ]
        for (line, column, reason) in cases {
            #expect(throws: JSONLine.Failure.malformed(JSONLine.Malformed(column: column, reason: reason)), "\(line)") { try Self.parse(line).get() }
        }
        let deep = "{\"a\":" + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}"
        #expect((try? Self.parse(deep).get()) != nil)
        let deeper = "{\"a\":" + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}"
        #expect(throws: JSONLine.Failure.self) { try Self.parse(deeper).get() }
        #expect(throws: JSONLine.Failure.notAnObject) { try Self.parse(" [1, 2,] ").get() }
    }
    @Test func invalidUTF8InStringsIsReplacedAndElsewhereMalformed() throws {
        let parsed = try Self.parse(Array(#"{"a":"x"#.utf8) + [0xFF] + Array(#"y","b":"\n"#.utf8) + [0xC3] + Array(#"","c":"é"}"#.utf8)).get()
        #expect(parsed.repairedUTF8)
        #expect(parsed.members.map { $0.value } == [.string("x\u{FFFD}y"), .string("\n\u{FFFD}"), .string("é")])
        #expect(try !Self.parse(Array(#"{"c":"é"}"#.utf8)).get().repairedUTF8)
        #expect(throws: JSONLine.Failure.self) { try Self.parse(Array(#"{"a":"x"}"#.utf8) + [0xFF]).get() }
        #expect(throws: JSONLine.Failure.self) { try Self.parse([0xFF] + Array(#"{"a":"x"}"#.utf8)).get() }
    }

}

/// Random JSON text: mostly valid, with the mistakes people and tools make.
private struct RandomJSON {
    var random: SplitMix64

    mutating func pick(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }

    mutating func line() -> String {
        switch pick(10) {
        case 0: return value(depth: 3)
        case 1: return object(depth: 0) + [" x", "}", ",", " "][pick(4)]
        default: return (pick(10) == 0 ? "\u{FEFF}" : "") + space() + object(depth: 0) + space()
        }
    }

    mutating func space() -> String { ["", "", " ", "\t", " \r\n "][pick(5)] }

    mutating func object(depth: Int) -> String {
        let names = ["id", "title", "body", "a", "é", "", "x\\\"y", "id"]
        var members: [String] = []
        for _ in 0..<pick(5) { members.append("\"\(names[pick(names.count)])\"" + space() + ":" + space() + value(depth: depth + 1)) }
        return "{" + space() + members.joined(separator: pick(30) == 0 ? " " : ",") + (pick(10) == 0 && !members.isEmpty ? "," : "") + "}"
    }

    mutating func value(depth: Int) -> String {
        switch pick(depth > 2 ? 4 : 7) {
        case 0, 1: return string()
        case 2: return number()
        case 3: return ["true", "false", "null", "tru", "nul", "True"][pick(6)]
        case 4, 5: return object(depth: depth)
        default:
            let elements = (0..<pick(4)).map { _ in value(depth: depth + 1) }
            return "[" + elements.joined(separator: ",") + (pick(10) == 0 && !elements.isEmpty ? "," : "") + "]"
        }
    }

    mutating func number() -> String {
        ["0", "42", "-7", "3.25", "-0.5e-3", "1E+2", "12345678901234567890", "01", "1.", "-", ".5", "+1", "1e", "0x1F", "2.5e10"][pick(15)]
    }

    mutating func string() -> String {
        let pieces = ["économie", "a", " ", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\udc00", "\\u12",
                      "\\x", "\t", "😀", "l’œuvre", "\u{7F}", "\\b\\f\\r\\t"]
        var text = ""
        for _ in 0..<pick(6) { text += pieces[pick(pieces.count)] }
        return "\"" + text + (pick(40) == 0 ? "" : "\"")
    }
}
