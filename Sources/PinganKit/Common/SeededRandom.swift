import Foundation

/// Small deterministic random helpers for demo data and tests.
///
/// SplitMix64 (Steele, Lea & Flood 2014; the reference constants of Vigna's splitmix64.c).
/// The helpers below do their own float/integer conversion instead of relying on the standard
/// library's `random(in:using:)`, whose algorithm is not guaranteed stable across Swift versions —
/// so a given seed produces the same demo data on every toolchain.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The SplitMix64 finaliser: a good 64-bit mixing function (e.g. to derive a sub-seed).
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [0, n) for n ≥ 1 (Lemire's multiply-shift; the tiny bias is irrelevant here).
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in the closed range.
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + nextInt(below: range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in [lower, upper).
    public mutating func nextDouble(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextUnit()
    }

    public mutating func chance(_ p: Double) -> Bool { nextUnit() < p }

    /// Standard normal (Box–Muller).
    public mutating func nextGaussian() -> Double {
        let u1 = max(nextUnit(), 0x1.0p-53)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Index drawn from a cumulative-weight table (strictly increasing, last = total).
    public mutating func pick(cumulative: [Double]) -> Int {
        precondition(!cumulative.isEmpty)
        let x = nextUnit() * cumulative[cumulative.count - 1]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Cumulative sums of `weights` (negative weights count as 0).
    public static func cumulative(_ weights: [Double]) -> [Double] {
        var sum = 0.0
        return weights.map { sum += max(0, $0); return sum }
    }
}
