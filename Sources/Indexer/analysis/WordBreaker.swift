import CICU

/// What ICU's word rules say a segment is.
public enum WordKind: Sendable {
    case number
    case letters
}

public enum AnalysisError: Error, CustomStringConvertible {
    case icu(operation: String, code: Int32)
    case stemmerUnavailable(language: String)
    case textTooLong(bytes: Int)

    public var description: String {
        switch self {
        case let .icu(operation, code):
            return "ICU failed to \(operation): \(String(cString: fts_icu_error_name(code)))"
        case let .stemmerUnavailable(language):
            return "libstemmer has no stemmer for \(language) in UTF-8"
        case let .textTooLong(bytes):
            return "text of \(bytes) bytes is over the analyzer's limit of \(Int32.max) bytes"
        }
    }
}

/// ICU word segmentation of UTF-8 text, reporting words and numbers only (spaces and punctuation are
/// dropped by ICU's rule status). Not thread-safe: one per thread.
///
/// By default, the chunks between ASCII spaces that ICU's rules would keep as plain words (Latin
/// letters joined by apostrophes or full stops, split at hyphens, among punctuation that joins
/// nothing) are cut by a scan of their bytes, and only the other chunks go through ICU: the same
/// words, several times faster on French text (Sources/CICU/cicu.c says why it is exact).
public final class WordBreaker {
    private let breaker: OpaquePointer
    private var batch: [fts_word]

    /// `everyByteThroughICU` turns off the plain-chunk scan: ICU segments the whole text, as the
    /// baseline the analyzer's throughput is measured against and the reference the scan is tested
    /// against.
    public init(locale: String = "fr", everyByteThroughICU: Bool = false) throws {
        var error: Int32 = 0
        guard let breaker = fts_word_breaker_open(locale, everyByteThroughICU ? 0 : 1, &error) else {
            throw AnalysisError.icu(operation: "open a word break iterator for \(locale)", code: error)
        }
        self.breaker = breaker
        batch = Array(repeating: fts_word(), count: 1024)
    }

    deinit { fts_word_breaker_close(breaker) }

    /// Points the breaker at `bytes`, which must stay valid while `fill` is called.
    func setText(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard bytes.count <= Int(Int32.max) else { throw AnalysisError.textTooLong(bytes: bytes.count) }
        let status = bytes.withMemoryRebound(to: CChar.self) { chars in
            fts_word_breaker_set_text(breaker, chars.baseAddress, Int32(chars.count))
        }
        guard status == 0 else { throw AnalysisError.icu(operation: "set the text", code: status) }
    }

    /// Appends the next words to `words` (at most one batch); returns false once the text is exhausted.
    func fill(_ words: inout [fts_word]) throws -> Bool {
        let count = batch.withUnsafeMutableBufferPointer { buffer in
            Int(fts_word_breaker_next(breaker, buffer.baseAddress, Int32(buffer.count)))
        }
        guard count >= 0 else { throw AnalysisError.icu(operation: "segment the text", code: Int32(-count)) }
        guard count > 0 else { return false }
        words.append(contentsOf: batch[0..<count])
        return true
    }

    /// Calls `body` with the byte range and kind of every word of `text`: segmentation alone (with
    /// `everyByteThroughICU`, the baseline the analyzer's throughput is measured against).
    public func forEachWord(in text: String, _ body: (Range<Int>, WordKind) -> Void) throws {
        var text = text
        try text.withUTF8 { bytes in
            try setText(bytes)
            var words: [fts_word] = []
            words.reserveCapacity(batch.count)
            while try fill(&words) {
                for word in words {
                    body(Int(word.start)..<Int(word.end), word.kind == Int32(FTS_WORD_NUMBER) ? .number : .letters)
                }
                words.removeAll(keepingCapacity: true)
            }
        }
    }
}
