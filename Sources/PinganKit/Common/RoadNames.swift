import Foundation

/// The roads an address names ("德兴路", "环城中路", "桥南大道"), so a resident can find their community by the road
/// they live on rather than by the community's name (issue 21 §2).
///
/// Chinese addresses run from large to small without separators: "广州市番禺区市桥街道德兴路12号". A road is the run of
/// Han characters that ends in 路, 大道, 大街, 街 or 巷, cut after the last administrative word before it (区, 市,
/// 镇, 街道, 社区, 村, 乡) — and 街 followed by 道 is the 街道 (sub-district), not a street.
public enum RoadNames {
    static let endings = ["大道", "大街", "路", "街", "巷"]
    static let administrative = ["街道", "社区", "区", "市", "镇", "村", "乡", "省"]

    public static func extract(_ address: String) -> [String] {
        let chars = Array(address)
        var out: [String] = []
        var i = 0, lastEnd = 0
        while i < chars.count {
            guard let ending = endings.first(where: { matches(chars, at: i, $0) }) else { i += 1; continue }
            let end = i + ending.count
            // 街道 is a sub-district; 街 inside a longer word is not a street either.
            if ending == "街", end < chars.count, chars[end] == "道" { i = end + 1; continue }
            var start = i
            // Back over Han characters, but not into the road before ("沙头街东二巷" is two roads).
            while start > lastEnd, isHan(chars[start - 1]) { start -= 1 }
            var name = String(chars[start..<end])
            for word in administrative {
                if let r = name.range(of: word, options: .backwards), r.upperBound < name.index(name.endIndex, offsetBy: -ending.count) {
                    name = String(name[r.upperBound...])
                }
            }
            for word in ["靠近", "近", "临", "在"] where name.hasPrefix(word) && name.count - word.count > ending.count { name.removeFirst(word.count) }
            if name.count > ending.count, name.count <= 8, !out.contains(name) { out.append(name) }
            i = end; lastEnd = end
        }
        return out
    }

    private static func matches(_ chars: [Character], at i: Int, _ word: String) -> Bool {
        let w = Array(word)
        guard i + w.count <= chars.count else { return false }
        return Array(chars[i..<(i + w.count)]) == w
    }

    private static func isHan(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
    }
}
