/// What-if (假设增配): where N new officers should go to close the largest gaps first.
///
/// Greedy, one officer at a time, over planning units (urban community, village, or rural police area):
/// the next officer goes to the unit with
///   1. the largest remaining officer shortfall (required − in place − already allocated);
///   2. on a tie, the most residents per officer after the allocations so far
///      (population / max(1, in place + allocated), compared exactly by cross-multiplication);
///   3. then the most incidents;
///   4. then the smallest unit key (community code, or "station/area"), so the result is deterministic.
/// Units with no shortfall receive nobody; officers left when every gap is closed are reported as
/// `unallocated`. The result does not depend on the input order.

public struct StaffingAllocation: Sendable, Codable, Equatable {
    public var unitKey: String
    public var stationCode: String
    public var communityCodes: [String]
    public var officers: Int
    /// Shortfall before and after the allocation.
    public var shortfallBefore: Int
    public var shortfallAfter: Int
}

public struct StaffingWhatIfResult: Sendable, Codable, Equatable {
    public var newOfficers: Int
    /// Units that receive officers, in the order they received their first one.
    public var allocations: [StaffingAllocation]
    public var unallocated: Int
    public var shortfallBefore: Int
    public var shortfallAfter: Int
}

public enum StaffingWhatIf {
    public static func allocate(_ newOfficers: Int, plan: StaffingPlan) -> StaffingWhatIfResult {
        struct Item { var unit: Int; var gap: Int; var population: Int; var staff: Int; var incidents: Int; var key: String }
        // a goes before b?
        func before(_ a: Item, _ b: Item) -> Bool {
            if a.gap != b.gap { return a.gap > b.gap }
            // population/staff: a.p / a.s > b.p / b.s ⟺ a.p · b.s > b.p · a.s (staff ≥ 1)
            let l = a.population.multipliedFullWidth(by: max(1, b.staff))
            let r = b.population.multipliedFullWidth(by: max(1, a.staff))
            if l.high != r.high || l.low != r.low { return (l.high, l.low) > (r.high, r.low) }
            if a.incidents != b.incidents { return a.incidents > b.incidents }
            return a.key < b.key
        }
        var heap = BinaryHeap<Item>(before: before)
        var totalBefore = 0
        for (u, unit) in plan.units.enumerated() where unit.officers.shortfall > 0 {
            totalBefore += unit.officers.shortfall
            heap.push(Item(unit: u, gap: unit.officers.shortfall, population: unit.population,
                           staff: unit.officers.inPlace, incidents: unit.incidents, key: unit.key))
        }
        var given: [Int: Int] = [:]
        var order: [Int] = []
        var left = max(0, newOfficers)
        while left > 0, var top = heap.pop() {
            if given[top.unit] == nil { order.append(top.unit) }
            given[top.unit, default: 0] += 1
            left -= 1
            top.gap -= 1
            top.staff += 1
            if top.gap > 0 { heap.push(top) }
        }
        let allocations = order.map { u -> StaffingAllocation in
            let unit = plan.units[u]
            let n = given[u]!
            return StaffingAllocation(unitKey: unit.key, stationCode: unit.stationCode, communityCodes: unit.communityCodes,
                                      officers: n, shortfallBefore: unit.officers.shortfall,
                                      shortfallAfter: unit.officers.shortfall - n)
        }
        let placed = max(0, newOfficers) - left
        return StaffingWhatIfResult(newOfficers: max(0, newOfficers), allocations: allocations, unallocated: left,
                                    shortfallBefore: totalBefore, shortfallAfter: totalBefore - placed)
    }
}

/// Minimal binary heap; `before(a, b)` is true when a should come out first.
struct BinaryHeap<Element> {
    private var items: [Element] = []
    private let before: (Element, Element) -> Bool

    init(before: @escaping (Element, Element) -> Bool) { self.before = before }

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard before(items[i], items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, before(items[l], items[m]) { m = l }
            if r < items.count, before(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
