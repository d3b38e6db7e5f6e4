import Foundation

/// Local equirectangular projection of the forecast-eval protocol (P2):
/// x = R·cos φ0·(λ−λ0), y = R·(φ−φ0), angles in radians, R = 6,371,008.8 m, rounded to 1 mm.
/// The operations are done in the same order as `evaluate.py` (numpy), so cell assignments match
/// bit for bit, including points that sit on a cell edge.
public struct ForecastProjection: Sendable, Equatable {
    public static let earthRadius = 6_371_008.8
    public let lat0: Double
    public let lon0: Double

    public init(lat0: Double, lon0: Double) {
        self.lat0 = lat0
        self.lon0 = lon0
    }

    /// Toronto's frozen centre (43.7065, −79.3967).
    public static let toronto = ForecastProjection(lat0: 43.7065, lon0: -79.3967)

    /// Projected metres, rounded to 1 mm (round half to even, like `numpy.round(v, 3)`).
    public func project(lat: Double, lon: Double) -> (x: Double, y: Double) {
        let degToRad = Double.pi / 180.0
        let x = Self.earthRadius * cos(lat0 * degToRad) * ((lon - lon0) * degToRad)
        let y = Self.earthRadius * ((lat - lat0) * degToRad)
        return (Self.roundMillimetre(x), Self.roundMillimetre(y))
    }

    /// Inverse projection (no rounding); used to report cell centres as WGS84.
    public func unproject(x: Double, y: Double) -> (lat: Double, lon: Double) {
        let radToDeg = 180.0 / Double.pi
        let lat = lat0 + (y / Self.earthRadius) * radToDeg
        let lon = lon0 + (x / (Self.earthRadius * cos(lat0 * Double.pi / 180.0))) * radToDeg
        return (lat, lon)
    }

    static func roundMillimetre(_ v: Double) -> Double {
        (v * 1000).rounded(.toNearestOrEven) / 1000
    }
}

/// Square grid of the protocol: cell_x = floor((x − x_min)/c), cell_y = floor((y − y_min)/c),
/// nx = ceil((x_max − x_min)/c), index = cell_y·nx + cell_x (row-major from the south-west corner;
/// the lower index wins ties when ranking).
public struct ForecastGrid: Sendable, Equatable {
    public let xMin: Double, yMin: Double, xMax: Double, yMax: Double
    public let cellSize: Double
    public let nx: Int, ny: Int

    public init(xMin: Double, yMin: Double, xMax: Double, yMax: Double, cellSize: Double) {
        precondition(cellSize > 0 && xMax > xMin && yMax > yMin, "empty grid")
        self.xMin = xMin; self.yMin = yMin; self.xMax = xMax; self.yMax = yMax
        self.cellSize = cellSize
        self.nx = Int(((xMax - xMin) / cellSize).rounded(.up))
        self.ny = Int(((yMax - yMin) / cellSize).rounded(.up))
    }

    /// Toronto's frozen extent: x ∈ [−19,500, 22,000] m, y ∈ [−13,300, 16,400] m.
    public static func toronto(cellSize: Double) -> ForecastGrid {
        ForecastGrid(xMin: -19_500, yMin: -13_300, xMax: 22_000, yMax: 16_400, cellSize: cellSize)
    }

    public var cellCount: Int { nx * ny }

    /// (cell_x, cell_y), possibly outside the grid.
    public func cellXY(x: Double, y: Double) -> (cx: Int, cy: Int) {
        (Int(((x - xMin) / cellSize).rounded(.down)), Int(((y - yMin) / cellSize).rounded(.down)))
    }

    public func contains(cx: Int, cy: Int) -> Bool { cx >= 0 && cx < nx && cy >= 0 && cy < ny }

    /// Cell index of a projected point, nil outside the grid.
    public func cellIndex(x: Double, y: Double) -> Int? {
        let (cx, cy) = cellXY(x: x, y: y)
        return contains(cx: cx, cy: cy) ? cy * nx + cx : nil
    }

    public func index(cx: Int, cy: Int) -> Int { cy * nx + cx }

    public func xy(ofIndex i: Int) -> (cx: Int, cy: Int) { (i % nx, i / nx) }

    /// Centre of a cell in projected metres.
    public func centre(ofIndex i: Int) -> (x: Double, y: Double) {
        let (cx, cy) = xy(ofIndex: i)
        return (xMin + (Double(cx) + 0.5) * cellSize, yMin + (Double(cy) + 0.5) * cellSize)
    }
}

/// Civil dates as day numbers (days since 1970-01-01), computed without time zones: the protocol
/// assigns incidents to weeks by their *local date*, so no instant arithmetic is needed.
public enum CivilDay {
    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    public static func number(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Inverse of `number`.
    public static func date(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// "YYYY-MM-DD" or "YYYY/MM/DD" (only the first 10 characters are read); nil if not a real date.
    public static func parse<S: StringProtocol>(_ s: S) -> Int? {
        let b = Array(s.utf8.prefix(10))
        guard b.count == 10, b[4] == b[7], b[4] == UInt8(ascii: "-") || b[4] == UInt8(ascii: "/") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { let c = b[i]; guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), d >= 1 else { return nil }
        let n = number(year: y, month: m, day: d)
        let back = date(n)
        return back.month == m && back.day == d ? n : nil
    }

    public static func format(_ n: Int) -> String {
        let (y, m, d) = date(n)
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// 0 = Monday … 6 = Sunday. 1970-01-01 was a Thursday.
    public static func weekday(_ n: Int) -> Int { ((n % 7) + 7 + 3) % 7 }

    /// The Monday of the week (Monday–Sunday) that contains day `n`.
    public static func monday(of n: Int) -> Int { n - weekday(n) }
}
