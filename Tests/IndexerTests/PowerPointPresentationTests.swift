import Foundation
import Testing
@testable import Indexer
import TestSupport

/// PowerPoint 97–2003 presentations (`.ppt`) are read in process, as their slides' text.
@Suite struct PowerPointPresentationTests {
    static func slides(_ streams: [(name: String, bytes: [UInt8])]) -> Result<[PageSections.Page], CompoundFile.Failure> {
        Result { () throws(CompoundFile.Failure) in try PowerPointPresentation(CompoundFile(CompoundFileWriter.file(streams, version: 3))).slides }
    }

    /// PowerPoint's own ways, in a presentation written here ([MS-PPT] records): the slides of the
    /// newest edit (an older edit's copy of a slide not read); placeholders' text kept in the
    /// outline and referred to by their shapes, the title by its placeholder; a text box of Latin-1
    /// bytes; a table's cells, shapes placed in a group, as rows; the slide number's placeholder left
    /// out; a hidden slide left out but counted; a slide
    /// whose outline texts no shape refers to, its title by its text type; the speaker's notes, the
    /// notes page's slide image left out.
    @Test func powerPointsOwnWaysAreReadAsPowerPointShowsThem() throws {
        let pages = try Self.slides(PPTWriter.presentation()).get()
        #expect(pages.map(\.number) == [1, 3])
        #expect(pages.map(\.title) == ["Le titre", "Titre centré"])
        #expect(pages.map(\.lines) == [["Premier point", "Second", "suite", "Zone libre", "é", "A | B", "C | D", "", "Une note"], ["Sous-titre"]])
    }

    /// What cannot be read says why: no PowerPoint stream, an encrypted presentation, a header that
    /// is not PowerPoint 97's, an edit past the stream's end.
    @Test func aPresentationThatCannotBeReadSaysWhy() throws {
        func reason(_ streams: [(name: String, bytes: [UInt8])]) -> String? {
            guard case .failure(let failure) = Self.slides(streams) else { return nil }
            return failure.reason
        }
        let streams = PPTWriter.presentation()
        #expect(reason([streams[0]]) == "not a PowerPoint presentation (no PowerPoint Document stream)")
        #expect(reason([streams[1]]) == "not a PowerPoint presentation (no Current User stream)")
        #expect(reason([streams[1], ("Current User", PPTWriter.currentUser(edit: 0, token: 0xF3D1_C4DF))]) == "an encrypted PowerPoint presentation: not read")
        #expect(reason([streams[1], ("Current User", PPTWriter.currentUser(edit: 0, token: 0x1234_5678))])
            == "a PowerPoint 95 or older presentation: only PowerPoint 97 and later are read")
        #expect(reason([("Current User", PPTWriter.currentUser(edit: 1_000_000)), streams[1]]) == "a record of the presentation runs past its container")
        #expect(reason(streams) == nil)
    }

    /// Any damage to the presentation's stream: an issue or its slides, never a trap nor a hang.
    @Test func anyDamageReadsWithoutTrapping() {
        var random = SplitMix64(seed: 83)
        let streams = PPTWriter.presentation()
        var outcomes = DamageOutcomes()
        outcomes.read(damagedCopiesOf: streams[1].bytes, rounds: 2_000, random: &random) {
            if case .success = Self.slides([streams[0], ("PowerPoint Document", $0)]) { true } else { false }
        }
        #expect(outcomes.read > 100 && outcomes.refused > 100, "\(outcomes)")
    }
}

/// A PowerPoint 97 presentation's streams written here: slides, notes and the document as persist
/// objects, reached through two edits' persist directories.
enum PPTWriter {
    static func atom(_ type: Int, _ data: [UInt8], instance: Int = 0) -> [UInt8] { le16(instance << 4) + le16(type) + le32(data.count) + data }
    static func container(_ type: Int, _ children: [UInt8], instance: Int = 0) -> [UInt8] { le16(0xF | instance << 4) + le16(type) + le32(children.count) + children }

    static func header(_ type: Int) -> [UInt8] { atom(0x0F9F, le32(type)) }
    static func characters(_ text: String) -> [UInt8] { atom(0x0FA0, text.utf16.flatMap { le16(Int($0)) }) }

    /// A shape: its placeholder, if any, and its text box's records.
    static func shape(placeholder: Int?, _ text: [UInt8]) -> [UInt8] {
        let data = placeholder.map { container(0xF011, atom(0x0BC3, le32(0) + [UInt8($0), 0, 0, 0])) } ?? []
        return container(0xF004, data + container(0xF00D, text))
    }

    /// A table: a group whose own shape has `tableProperties`, and its cells placed by child anchors.
    static func table(_ cells: [(top: Int, left: Int, text: String)]) -> [UInt8] {
        let own = container(0xF004, atom(0xF009, [UInt8](repeating: 0, count: 16)) + atom(0xF122, le16(0x03A0) + le32(0), instance: 1))
        let shapes = cells.flatMap { cell in
            container(0xF004, atom(0xF00F, le32(cell.left) + le32(cell.top) + le32(cell.left + 5) + le32(cell.top + 5))
                + container(0xF00D, header(4) + characters(cell.text)))
        }
        return container(0xF003, own + shapes)
    }

    static func drawing(_ shapes: [[UInt8]]) -> [UInt8] {
        container(0x040C, container(0xF002, container(0xF003, shapes.flatMap { $0 })))
    }

    static func slideAtom(notes: Int) -> [UInt8] { atom(0x03EF, [UInt8](repeating: 0, count: 16) + le32(notes) + le16(0) + le16(0)) }

    static func currentUser(edit: Int, token: UInt32 = 0xE391_C05F) -> [UInt8] {
        atom(0x0FF6, le32(20) + le32(token) + le32(edit) + [UInt8](repeating: 0, count: 8))
    }

    /// The Current User stream and the PowerPoint Document stream.
    static func presentation() -> [(name: String, bytes: [UInt8])] {
        var stream: [UInt8] = []
        func place(_ record: [UInt8]) -> Int {
            defer { stream += record }
            return stream.count
        }
        let stale = place(container(0x03EE, slideAtom(notes: 0) + drawing([shape(placeholder: nil, header(4) + characters("ancien"))])))
        let first = place(container(0x03EE, slideAtom(notes: 300) + drawing([
            shape(placeholder: 13, header(0) + atom(0x0F9E, le32(0))),
            shape(placeholder: 14, header(1) + atom(0x0F9E, le32(1))),
            shape(placeholder: 8, header(4) + characters("*")),
            shape(placeholder: nil, header(4) + atom(0x0FA8, Array("Zone libre\r".utf8) + [0xE9])),
            table([(10, 10, "D"), (0, 0, "A"), (10, 0, "C"), (0, 10, "B")]),
        ])))
        let hidden = place(container(0x03EE, slideAtom(notes: 0) + atom(0x03F9, [UInt8](repeating: 0, count: 10) + le16(0x0015) + le32(0))
            + drawing([shape(placeholder: nil, header(4) + characters("zeppelin"))])))
        let third = place(container(0x03EE, slideAtom(notes: 0)))
        let notes = place(container(0x03F0, atom(0x03F1, le32(256) + le32(0)) + drawing([
            shape(placeholder: 11, header(4) + characters("image")),
            shape(placeholder: 12, header(2) + characters("Une note")),
        ])))
        func slidePersist(_ persist: Int, id: Int) -> [UInt8] { atom(0x03F3, le32(persist) + le32(0) + le32(0) + le32(id) + le32(0)) }
        let slides = container(0x0FF0, slidePersist(1, id: 256) + header(0) + characters("Le titre") + header(1) + characters("Premier point\rSecond\u{B}suite")
                               + slidePersist(2, id: 257) + slidePersist(3, id: 258) + header(6) + characters("Titre centré") + header(5) + characters("Sous-titre"))
        let notesList = container(0x0FF0, slidePersist(4, id: 300), instance: 2)
        // The masters' list: its entries are neither slides nor notes.
        let masters = container(0x0FF0, slidePersist(3, id: 300) + header(0) + characters("Maître"), instance: 1)
        let document = place(container(0x03E8, atom(0x03E9, [UInt8](repeating: 0, count: 40)) + slides + notesList + masters))
        func edit(previous: Int, directory: Int, document: Int) -> [UInt8] {
            atom(0x0FF5, le32(0) + le16(0) + [0, 3] + le32(previous) + le32(directory) + le32(document) + le32(6) + le16(1) + le16(0))
        }
        let olderDirectory = place(atom(0x1772, le32(1 | 5 << 20) + [stale, hidden, third, notes, document].flatMap { le32($0) }))
        // The older edit names a document that is no more: the newest edit's is read.
        let older = place(edit(previous: 0, directory: olderDirectory, document: 9))
        let newerDirectory = place(atom(0x1772, le32(1 | 1 << 20) + le32(first)))
        let newer = place(edit(previous: older, directory: newerDirectory, document: 5))
        return [("Current User", currentUser(edit: newer)), ("PowerPoint Document", stream)]
    }
}
