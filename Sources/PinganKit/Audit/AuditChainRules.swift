import Foundation

/// The audit log's hash chain, without any cryptography library: each row's MAC covers its own fields, its place in
/// the chain (`seq`) and the previous row's MAC, so a changed, removed or inserted row breaks the chain at that row.
/// The server supplies the keyed MAC (HMAC-SHA256 under a key derived from the product key); this file decides what
/// is covered and where a chain breaks, so the rules are tested without a database.
public enum AuditChainRules {
    /// The "previous MAC" of the first row ever written.
    public static let genesis = "genesis"

    /// The bytes a row's MAC covers: a version tag, the sequence number, the previous MAC and every field, each
    /// length-prefixed so that moving characters between two fields changes the bytes. `nil` and "" differ.
    public static func canonical(seq: Int, previous: String, fields: [String?]) -> [UInt8] {
        var out: [UInt8] = Array("pingan-audit-v1".utf8)
        func put(_ s: String?) {
            guard let s else { out.append(contentsOf: Array("-\n".utf8)); return }
            let bytes = Array(s.utf8)
            out.append(contentsOf: Array("\(bytes.count):".utf8))
            out.append(contentsOf: bytes)
            out.append(0x0A)
        }
        put(String(seq)); put(previous)
        for f in fields { put(f) }
        return out
    }

    /// Milliseconds since 1970: the only precision of `at` that survives both databases' timestamp types.
    public static func millis(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }
    /// A time cut to whole milliseconds, so the MAC computed before the insert matches the row read back.
    public static func truncated(_ d: Date) -> Date { Date(timeIntervalSince1970: (d.timeIntervalSince1970 * 1000).rounded(.down) / 1000) }

    /// One stored row as the verifier sees it.
    public struct Row: Sendable {
        public var id: Int
        public var seq: Int?
        public var previous: String?
        public var mac: String?
        /// The MAC the key gives for this row's stored fields and its stored `seq`/`previous` (nil when either is missing).
        public var expected: String?
        public init(id: Int, seq: Int?, previous: String?, mac: String?, expected: String?) {
            self.id = id; self.seq = seq; self.previous = previous; self.mac = mac; self.expected = expected
        }
    }

    /// The first place a chain stops holding, named by the row where it is seen.
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public enum Reason: Sendable, Equatable {
            /// The row has no chain values: written into the database without going through Pingan.
            case unchained
            /// The row's sequence number is not the next one: rows before it were removed (or it was inserted).
            case gap(expected: Int)
            /// The row does not name the previous row's MAC.
            case doesNotFollow
            /// The row's fields (or its chain values) were changed after it was written.
            case altered
            /// The chain ends before the head recorded with it: rows at the end were removed.
            case truncated(lastSeq: Int, headSeq: Int)
            /// The recorded head or anchor does not carry a valid MAC: it was edited.
            case forgedCheckpoint(String)
        }
        public var id: Int?
        public var seq: Int?
        public var reason: Reason
        public init(id: Int?, seq: Int?, reason: Reason) { self.id = id; self.seq = seq; self.reason = reason }

        public var description: String {
            let row = id.map { "row id \($0)" + (seq.map { " (seq \($0))" } ?? "") } ?? "the chain"
            switch reason {
            case .unchained: return "\(row) has no chain values: it was inserted directly into the database"
            case .gap(let e): return "\(row) should have seq \(e): rows before it were deleted or it was inserted directly"
            case .doesNotFollow: return "\(row) does not follow the previous row: a row before it was deleted, replaced or inserted"
            case .altered: return "\(row) was changed after it was written (its MAC does not match its contents)"
            case .truncated(let last, let head): return "the log ends at seq \(last) but its head records seq \(head): the last rows were deleted"
            case .forgedCheckpoint(let what): return "the chain's \(what) was edited (its MAC does not match)"
            }
        }
    }

    /// Walks rows in `seq` order from an anchor (seq 0 and `genesis` before any archiving).
    public struct Walker: Sendable {
        public private(set) var nextSeq: Int
        public private(set) var previous: String
        /// Rows that held (a breaking row is not counted).
        public private(set) var checked = 0
        public init(anchorSeq: Int, anchorMAC: String) { nextSeq = anchorSeq + 1; previous = anchorMAC }

        /// The break this row shows, if any; the walk continues from the row either way.
        public mutating func check(_ r: Row) -> Break? {
            guard let seq = r.seq, let prev = r.previous, let mac = r.mac else { return Break(id: r.id, seq: r.seq, reason: .unchained) }
            defer { nextSeq = seq + 1; previous = mac }
            if seq != nextSeq { return Break(id: r.id, seq: seq, reason: .gap(expected: nextSeq)) }
            if r.expected != mac { return Break(id: r.id, seq: seq, reason: .altered) }
            if prev != previous { return Break(id: r.id, seq: seq, reason: .doesNotFollow) }
            checked += 1
            return nil
        }

        /// After the last row: the head must name the last row seen.
        public func finish(headSeq: Int, headMAC: String) -> Break? {
            let last = nextSeq - 1
            if last != headSeq || previous != headMAC { return Break(id: nil, seq: nil, reason: .truncated(lastSeq: last, headSeq: headSeq)) }
            return nil
        }
    }
}
