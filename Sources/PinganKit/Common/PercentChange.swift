/// Month-on-month / year-on-year change (环比 / 同比) and rates (占比, 破案率 …) as the seed
/// statistics tables write them: one decimal, rounded half away from zero on the decimal value.
/// Rounding is done in integer arithmetic so that exact halves (e.g. 12.25 %) never fall victim
/// to binary floating point.

public enum PercentChange {
    /// (current − previous) / previous as a fraction; nil when previous == 0.
    public static func fraction(current: Int, previous: Int) -> Double? {
        guard previous != 0 else { return nil }
        return (Double(current) - Double(previous)) / Double(previous)
    }

    /// One decimal with sign: 65→56 "-13.8%", 40→17 "-57.5%", 10→15 "+50.0%", 5→5 "0.0%";
    /// previous 0 gives "—". A change that rounds to zero is written "0.0%" without sign.
    public static func format(current: Int, previous: Int) -> String {
        guard previous != 0 else { return "—" }
        let (diff, overflow) = current.subtractingReportingOverflow(previous)
        let tenths = overflow
            ? PercentMath.tenthsOfPercent(Double(current) - Double(previous), previous)
            : PercentMath.tenthsOfPercent(diff, previous)
        guard let tenths else { return "—" }
        return (tenths > 0 ? "+" : "") + PercentMath.formatTenths(tenths) + "%"
    }

    /// A change as pages and exports read it: `format` when there is a previous figure; a rise from 0 has no
    /// percentage and reads "由0增至3" / "from 0 to 3"; 0 → 0 (and a fall to a negative, never seen) is "—".
    public static func describe(current: Int, previous: Int, chinese: Bool) -> String {
        if previous == 0 {
            guard current > 0 else { return "—" }
            return chinese ? "由0增至\(current)" : "from 0 to \(current)"
        }
        return format(current: current, previous: previous)
    }
}

public enum Rate {
    /// numerator/denominator as percent with one decimal: 47/56 → "83.9%", 975/1008 → "96.7%",
    /// 2595/4025 → "64.5%", 49/265 → "18.5%"; denominator 0 → "—".
    public static func format(_ numerator: Int, of denominator: Int) -> String {
        guard denominator != 0 else { return "—" }
        guard let tenths = PercentMath.tenthsOfPercent(numerator, denominator) else { return "—" }
        return PercentMath.formatTenths(tenths) + "%"
    }

    /// numerator / denominator; nil when denominator == 0.
    public static func fraction(_ numerator: Int, of denominator: Int) -> Double? {
        guard denominator != 0 else { return nil }
        return Double(numerator) / Double(denominator)
    }
}

enum PercentMath {
    /// round(1000 · n / d) half away from zero, i.e. n/d as a percentage in tenths. d ≠ 0.
    /// Exact integer arithmetic; falls back to Double only for values near Int's limits.
    static func tenthsOfPercent(_ n: Double, _ d: Int) -> Int? {
        let t = (n * 1000 / Double(d)).rounded(.toNearestOrAwayFromZero)
        guard t.isFinite, abs(t) < 9.0e18 else { return nil }
        return Int(t)
    }

    static func tenthsOfPercent(_ n: Int, _ d: Int) -> Int? {
        precondition(d != 0)
        let num = n.magnitude, den = d.magnitude
        // round-half-up on magnitudes: floor((2000·|n| + |d|) / (2·|d|))
        let (a, o1) = num.multipliedReportingOverflow(by: 2000)
        let (b, o2) = a.addingReportingOverflow(den)
        let (c, o3) = den.multipliedReportingOverflow(by: 2)
        guard !o1, !o2, !o3 else { return tenthsOfPercent(Double(n), d) }
        let q = b / c
        guard q <= UInt(Int.max) else { return nil }
        return (n < 0) != (d < 0) ? -Int(q) : Int(q)
    }

    /// 838 → "83.8", -138 → "-13.8", 5 → "0.5", 0 → "0.0".
    static func formatTenths(_ tenths: Int) -> String {
        let m = tenths.magnitude
        return (tenths < 0 ? "-" : "") + String(m / 10) + "." + String(m % 10)
    }
}

/// Figures computed in floating point (shares, scores, ratios, hours) written with a fixed number of
/// decimals by the same rule as `Rate` and `PercentChange`: half away from zero on the decimal value.
/// `String(format: "%.1f")` rounds the binary value half to even, so 1/16 = 6.25 % came out "6.2" there
/// and "6.3%" in the tables; every figure on a page, in a CSV and in a narrative goes through one rule.
///
/// A value within a relative 1e-9 of a half at the last kept place is treated as that half (6.25 stored as
/// 6.2499999999 still rounds to 6.3): the values written are ratios of counts and estimates, never exact
/// to ten significant digits, so the snap only undoes binary representation error.
public enum Decimals {
    /// `x` with `places` decimals (0…9): 6.25 → "6.3", -13.75 → "-13.8", 2.0 → "2.0"; non-finite → "—".
    public static func format(_ x: Double, places: Int = 1) -> String {
        guard let units = units(x, places: places) else { return "—" }
        let p = min(max(places, 0), 9)
        var scale: UInt = 1
        for _ in 0..<p { scale *= 10 }
        let m = units.magnitude
        let whole = String(m / scale)
        guard p > 0 else { return (units < 0 ? "-" : "") + whole }
        let frac = String(m % scale)
        return (units < 0 ? "-" : "") + whole + "." + String(repeating: "0", count: p - frac.count) + frac
    }

    /// A fraction as a percentage: 0.0625 → "6.3%", 0.95 → "95.0%"; nil → "—".
    public static func percent(_ fraction: Double?, places: Int = 1) -> String {
        guard let f = fraction, f.isFinite else { return "—" }
        let s = format(f * 100, places: places)
        return s == "—" ? s : s + "%"
    }

    /// A change as a signed percentage: 0.5 → "+50.0%", -0.138… → "-13.8%", a change that rounds to 0 → "0.0%"; nil → "—".
    public static func signedPercent(_ fraction: Double?, places: Int = 1) -> String {
        guard let f = fraction, let u = units(f * 100, places: places) else { return "—" }
        return (u > 0 ? "+" : "") + percent(f, places: places)
    }

    /// round(x · 10^places) half away from zero, with near-halves snapped; nil when not finite or too large.
    static func units(_ x: Double, places: Int) -> Int? {
        guard x.isFinite else { return nil }
        let p = min(max(places, 0), 9)
        var scale = 1.0
        for _ in 0..<p { scale *= 10 }
        let scaled = x * scale
        guard abs(scaled) < 9.0e15 else { return nil }
        let floor = scaled.rounded(.down)
        let half = floor + 0.5
        let r: Double
        if abs(scaled - half) <= 1e-9 * max(1, abs(scaled)) {
            r = scaled < 0 ? floor : floor + 1   // a half: away from zero (for negatives the floor is further from zero)
        } else {
            r = scaled.rounded(.toNearestOrAwayFromZero)
        }
        let u = Int(r)
        return u == 0 ? 0 : u
    }
}
