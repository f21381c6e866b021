/// Whether the occurrences in a window of a proximity search can give each word one of its own, when
/// words share some terms but not all: `des` reaches `de` and `des`, `de` only `de`, so in
/// `"de des"~2` one `de` may stand for either word, never for both.
///
/// Occurrences are counted by type, the set of words they can stand for (one bit per word, by the
/// order of the words' first appearance). The window holds a match when a flow from the types, each
/// giving as many units as it has occurrences, can fill every word's need (its copies in the phrase).
/// The flow is kept maximal as the window slides: an occurrence that comes in looks for one augmenting
/// path from its type, one that leaves frees what it held and the others look for one path to
/// replace it. Each costs a search over types and words, whatever the window's length.
final class OccurrenceAssignment {
    /// Words are bits of a 64-bit mask.
    static let maximumWords = 64

    /// Per type, the words it can stand for: those known at the start, sorted, then those met since
    /// (`type(of:)`).
    private(set) var masks: [UInt64]
    private let sortedTypes: Int
    /// Per word of the phrase, its group's bit.
    private let bits: [UInt64]
    private let needs: [Int32]
    private let total: Int
    private var slack: [Int32]
    private var deficit: [Int32]
    /// Units of each type given to each word, type by type.
    private var flow: [Int32]
    private var missing = 0
    private var visitedTypes: [Bool]
    private var visitedWords: UInt64 = 0

    /// The types of `terms` (each word's terms) when an occurrence may stand for several words, else
    /// nil: two words with different terms share one, or, `sharingPositions`, words' terms stand at
    /// one position (an exact form beside its word's stem, a compound's joined word beside its first
    /// word). `groups[i]` is the first word with word i's terms; a word's bit is its group's rank.
    static func types(terms: [[String]], groups: [Int], sharingPositions: Bool = false) -> [UInt64]? {
        // Words of one term each share it only with the words of their own group.
        guard sharingPositions || terms.contains(where: { $0.count > 1 }) else { return nil }
        let firsts = groups.indices.filter { groups[$0] == $0 }
        var masks: [String: UInt64] = [:]
        for (rank, first) in firsts.enumerated() {
            for term in terms[first] { masks[term, default: 0] |= 1 << UInt64(rank) }
        }
        guard sharingPositions ? firsts.count > 1 : masks.values.contains(where: { $0.nonzeroBitCount > 1 }) else { return nil }
        return Set(masks.values).sorted()
    }

    /// `groups` as for `types`: a group needs as many occurrences as it has words.
    init(masks: [UInt64], groups: [Int]) {
        var ranks = Array(repeating: 0, count: groups.count)
        var needs: [Int32] = []
        for index in groups.indices {
            if groups[index] == index {
                ranks[index] = needs.count
                needs.append(0)
            }
            needs[ranks[groups[index]]] += 1
        }
        precondition(needs.count <= Self.maximumWords)
        bits = groups.map { 1 << UInt64(ranks[$0]) }
        self.masks = masks
        sortedTypes = masks.count
        self.needs = needs
        total = needs.reduce(0) { $0 + Int($1) }
        slack = Array(repeating: 0, count: masks.count)
        deficit = needs
        flow = Array(repeating: 0, count: masks.count * needs.count)
        visitedTypes = Array(repeating: false, count: masks.count)
        missing = total
    }

    /// Whether every word has occurrences of its own in the window.
    var complete: Bool { missing == 0 }

    /// The bit of the words with the terms of `group` (the first of them).
    @inline(__always)
    func bit(ofGroup group: Int) -> UInt64 { bits[group] }

    /// The type of an occurrence that `mask`'s words can stand for: one known, or a new one, with no
    /// occurrence yet (words whose terms stand at one position: `économies` is `=économies` and
    /// `économie`). Types are never renumbered.
    func type(of mask: UInt64) -> Int {
        var low = 0, high = sortedTypes - 1
        while low < high {
            let middle = (low + high) / 2
            if masks[middle] < mask { low = middle + 1 } else { high = middle }
        }
        if sortedTypes > 0 && masks[low] == mask { return low }
        if let met = masks[sortedTypes...].firstIndex(of: mask) { return met }
        masks.append(mask)
        slack.append(0)
        flow += repeatElement(0, count: needs.count)
        visitedTypes.append(false)
        return masks.count - 1
    }

    /// An empty window.
    func reset() {
        for index in slack.indices { slack[index] = 0 }
        for index in flow.indices { flow[index] = 0 }
        deficit = needs
        missing = total
    }

    func add(_ type: Int) {
        slack[type] += 1
        guard missing > 0 else { return }
        clearVisits()
        if augment(from: type) {
            slack[type] -= 1
            missing -= 1
        }
    }

    func remove(_ type: Int) {
        if slack[type] > 0 {
            slack[type] -= 1
            return
        }
        let words = needs.count
        guard let word = (0..<words).first(where: { flow[type * words + $0] > 0 }) else {
            preconditionFailure("removing an occurrence the window does not hold")
        }
        flow[type * words + word] -= 1
        deficit[word] += 1
        missing += 1
        clearVisits()
        for start in masks.indices where slack[start] > 0 && !visitedTypes[start] {
            if augment(from: start) {
                slack[start] -= 1
                missing -= 1
                return
            }
        }
    }

    private func clearVisits() {
        for index in visitedTypes.indices { visitedTypes[index] = false }
        visitedWords = 0
    }

    /// Finds a path from `type` to a word short of occurrences, alternating between a word the type can
    /// stand for and a type that gives that word a unit; moves one unit along it.
    private func augment(from type: Int) -> Bool {
        visitedTypes[type] = true
        let words = needs.count
        var candidates = masks[type]
        while candidates != 0 {
            let word = candidates.trailingZeroBitCount
            candidates &= candidates - 1
            guard visitedWords & (1 << UInt64(word)) == 0 else { continue }
            visitedWords |= 1 << UInt64(word)
            if deficit[word] > 0 {
                deficit[word] -= 1
                flow[type * words + word] += 1
                return true
            }
            for other in masks.indices where !visitedTypes[other] && flow[other * words + word] > 0 {
                if augment(from: other) {
                    flow[other * words + word] -= 1
                    flow[type * words + word] += 1
                    return true
                }
            }
        }
        return false
    }
}
