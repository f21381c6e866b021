import Testing
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
}
