import Foundation
import Indexer
import Query

/// How replies are written on a connection (`FORMAT text` / `FORMAT json`).
public enum ReplyFormat: String, Sendable {
    case text, json
}

/// A request, decoded from one line (docs/PROTOCOL.md).
enum Request: Equatable {
    case ping
    case search(limit: Int, offset: Int, query: String)
    case count(String)
    case get(String)
    case analyze(String)
    case stats
    case reload
    case format(ReplyFormat)
    case auth(String)
    case help
    case quit
}

/// A reply, written in the connection's format.
enum Reply {
    case pong
    case ok(String)
    case results(SearchResults)
    case count(Int)
    case document([(name: String, value: String)])
    case terms([(token: Token, text: String)])
    case stats([(key: String, value: String)])
    case help([String])
    case bye
    case error(ProtocolError)
}

/// `ERR <code> <message>`: stable codes a client can act on.
struct ProtocolError: Error, Equatable {
    enum Code: String {
        case syntax, unknownCommand = "unknown_command", lineTooLong = "line_too_long"
        case tooManyConnections = "too_many_connections", unauthorized, notFound = "not_found"
        case invalidUTF8 = "invalid_utf8", badRequest = "bad_request", reloadFailed = "reload_failed"
        case internalError = "internal"
    }

    var code: Code
    var message: String
}

enum RequestDecoder {
    /// Decodes one line (without its line ending).
    static func decode(_ bytes: [UInt8]) -> Result<Request, ProtocolError> {
        if bytes.contains(0) { return .failure(ProtocolError(code: .badRequest, message: "line contains a NUL byte")) }
        guard let line = String(validating: bytes, as: UTF8.self) else {
            return .failure(ProtocolError(code: .invalidUTF8, message: "line is not valid UTF-8"))
        }
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        let name = trimmed.prefix { $0 != " " && $0 != "\t" }
        let rest = String(trimmed.dropFirst(name.count).drop { $0 == " " || $0 == "\t" })
        switch name.uppercased() {
        case "PING": return .success(.ping)
        case "SEARCH": return search(rest)
        case "COUNT": return rest.isEmpty ? .failure(ProtocolError(code: .syntax, message: "empty query")) : .success(.count(rest))
        case "GET":
            return rest.isEmpty ? .failure(ProtocolError(code: .badRequest, message: "GET needs a document id")) : .success(.get(rest))
        case "ANALYZE": return .success(.analyze(rest))
        case "STATS": return .success(.stats)
        case "RELOAD": return .success(.reload)
        case "FORMAT":
            guard let format = ReplyFormat(rawValue: rest.lowercased()) else {
                return .failure(ProtocolError(code: .badRequest, message: "FORMAT takes text or json"))
            }
            return .success(.format(format))
        case "AUTH": return .success(.auth(rest))
        case "HELP": return .success(.help)
        case "QUIT": return .success(.quit)
        case "": return .failure(ProtocolError(code: .unknownCommand, message: "empty line; try HELP"))
        default: return .failure(ProtocolError(code: .unknownCommand, message: "unknown command \(name.prefix(32)); try HELP"))
        }
    }

    /// `SEARCH [LIMIT n] [OFFSET n] <query>`, options in any order.
    private static func search(_ text: String) -> Result<Request, ProtocolError> {
        var limit = 10, offset = 0
        var rest = Substring(text)
        while true {
            let word = rest.prefix { $0 != " " }
            guard ["LIMIT", "OFFSET"].contains(word.uppercased()) else { break }
            let afterWord = rest.dropFirst(word.count).drop { $0 == " " }
            let number = afterWord.prefix { $0 != " " }
            guard let value = Int(number), value >= 0 else {
                return .failure(ProtocolError(code: .badRequest, message: "\(word.uppercased()) takes a number"))
            }
            if word.uppercased() == "LIMIT" { limit = value } else { offset = value }
            rest = afterWord.dropFirst(number.count).drop { $0 == " " }
        }
        guard !rest.isEmpty else { return .failure(ProtocolError(code: .syntax, message: "empty query")) }
        return .success(.search(limit: limit, offset: offset, query: String(rest)))
    }
}

enum ReplyEncoder {
    /// Tabs, line breaks and backslashes inside a field of a text reply.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x5C }) else { return text }
        return Escaping.replacingBytes(in: text) { byte in
            switch byte {
            case 0x09: return [0x5C, 0x74]
            case 0x0A: return [0x5C, 0x6E]
            case 0x0D: return [0x5C, 0x72]
            case 0x5C: return [0x5C, 0x5C]
            default: return nil
            }
        }
    }

    /// The reply's bytes, every line ending in `\n`.
    static func encode(_ reply: Reply, format: ReplyFormat) -> String {
        format == .json ? json(reply) + "\n" : text(reply)
    }

    private static func text(_ reply: Reply) -> String {
        switch reply {
        case .pong: return "PONG\n"
        case .ok(let message): return "OK \(message)\n"
        case .results(let results):
            var out = "RESULTS \(results.hits.count) \(results.total) \(results.tookMicroseconds)\n"
            for hit in results.hits {
                out += "\(hit.rank)\t\(escape(hit.id))\t\(String(format: "%.4f", hit.score))\t\(escape(hit.title))\t\(escape(hit.snippet.marked()))\n"
            }
            return out
        case .count(let count): return "COUNT \(count)\n"
        case .document(let fields):
            return "DOCUMENT \(fields.count)\n" + fields.map { "\($0.name)\t\(escape($0.value))\n" }.joined()
        case .terms(let terms):
            return "TERMS \(terms.count)\n" + terms.map {
                "\($0.token.position)\t\(escape($0.token.term))\t\($0.token.range.lowerBound)\t\($0.token.range.upperBound)\t\(escape($0.text))\n"
            }.joined()
        case .stats(let pairs): return "STATS \(pairs.count)\n" + pairs.map { "\($0.key)\t\(escape($0.value))\n" }.joined()
        case .help(let lines): return "HELP \(lines.count)\n" + lines.map { $0 + "\n" }.joined()
        case .bye: return "BYE\n"
        case .error(let error): return "ERR \(error.code.rawValue) \(escape(error.message))\n"
        }
    }

    private static func json(_ reply: Reply) -> String {
        switch reply {
        case .pong: return "{\"pong\":true}"
        case .ok(let message): return "{\"ok\":\(JSON.quote(message))}"
        case .results(let results):
            let hits = results.hits.map { hit in
                "{\"rank\":\(hit.rank),\"id\":\(JSON.quote(hit.id)),\"score\":\(hit.score),\"path\":\(JSON.quote(hit.path)),\"line\":\(hit.line),"
                    + "\"title\":\(JSON.quote(hit.title)),\"snippet\":\(JSON.quote(hit.snippet.text)),"
                    + "\"highlights\":[\(hit.snippet.highlights.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ","))]}"
            }
            return "{\"results\":[\(hits.joined(separator: ","))],\"returned\":\(results.hits.count),\"total\":\(results.total),"
                + "\"exact\":\(results.totalIsExact),\"took_us\":\(results.tookMicroseconds)}"
        case .count(let count): return "{\"count\":\(count)}"
        case .document(let fields):
            return "{\"document\":{\(fields.map { "\(JSON.quote($0.name)):\(JSON.quote($0.value))" }.joined(separator: ","))}}"
        case .terms(let terms):
            return "{\"terms\":[\(terms.map { "{\"position\":\($0.token.position),\"term\":\(JSON.quote($0.token.term)),\"start\":\($0.token.range.lowerBound),\"end\":\($0.token.range.upperBound),\"text\":\(JSON.quote($0.text))}" }.joined(separator: ","))]}"
        case .stats(let pairs): return "{\"stats\":{\(pairs.map { "\(JSON.quote($0.key)):\(JSON.quote($0.value))" }.joined(separator: ","))}}"
        case .help(let lines): return "{\"help\":[\(lines.map(JSON.quote).joined(separator: ","))]}"
        case .bye: return "{\"bye\":true}"
        case .error(let error): return "{\"error\":{\"code\":\(JSON.quote(error.code.rawValue)),\"message\":\(JSON.quote(error.message))}}"
        }
    }
}
