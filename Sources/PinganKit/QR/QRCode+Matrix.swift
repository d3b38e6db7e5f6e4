/// The module grid while a symbol is built: which modules are dark, and which belong to function patterns (finders,
/// timing, alignment, format and version information) and so carry no data and are never masked.
struct Matrix: Sendable {
    let version: Int
    let size: Int
    var dark: [Bool]
    var function: [Bool]

    init(version: Int) {
        self.version = version
        size = 17 + 4 * version
        dark = [Bool](repeating: false, count: size * size)
        function = [Bool](repeating: false, count: size * size)
    }

    subscript(x: Int, y: Int) -> Bool {
        get { dark[y * size + x] }
        set { dark[y * size + x] = newValue }
    }

    mutating func setFunction(_ x: Int, _ y: Int, _ isDark: Bool) {
        dark[y * size + x] = isDark
        function[y * size + x] = true
    }

    /// Finder patterns with their separators, timing patterns, alignment patterns, and reserved format/version areas.
    mutating func drawFunctionPatterns() {
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx, y = cy + dy
                    guard x >= 0, x < size, y >= 0, y < size else { continue }
                    let d = max(abs(dx), abs(dy))
                    setFunction(x, y, d != 2 && d != 4)
                }
            }
        }
        let centres = QRCode.alignment[version - 1]
        let n = centres.count
        for i in 0..<n {
            for j in 0..<n {
                // Not over the three finder patterns.
                if (i == 0 && j == 0) || (i == 0 && j == n - 1) || (i == n - 1 && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { setFunction(centres[i] + dx, centres[j] + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(mask: 0)   // reserves the area; redrawn with the real mask
        drawVersion()
    }

    /// 15 bits: level M (00) and the mask, BCH(15,5) protected and XORed with 101010000010010 (§ 7.9).
    mutating func drawFormatBits(mask: Int) {
        let data = (0b00 << 3) | mask
        var rem = data
        for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
        let bits = ((data << 10) | rem) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { setFunction(8, i, bit(i)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }
        for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
        setFunction(8, size - 8, true)   // the dark module
    }

    /// Versions 7 and up: 6 version bits and a BCH(18,6) code, in two 6×3 blocks (§ 7.10).
    mutating func drawVersion() {
        guard version >= 7 else { return }
        var rem = version
        for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
        let bits = (version << 12) | rem
        for i in 0..<18 {
            let on = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3, b = i / 3
            setFunction(a, b, on)
            setFunction(b, a, on)
        }
    }

    /// Codewords in the two-module-wide zigzag from the bottom-right corner, skipping the vertical timing column;
    /// modules left over (the remainder bits) stay light (§ 7.7.3).
    mutating func place(_ codewords: [UInt8]) {
        var i = 0
        let total = codewords.count * 8
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = ((right + 1) & 2) == 0
            for vert in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let y = upward ? size - 1 - vert : vert
                    if !function[y * size + x] && i < total {
                        self[x, y] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    static func maskBit(_ mask: Int, _ x: Int, _ y: Int) -> Bool {
        switch mask {
        case 0: return (x + y) % 2 == 0
        case 1: return y % 2 == 0
        case 2: return x % 3 == 0
        case 3: return (x + y) % 3 == 0
        case 4: return (x / 3 + y / 2) % 2 == 0
        case 5: return x * y % 2 + x * y % 3 == 0
        case 6: return (x * y % 2 + x * y % 3) % 2 == 0
        default: return ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    /// A copy with the data modules XORed by `mask` and that mask's format bits drawn.
    func masked(_ mask: Int) -> Matrix {
        var m = self
        for y in 0..<size {
            for x in 0..<size where !function[y * size + x] && Self.maskBit(mask, x, y) { m[x, y].toggle() }
        }
        m.drawFormatBits(mask: mask)
        return m
    }

    /// The four penalty rules of § 7.8.3: runs of five or more (N1 = 3), 2×2 blocks (N2 = 3), finder-like
    /// 1:1:3:1:1 patterns with four light modules on one side (N3 = 40), and imbalance of dark and light (N4 = 10).
    func penalty() -> Int {
        var total = 0
        func line(_ get: (Int) -> Bool) {
            var run = 1
            for i in 1..<size {
                if get(i) == get(i - 1) { run += 1 } else { if run >= 5 { total += 3 + run - 5 }; run = 1 }
            }
            if run >= 5 { total += 3 + run - 5 }
            // Outside the symbol counts as light (the quiet zone), so a pattern at the edge is found too.
            func at(_ i: Int) -> Bool { i >= 0 && i < size && get(i) }
            for i in -4..<size {
                let core = at(i) && !at(i + 1) && at(i + 2) && at(i + 3) && at(i + 4) && !at(i + 5) && at(i + 6)
                guard core else { continue }
                let lightBefore = (1...4).allSatisfy { !at(i - $0) }
                let lightAfter = (7...10).allSatisfy { !at(i + $0) }
                if lightBefore || lightAfter { total += 40 }
            }
        }
        for y in 0..<size { line { self[$0, y] } }
        for x in 0..<size { line { self[x, $0] } }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = self[x, y]
                if c == self[x + 1, y] && c == self[x, y + 1] && c == self[x + 1, y + 1] { total += 3 }
            }
        }
        let darkCount = dark.reduce(0) { $0 + ($1 ? 1 : 0) }
        let cells = size * size
        // Each full 5 % of deviation from half dark costs 10.
        total += (abs(darkCount * 20 - cells * 10) / cells) * 10
        return total
    }
}
