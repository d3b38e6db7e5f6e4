/// Page parameters from a query string (`?page=3&per=50`) and the info a list page shows
/// ("showing 101–150 of 1,234").

public struct PageRequest: Sendable, Equatable {
    public var page: Int
    public var per: Int

    /// Clamps: page ≥ 1 (nil → 1; also capped at 1,000,000,000 so `offset` cannot overflow),
    /// 1 ≤ per ≤ maxPer (nil → defaultPer, itself clamped).
    public init(page: Int?, per: Int?, defaultPer: Int = 50, maxPer: Int = 200) {
        let maxPer = max(1, maxPer)
        self.page = min(max(page ?? 1, 1), 1_000_000_000)
        self.per = min(max(per ?? defaultPer, 1), maxPer)
    }

    /// Rows to skip: (page − 1) · per.
    public var offset: Int {
        let (v, overflow) = (page - 1).multipliedReportingOverflow(by: per)
        return overflow ? Int.max : max(0, v)
    }

    public func info(total: Int) -> PageInfo { PageInfo(page: page, per: per, total: total) }
}

/// Encodes as {"page","per","total","pageCount","hasNext","hasPrevious","firstItem","lastItem"};
/// decoding reads only page, per and total.
public struct PageInfo: Sendable, Codable, Equatable {
    public var page: Int
    public var per: Int
    public var total: Int

    public init(page: Int, per: Int, total: Int) {
        self.page = page
        self.per = per
        self.total = total
    }

    /// ⌈total / per⌉; 0 when total is 0.
    public var pageCount: Int {
        guard total > 0, per > 0 else { return 0 }
        return (total - 1) / per + 1
    }
    public var hasNext: Bool { page < pageCount }
    public var hasPrevious: Bool { page > 1 }

    /// 1-based index of the first item on this page; 0 when the page is empty.
    public var firstItem: Int {
        guard per > 0, page >= 1 else { return 0 }
        let (offset, overflow) = (page - 1).multipliedReportingOverflow(by: per)
        guard !overflow, offset < total else { return 0 }
        return offset + 1
    }
    /// 1-based index of the last item on this page; 0 when the page is empty.
    public var lastItem: Int {
        let first = firstItem
        guard first > 0 else { return 0 }
        return min(first - 1 + per, total)
    }

    private enum CodingKeys: String, CodingKey {
        case page, per, total, pageCount, hasNext, hasPrevious, firstItem, lastItem
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        page = try c.decode(Int.self, forKey: .page)
        per = try c.decode(Int.self, forKey: .per)
        total = try c.decode(Int.self, forKey: .total)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(page, forKey: .page)
        try c.encode(per, forKey: .per)
        try c.encode(total, forKey: .total)
        try c.encode(pageCount, forKey: .pageCount)
        try c.encode(hasNext, forKey: .hasNext)
        try c.encode(hasPrevious, forKey: .hasPrevious)
        try c.encode(firstItem, forKey: .firstItem)
        try c.encode(lastItem, forKey: .lastItem)
    }
}
