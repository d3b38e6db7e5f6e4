import Foundation

/// An IPv4 or IPv6 address or network (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`): the reverse proxies a deployment
/// trusts to say who the client is (`PINGAN_TRUSTED_PROXIES`). IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`)
/// match as their IPv4 address.
public struct IPRange: Sendable, Equatable, CustomStringConvertible {
    let bytes: [UInt8]   // 4 or 16
    let prefix: Int
    public let description: String

    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPRange.parse(String(parts[0])) else { return nil }
        var prefix = address.count * 8
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...address.count * 8).contains(p) else { return nil }
            prefix = p
        }
        bytes = address; self.prefix = prefix; description = t
    }

    public func contains(_ address: String) -> Bool {
        guard var other = IPRange.parse(address) else { return false }
        var mine = bytes
        if other.count != mine.count {
            // Compare an IPv4-mapped IPv6 address with IPv4 (and the other way round) as IPv4.
            if other.count == 16, IPRange.isMapped(other) { other = Array(other[12...]) }
            if mine.count == 16, IPRange.isMapped(mine), prefix >= 96 { mine = Array(mine[12...]) }
            guard other.count == mine.count else { return false }
        }
        let bits = mine.count == bytes.count ? prefix : prefix - 96
        for i in 0..<mine.count {
            let take = max(0, min(8, bits - i * 8))
            guard take > 0 else { break }
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if mine[i] & mask != other[i] & mask { return false }
        }
        return true
    }

    static func isMapped(_ b: [UInt8]) -> Bool { b.count == 16 && b[0..<10].allSatisfy { $0 == 0 } && b[10] == 0xFF && b[11] == 0xFF }

    /// Dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` and a trailing dotted quad); nil for anything else.
    public static func parse(_ text: String) -> [UInt8]? {
        if !text.contains(":") { return parseIPv4(text) }
        var s = Substring(text)
        if let pct = s.firstIndex(of: "%") { s = s[..<pct] }   // zone index (fe80::1%eth0)
        var tail: [UInt8] = []
        if let lastColon = s.lastIndex(of: ":"), s[s.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(String(s[s.index(after: lastColon)...])) else { return nil }
            tail = v4
            s = s[...lastColon]
            if s.hasSuffix(":") && !s.hasSuffix("::") { s = s.dropLast() }
        }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        let rest = halves.count == 2 ? groups(halves[1]) : []
        guard let rest else { return nil }
        let wanted = 8 - tail.count / 2
        var all: [UInt16]
        if halves.count == 2 {
            guard head.count + rest.count < wanted else { return nil }
            all = head + [UInt16](repeating: 0, count: wanted - head.count - rest.count) + rest
        } else {
            guard head.count == wanted else { return nil }
            all = head
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + tail
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard (1...3).contains(p.count), p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }
}

/// Who the client is. The TCP peer, unless the peer is a trusted reverse proxy: then `X-Forwarded-For` is read from
/// the right (each proxy appends the address it saw), skipping trusted proxies, and the first address that is not one
/// is the client. Entries left of it were written by the client and are never believed; a header from an untrusted
/// peer is ignored entirely (anyone can send one).
public enum ClientAddress {
    public static func resolve(peer: String?, forwardedFor: [String], trusted: [IPRange]) -> String {
        guard let peer, !peer.isEmpty else { return "-" }
        guard isTrusted(peer, trusted) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            guard let address = normalise(hop) else { break }   // garbage: nothing further left can be trusted
            client = address
            if !isTrusted(address, trusted) { break }
        }
        return client
    }

    static func isTrusted(_ address: String, _ trusted: [IPRange]) -> Bool { trusted.contains { $0.contains(address) } }

    /// An address as a proxy writes it: bare, `[v6]`, `[v6]:port` or `v4:port`.
    static func normalise(_ hop: String) -> String? {
        var h = hop
        if h.hasPrefix("[") {
            guard let close = h.firstIndex(of: "]") else { return nil }
            h = String(h[h.index(after: h.startIndex)..<close])
        } else if h.filter({ $0 == ":" }).count == 1 {
            h = String(h.prefix { $0 != ":" })
        }
        return IPRange.parse(h) != nil ? h : nil
    }
}
