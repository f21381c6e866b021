import CICU

/// Text in any charset ICU converts, by the label a document gives it (an HTML page's `<meta
/// charset>`, a message's `charset=`): Cyrillic, Arabic, Hebrew, Greek, Chinese, Japanese and Korean
/// ones among them, where fts's own single-byte decoders (`LegacyCharset`) know the Latin ones.
enum CharsetConversion {
    /// The bytes decoded from the charset `label` names, what they cannot say as U+FFFD; nil when ICU
    /// knows no charset by that name.
    static func text(_ bytes: [UInt8], charset label: String) -> String? {
        guard !label.isEmpty, label.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        // A byte's UTF-8 is 3 bytes at most (U+FFFD too), and a first guess of that much fits.
        var capacity = bytes.count * 3 + 4
        while true {
            var output = [UInt8](repeating: 0, count: capacity)
            let written = bytes.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { buffer in
                    input.withMemoryRebound(to: CChar.self) { source in
                        buffer.withMemoryRebound(to: CChar.self) { target in
                            fts_convert_to_utf8(label, source.baseAddress, Int32(source.count), target.baseAddress, Int32(target.count))
                        }
                    }
                }
            }
            if written < 0 { return nil }
            if Int(written) <= capacity { return String(decoding: output[..<Int(written)], as: UTF8.self) }
            capacity = Int(written)
        }
    }
}
