import NIOConcurrencyHelpers
import PinganKit

/// Pinyin initials of division names, worked out once per name: ICU's transliteration costs tens of microseconds a
/// name, and the same few hundred community and street names are asked for on every picker and search.
enum PinyinCache {
    private static let cache = NIOLockedValueBox([String: String]())

    static func initials(_ name: String) -> String {
        guard !name.isEmpty else { return "" }
        if let hit = cache.withLockedValue({ $0[name] }) { return hit }
        let value = PinyinInitials.of(name)
        cache.withLockedValue { if $0.count < 50_000 { $0[name] = value } }
        return value
    }
}
