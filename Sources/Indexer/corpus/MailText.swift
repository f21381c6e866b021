import Foundation

/// E-mail, a message (`.eml`, RFC 5322 and MIME) or a mailbox of them (`.mbox`, as Thunderbird and
/// mutt keep folders), as Recoll and omindex read mail: each message a document titled by its
/// subject, its sender and date as fields, its text the message's own: a multipart alternative's
/// plain part (else its HTML, as the page it shows), the text parts of a mixed message in turn,
/// forwarded messages within. Attached files of the kinds fts reads are kept, for the corpus to read
/// as files of their names; other attachments are left out. Headers' encoded words,
/// quoted-printable and base64 bodies, and the charsets a message names are decoded.
enum MailText {
    struct Message {
        var subject: String?
        var from: String?
        var date: String?
        /// The message's text, its HTML parts as the text their pages show.
        var text: String = ""
        /// The 1-based line of the mailbox (or file) where the message's body starts.
        var line: Int
        /// How many headers the message has: none, and the file is no message.
        var headerCount = 0
        /// The attached files fts reads (by their names' endings), each with its kind and bytes.
        var attachments: [(name: String, kind: CorpusFile.Kind, bytes: [UInt8])] = []
    }

    /// The messages of a mailbox: each starts after a line `From …` at the file's start or after a
    /// blank line; lines quoted as `>From` (mboxrd) lose one `>`.
    static func messages(ofMailbox bytes: [UInt8]) -> [Message] {
        // Each separator line: where it starts, where its message starts, and that message's line.
        var separators: [(start: Int, message: Int, line: Int)] = []
        var offset = 0, line = 1, previousBlank = true
        while offset < bytes.count {
            let end = bytes[offset...].firstIndex(of: 0x0A) ?? bytes.count
            if previousBlank && bytes[offset..<end].starts(with: Array("From ".utf8)) {
                separators.append((offset, min(end + 1, bytes.count), line + 1))
            }
            previousBlank = end == offset || (end == offset + 1 && bytes[offset] == 0x0D)
            offset = end + 1
            line += 1
        }
        return separators.indices.map { index in
            let start = separators[index].message
            let end = index + 1 < separators.count ? separators[index + 1].start : bytes.count
            return message(unquoted(bytes[start..<end]), line: separators[index].line)
        }
    }

    /// mboxrd's quoting undone: `>From ` and `>>From ` lines lose one `>`.
    private static func unquoted(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard bytes.count > 5 else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var atLineStart = true
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if atLineStart && bytes[index] == UInt8(ascii: ">") {
                var quotes = index
                while quotes < bytes.endIndex && bytes[quotes] == UInt8(ascii: ">") { quotes += 1 }
                if bytes[quotes...].starts(with: Array("From ".utf8)) { index += 1 }
            }
            atLineStart = bytes[index] == 0x0A
            result.append(bytes[index])
            index += 1
        }
        return result[...]
    }

    /// One message: its headers, then its body, at `line` of its file.
    static func message(_ bytes: ArraySlice<UInt8>, line: Int) -> Message {
        let (headers, body, headerLines) = split(bytes)
        var message = Message(line: line + headerLines, headerCount: headers.count)
        message.subject = headers.first { $0.name == "subject" }.map { decodedWords($0.value).singleSpaced }.flatMap { $0.isEmpty ? nil : $0 }
        message.from = headers.first { $0.name == "from" }.map { decodedWords($0.value).singleSpaced }.flatMap { $0.isEmpty ? nil : $0 }
        message.date = headers.first { $0.name == "date" }.map { isoDate($0.value) ?? $0.value.singleSpaced }
        var text = Text()
        text.add(part: headers, body: body, depth: 0)
        message.text = text.parts.joined(separator: "\n\n")
        message.attachments = text.attachments
        return message
    }

    typealias Header = (name: String, value: String)

    /// The unfolded headers, the body after the blank line, and how many lines the headers took.
    private static func split(_ bytes: ArraySlice<UInt8>) -> (headers: [Header], body: ArraySlice<UInt8>, lines: Int) {
        var headers: [Header] = []
        var index = bytes.startIndex, lines = 0
        while index < bytes.endIndex {
            let end = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[index..<end]
            if line.last == 0x0D { line = line.dropLast() }
            index = min(end + 1, bytes.endIndex)
            lines += 1
            if line.isEmpty { break }
            if line.first == 0x20 || line.first == 0x09 {
                if !headers.isEmpty { headers[headers.count - 1].value += " " + trimmed(line) }
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                headers.append((trimmed(line[..<colon]).lowercased(), trimmed(line[(colon + 1)...])))
            }
        }
        return (headers, bytes[index...], lines)
    }

    /// A header line's bytes as text, without the spaces and tabs around it.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// A header's value and its parameters (`text/plain; charset="utf-8"`), names lowercased.
    private static func parameters(_ value: String) -> (value: String, parameters: [String: String]) {
        var parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let main = parts.isEmpty ? "" : parts.removeFirst().lowercased()
        var parameters: [String: String] = [:]
        for part in parts {
            guard let equals = part.firstIndex(of: "=") else { continue }
            var value = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            parameters[part[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = value
        }
        return (main, parameters)
    }

    /// The texts of a message's parts, in turn.
    private struct Text {
        var parts: [String] = []
        var attachments: [(name: String, kind: CorpusFile.Kind, bytes: [UInt8])] = []

        mutating func add(part headers: [Header], body: ArraySlice<UInt8>, depth: Int) {
            guard depth < 16 else { return }
            let (type, parameters) = MailText.parameters(headers.first { $0.name == "content-type" }?.value ?? "text/plain")
            let disposition = MailText.parameters(headers.first { $0.name == "content-disposition" }?.value ?? "").value
            let encoding = headers.first { $0.name == "content-transfer-encoding" }?.value.lowercased() ?? ""
            if type.hasPrefix("multipart/"), let boundary = parameters["boundary"], !boundary.isEmpty {
                let parts = MailText.parts(of: body, boundary: boundary).map { MailText.split($0) }
                if type == "multipart/alternative" {
                    // The plain text, else the richest part that is text.
                    let chosen = parts.first { MailText.contentType($0.headers).hasPrefix("text/plain") }
                        ?? parts.last { MailText.contentType($0.headers).hasPrefix("text/") || MailText.contentType($0.headers).hasPrefix("multipart/") }
                    if let chosen { add(part: chosen.headers, body: chosen.body, depth: depth + 1) }
                } else {
                    for part in parts { add(part: part.headers, body: part.body, depth: depth + 1) }
                }
                return
            }
            // An attached file read as a file of its name is (not mail: a forwarded message is inline).
            let dispositionParameters = MailText.parameters(headers.first { $0.name == "content-disposition" }?.value ?? "").parameters
            if let name = (dispositionParameters["filename"] ?? parameters["name"]).map(MailText.decodedWords),
               let kind = Corpus.kind(of: name), !name.lowercased().hasSuffix(".eml"), !name.lowercased().hasSuffix(".mbox"),
               disposition == "attachment" || !type.hasPrefix("text/") {
                attachments.append(((name as NSString).lastPathComponent, kind, MailText.decoded(body, encoding: encoding)))
                return
            }
            guard disposition != "attachment" else { return }
            // Decoded only for the parts read: an inline picture's base64 is passed over.
            var decoded: [UInt8] { MailText.decoded(body, encoding: encoding) }
            switch type {
            case "text/plain", "text/markdown", "text/enriched", "":
                let text = MailText.text(decoded, charset: parameters["charset"])
                if text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) { parts.append(text) }
            case "text/html":
                let html = decoded
                let page = HTMLText.markdown(MailText.text(html, charset: parameters["charset"] ?? HTMLText.declaredCharset(Data(html))), titled: false)
                let text = MarkdownText.shown(page.lines).joined(separator: "\n")
                if text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) { parts.append(text) }
            case "message/rfc822":
                let (inner, innerBody, _) = MailText.split(decoded[...])
                if let subject = inner.first(where: { $0.name == "subject" }).map({ MailText.decodedWords($0.value).singleSpaced }), !subject.isEmpty {
                    parts.append(subject)
                }
                add(part: inner, body: innerBody, depth: depth + 1)
            default: break
            }
        }
    }

    private static func contentType(_ headers: [Header]) -> String {
        parameters(headers.first { $0.name == "content-type" }?.value ?? "text/plain").value
    }

    /// A multipart body's parts, between its boundary lines (`--boundary`, the last `--boundary--`).
    private static func parts(of body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var start: Int?
        var index = body.startIndex
        while index < body.endIndex {
            let end = body[index...].firstIndex(of: 0x0A) ?? body.endIndex
            let line = body[index..<end]
            if line.starts(with: delimiter) {
                if let start { parts.append(body[start..<max(start, index - 1)]) }
                let rest = line.dropFirst(delimiter.count)
                if rest.starts(with: Array("--".utf8)) { return parts }
                start = min(end + 1, body.endIndex)
            }
            index = min(end + 1, body.endIndex)
        }
        if let start { parts.append(body[start...]) }
        return parts
    }

    /// A body without its transfer encoding (base64, quoted-printable; others as they are).
    static func decoded(_ body: ArraySlice<UInt8>, encoding: String) -> [UInt8] {
        switch encoding {
        case "base64":
            let alphabet = body.filter { $0 > 0x20 && $0 != UInt8(ascii: "=") }
            let padded = alphabet + [UInt8](repeating: UInt8(ascii: "="), count: (4 - alphabet.count % 4) % 4)
            return Data(base64Encoded: Data(padded)).map { [UInt8]($0) } ?? []
        case "quoted-printable":
            var result: [UInt8] = []
            result.reserveCapacity(body.count)
            var index = body.startIndex
            while index < body.endIndex {
                let byte = body[index]
                guard byte == UInt8(ascii: "=") else {
                    result.append(byte)
                    index += 1
                    continue
                }
                let next = body[(index + 1)...].prefix(2)
                if next.first == 0x0A {
                    index += 2
                } else if next.starts(with: [0x0D, 0x0A]) {
                    index += 3
                } else if next.count == 2, let value = UInt8(String(decoding: next, as: UTF8.self), radix: 16) {
                    result.append(value)
                    index += 3
                } else {
                    result.append(byte)
                    index += 1
                }
            }
            return result
        default:
            return Array(body)
        }
    }

    /// Bytes in the charset a part names: the Latin charsets fts knows, any other that ICU converts
    /// (`CharsetConversion`); else UTF-8 (invalid UTF-8 read as Windows-1252, as mail clients do).
    static func text(_ bytes: [UInt8], charset: String?) -> String {
        let label = charset?.lowercased().trimmingCharacters(in: .whitespaces) ?? "utf-8"
        if let legacy = LegacyCharset(label: label) {
            return String(validating: bytes, as: UTF8.self).flatMap { $0.utf8.allSatisfy { $0 < 0x80 } ? $0 : nil } ?? legacy.decode(bytes)
        }
        if label != "utf-8" && label != "utf8", let text = CharsetConversion.text(bytes, charset: label) { return text }
        return String(validating: bytes, as: UTF8.self) ?? LegacyCharset.windows1252.decode(bytes)
    }

    /// A header's encoded words (RFC 2047: `=?utf-8?Q?caf=C3=A9?=`, `=?iso-8859-1?B?Y2Fm6Q==?=`)
    /// decoded; the white space between two of them goes.
    static func decodedWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var result = ""
        var rest = Substring(value)
        var afterWord = false
        while let start = rest.range(of: "=?") {
            let between = rest[..<start.lowerBound]
            let body = rest[start.upperBound...]
            let fields = body.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count == 4, fields[3].hasPrefix("="), let word = decodedWord(charset: fields[0], encoding: fields[1], text: fields[2]) else {
                result += rest[..<start.upperBound]
                rest = body
                afterWord = false
                continue
            }
            if !(afterWord && between.allSatisfy(\.isWhitespace)) { result += between }
            result += word
            rest = fields[3].dropFirst()
            afterWord = true
        }
        return result + rest
    }

    private static func decodedWord(charset: Substring, encoding: Substring, text: Substring) -> String? {
        let bytes: [UInt8]
        switch encoding.lowercased() {
        case "b": bytes = decoded(Array(text.utf8)[...], encoding: "base64")
        case "q": bytes = decoded(Array(text.replacingOccurrences(of: "_", with: " ").utf8)[...], encoding: "quoted-printable")
        default: return nil
        }
        // `utf-8*fr`: a language after the charset (RFC 2231).
        return Self.text(bytes, charset: String(charset.split(separator: "*").first ?? ""))
    }

    private static let utc = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// An RFC 5322 date (`Tue, 5 Mar 2024 10:20:30 +0100 (CET)`) as ISO 8601 in UTC
    /// (`2024-03-05T09:20:30Z`); nil when it is not one.
    static func isoDate(_ value: String) -> String? {
        var tokens = (value.split(separator: "(").first ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
        if let first = tokens.first, first.first?.isLetter == true { tokens.removeFirst() }
        guard tokens.count >= 4, let day = Int(tokens[0]), let month = months.firstIndex(of: tokens[1].prefix(3).lowercased()),
              var year = Int(tokens[2]) else { return nil }
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
        let time = tokens[3].split(separator: ":").map { Int($0) }
        guard time.count >= 2, time.allSatisfy({ $0 != nil }) else { return nil }
        var offset = 0
        if tokens.count > 4, let zone = tokens[4].first, zone == "+" || zone == "-", let number = Int(tokens[4].dropFirst()) {
            offset = (number / 100 * 60 + number % 100) * 60 * (zone == "-" ? -1 : 1)
        }
        let parts = DateComponents(year: year, month: month + 1, day: day, hour: time[0], minute: time[1], second: time.count > 2 ? time[2] : 0)
        guard (1...31).contains(day), let local = utc.date(from: parts) else { return nil }
        let moment = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: local.addingTimeInterval(TimeInterval(-offset)))
        guard let y = moment.year, let mo = moment.month, let d = moment.day, let h = moment.hour, let mi = moment.minute, let se = moment.second else { return nil }
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, se)
    }
}
