import Foundation

/// Pinyin initials of a Chinese name (德兴社区 → "dxsq"), so that a community can be found by typing the first letters
/// of its syllables, as people do on phones. Uses ICU's Mandarin transliteration (through Foundation); a character
/// that is not Han keeps its own lower-case letter or digit, and anything else is dropped. Where a character has two
/// readings ICU's usual one is taken: a plus for finding, not a reading to print.
public enum PinyinInitials {
    public static func of(_ text: String) -> String {
        guard let latin = text.applyingTransform(.mandarinToLatin, reverse: false)?.applyingTransform(.stripDiacritics, reverse: false) else {
            return ""
        }
        var out = ""
        var atStart = true
        for ch in latin.lowercased() {
            if ch.isASCII && (ch.isLetter || ch.isNumber) {
                // Each Han character becomes one space-separated syllable; a run of Latin letters or digits (a road's "A2"
                // or a building's number) keeps its first character only, like a syllable.
                if atStart { out.append(ch); atStart = false }
            } else {
                atStart = true
            }
        }
        return out
    }

    /// True when `query` is a run of 2–12 ASCII letters, the shape worth matching against initials.
    public static func looksLikeInitials(_ query: String) -> Bool {
        (2...12).contains(query.count) && query.allSatisfy { $0.isASCII && $0.isLetter }
    }
}
