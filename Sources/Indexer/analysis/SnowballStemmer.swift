import CStemmer

/// The reference Snowball stemmer (libstemmer). Expects lower-case UTF-8. Not thread-safe: one per thread.
public final class SnowballStemmer {
    private let stemmer: OpaquePointer

    public init(language: String = "french") throws {
        guard let stemmer = sb_stemmer_new(language, "UTF_8") else {
            throw AnalysisError.stemmerUnavailable(language: language)
        }
        self.stemmer = stemmer
    }

    deinit { sb_stemmer_delete(stemmer) }

    public func stem(_ word: String) -> String {
        var utf8 = word
        return utf8.withUTF8 { bytes in
            guard let base = bytes.baseAddress,
                  let stemmed = sb_stemmer_stem(stemmer, base, Int32(bytes.count))
            else { return word }
            let length = Int(sb_stemmer_length(stemmer))
            return String(decoding: UnsafeBufferPointer(start: stemmed, count: length), as: UTF8.self)
        }
    }
}
