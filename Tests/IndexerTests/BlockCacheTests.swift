import Testing
import TestSupport
@testable import Indexer

@Suite struct BlockCacheTests {
    @Test func keepsTheMostRecentlyUsedWithinItsCapacity() {
        let cache = BlockCache(capacity: 100, blockCount: 5)
        for number in 0..<3 { cache.insert((number * 10, [UInt8](repeating: UInt8(number), count: 40)), for: number) }
        // 120 bytes asked for 100: block 0, the least recently used, went.
        #expect(cache.block(0) == nil)
        #expect(cache.block(1)?.firstDoc == 10 && cache.block(2)?.plain == [UInt8](repeating: 2, count: 40))
        // Block 1 is now older than block 2: the next insertion evicts it.
        _ = cache.block(2)
        cache.insert((30, [UInt8](repeating: 3, count: 40)), for: 3)
        #expect(cache.block(1) == nil && cache.block(2) != nil && cache.block(3) != nil)
        // A block larger than the whole cache is not kept, and evicts nothing.
        cache.insert((40, [UInt8](repeating: 4, count: 101)), for: 4)
        #expect(cache.block(4) == nil && cache.block(2) != nil && cache.block(3) != nil)
    }

    /// Random lookups and insertions against a plain model of least-recently-used eviction: the same
    /// blocks are held after every step (eviction keeps its own list of the blocks held).
    @Test func evictsAsAPlainLRUModelDoes() {
        var generator = SplitMix64(seed: 17)
        let cache = BlockCache(capacity: 500, blockCount: 60)
        var model: [Int: (size: Int, used: Int)] = [:]
        var clock = 0
        for step in 0..<5_000 {
            let number = Int(generator.next() % 60)
            clock += 1
            if generator.next() % 2 == 0 {
                let found = cache.block(number)
                #expect((found != nil) == (model[number] != nil), "step \(step): block \(number)")
                if model[number] != nil { model[number]!.used = clock }
            } else {
                let size = Int(generator.next() % 120) + 1
                cache.insert((number, [UInt8](repeating: UInt8(number), count: size)), for: number)
                if model[number] == nil {
                    while model.values.reduce(0, { $0 + $1.size }) + size > 500, let oldest = model.min(by: { $0.value.used < $1.value.used }) {
                        model[oldest.key] = nil
                    }
                    model[number] = (size, clock)
                }
            }
        }
        for number in 0..<60 {
            #expect((cache.block(number)?.plain.count) == model[number]?.size, "block \(number)")
        }
    }
}
