/// A field of the index: how it is indexed and stored, and its statistics for BM25.
public struct FieldInfo: Sendable, Equatable {
    public var name: String
    public var indexed: Bool
    public var stored: Bool
    /// Terms of this field over all documents: with `documentCount`, the average length.
    public var totalLength: UInt64
    /// Documents with at least one term in this field.
    public var documentsWithField: UInt32
    /// Its words are also indexed as written (`ExactForm`).
    public var exactForms: Bool

    public init(name: String, indexed: Bool, stored: Bool, totalLength: UInt64 = 0, documentsWithField: UInt32 = 0,
                exactForms: Bool = false) {
        self.name = name
        self.indexed = indexed
        self.stored = stored
        self.totalLength = totalLength
        self.documentsWithField = documentsWithField
        self.exactForms = exactForms
    }
}

/// What a field may be called: a letter or `_`, then letters, digits, `_`, `-` and `.`, in at most 64
/// bytes. Letters are any script's, so that the keys of French JSON Lines (`année`, `catégorie`) are
/// fields as `tags` is.
public enum FieldName {
    public static let maximumBytes = 64

    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= maximumBytes,
              first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy(isNameCharacter)
    }

    /// A letter (with its accents, as combining marks), a digit, `_`, `-` or `.`.
    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.generalCategory == .nonspacingMark
            || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar)
    }

    /// `isValid` of a name's UTF-8 bytes, by bytes when they are ASCII, as a query's usually are: a
    /// query's parse would otherwise spend more on its field's name than on the rest.
    public static func isValid(utf8 name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.allSatisfy({ $0 < 0x80 }) else { return isValid(String(decoding: name, as: UTF8.self)) }
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        guard let first = name.first, name.count <= maximumBytes, isLetter(first) || first == 0x5F else { return false }
        return name.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }

    /// `name` made valid: each run of other characters an `_` (`Date de publication` becomes
    /// `Date_de_publication`, `bad name!` `bad_name`), and an `_` first when it starts with a digit;
    /// nil when it holds no letter or digit, or is too long.
    public static func usable(_ name: String) -> String? {
        if isValid(name) { return name }
        var kept = String.UnicodeScalarView()
        var separated = false
        for scalar in name.unicodeScalars {
            guard isNameCharacter(scalar) else {
                separated = true
                continue
            }
            if separated && !kept.isEmpty { kept.append("_") }
            separated = false
            kept.append(scalar)
        }
        guard kept.contains(where: { $0.properties.isAlphabetic || ("0"..."9").contains($0) }) else { return nil }
        var result = String(kept)
        if let first = kept.first, first != "_" && !first.properties.isAlphabetic { result = "_" + result }
        return isValid(result) ? result : nil
    }

    /// The name with case and accents set aside: how a query may type it (`annee:` for `année`).
    public static func folded(_ name: String) -> String {
        Folding.removeAccents(Folding.lowercase(name))
    }
}

/// The fields every index has, at these numbers; JSON Lines fields follow.
public enum StandardField {
    public static let id = 0, path = 1, line = 2, title = 3, body = 4
    /// The title's and the body's French names, which a query may name them by (`titre:jardin`) when
    /// no field of the index has that name, as JSON and tables may name them (`Corpus.titleKeys`).
    static let frenchNames = ["titre": title, "texte": body, "contenu": body]
    static let all = [
        FieldInfo(name: "id", indexed: false, stored: true),
        FieldInfo(name: "path", indexed: false, stored: true),
        FieldInfo(name: "line", indexed: false, stored: true),
        FieldInfo(name: "title", indexed: true, stored: true),
        FieldInfo(name: "body", indexed: true, stored: true),
    ]
}

/// meta.fts: what the index holds and which component files make it up, with their lengths and
/// checksums. Written last: an index whose meta.fts is complete has every other file complete.
public struct IndexMeta: Sendable, Equatable {
    public struct Component: Sendable, Equatable {
        public var tag: FileFormat.Tag
        public var length: UInt64
        public var checksum: UInt32
    }

    public var indexID: [UInt8]
    public var documentCount: Int
    /// Bytes of text indexed (all fields).
    public var sourceBytes: UInt64
    public var fields: [FieldInfo]
    public var components: [Component]
    public var termCount: UInt64
    public var postingCount: UInt64
    public var positionCount: UInt64
    public var lexiconCount: UInt64

    public func field(named name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// Its words are also indexed as written (`fts index --exact-words`).
    public var hasExactForms: Bool { fields.contains(where: \.exactForms) }

    /// The field a query names: the one of that exact name, else the one searchable field whose name it
    /// is once case and accents are set aside (`annee:` for `année`, `Title:` for `title`), else the
    /// title or the body by its French name (`titre:`, `texte:`, `contenu:`).
    public func field(typed name: String) -> Int? {
        if let exact = field(named: name) { return exact }
        let folded = FieldName.folded(name)
        let matching = fields.indices.filter { fields[$0].indexed && FieldName.folded(fields[$0].name) == folded }
        return matching.count == 1 ? matching[0] : matching.isEmpty ? StandardField.frenchNames[folded] : nil
    }

    func encoded() -> ByteWriter {
        var writer = ByteWriter()
        writer.u32(UInt32(documentCount))
        writer.u64(sourceBytes)
        writer.u8(UInt8(fields.count - 1))
        for field in fields {
            writer.string(field.name)
            writer.u8((field.indexed ? 1 : 0) | (field.stored ? 2 : 0) | (field.exactForms ? 4 : 0))
            writer.u64(field.totalLength)
            writer.u32(field.documentsWithField)
        }
        writer.u8(UInt8(components.count))
        for component in components {
            writer.append(Array(component.tag.rawValue.utf8))
            writer.u64(component.length)
            writer.u32(component.checksum)
        }
        writer.u64(termCount)
        writer.u64(postingCount)
        writer.u64(positionCount)
        writer.u64(lexiconCount)
        return writer
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, body: Range<Int>, file: String) throws -> IndexMeta {
        var reader = ByteReader(bytes, file: file, offset: body.lowerBound, end: body.upperBound)
        let documentCount = Int(try reader.u32())
        let sourceBytes = try reader.u64()
        let fieldCount = Int(try reader.u8()) + 1
        var fields: [FieldInfo] = []
        for _ in 0..<fieldCount {
            let name = try reader.string()
            let flags = try reader.u8()
            fields.append(FieldInfo(name: name, indexed: flags & 1 != 0, stored: flags & 2 != 0,
                                    totalLength: try reader.u64(), documentsWithField: try reader.u32(), exactForms: flags & 4 != 0))
        }
        guard fields.count >= StandardField.all.count,
              zip(fields, StandardField.all).allSatisfy({ $0.name == $1.name && $0.indexed == $1.indexed })
        else { throw reader.corrupt("standard fields missing") }
        let componentCount = Int(try reader.u8())
        var components: [Component] = []
        for _ in 0..<componentCount {
            let tagBytes = try reader.bytes(4)
            guard let tag = FileFormat.Tag(rawValue: String(decoding: tagBytes, as: UTF8.self)), tag != .meta, tag != .run else {
                throw reader.corrupt("unknown component")
            }
            components.append(Component(tag: tag, length: try reader.u64(), checksum: try reader.u32()))
        }
        let meta = IndexMeta(indexID: FileFormat.indexID(of: bytes), documentCount: documentCount, sourceBytes: sourceBytes,
                             fields: fields, components: components, termCount: try reader.u64(),
                             postingCount: try reader.u64(), positionCount: try reader.u64(), lexiconCount: try reader.u64())
        guard reader.isAtEnd else { throw reader.corrupt("trailing bytes after the metadata") }
        return meta
    }
}
