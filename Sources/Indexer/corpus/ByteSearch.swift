extension RandomAccessCollection where Element == UInt8, Index == Int {
    /// Where `needle` first occurs at or after `start`, or nil: how the markup readers find the end of
    /// a comment (`-->`), a CDATA section (`]]>`) or an element (`</pre>`).
    func firstIndex(of needle: String, from start: Int) -> Int? {
        let target = Array(needle.utf8)
        guard let first = target.first else { return start }
        var index = Swift.max(start, startIndex)
        while index + target.count <= endIndex {
            if self[index] == first && self[index..<(index + target.count)].elementsEqual(target) { return index }
            index += 1
        }
        return nil
    }
}
