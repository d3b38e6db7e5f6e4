import Crypto
import FluentSQLiteDriver
import Foundation

/// The values `DataMove` moves and compares: each file value converted to its PostgreSQL column's type, the text
/// `COPY` reads, and the checksum both sides are compared by.
extension DataMove {
    enum Kind: Equatable {
        case int, bool, double, timestamp, bytes, text
        init(postgresType t: String) {
            switch t {
            case "bigint", "integer", "smallint": self = .int
            case "boolean": self = .bool
            case "double precision", "real": self = .double
            case "timestamp with time zone", "timestamp without time zone": self = .timestamp
            case "bytea": self = .bytes
            default: self = .text
            }
        }
    }

    /// One value in the form both sides are compared in.
    enum Cell: Equatable {
        case null, int(Int64), bool(Bool), double(Double), micros(Int64), bytes([UInt8]), text(String)

        /// From the file, converted to the destination column's type.
        init(_ d: SQLiteData, _ kind: Kind, table: String, column: String) throws {
            func bad() -> AdminCLI.Failure { AdminCLI.Failure(message: "\(table).\(column): the value \(d.description.prefix(40)) cannot be moved into a \(kind) column.") }
            switch (kind, d) {
            case (_, .null): self = .null
            case (.int, .integer(let i)): self = .int(Int64(i))
            case (.int, .float(let f)): guard let i = Int64(exactly: f) else { throw bad() }; self = .int(i)
            case (.int, .text(let s)): guard let i = Int64(s) else { throw bad() }; self = .int(i)
            case (.bool, .integer(let i)): self = .bool(i != 0)
            case (.bool, .text(let s)): self = .bool(["1", "true", "t"].contains(s.lowercased()))
            case (.double, .integer(let i)): self = .double(Double(i))
            case (.double, .float(let f)): self = .double(f)
            case (.double, .text(let s)): guard let f = Double(s) else { throw bad() }; self = .double(f)
            case (.timestamp, .integer(let i)): self = .micros(Int64(i) * 1_000_000)
            case (.timestamp, .float(let f)): self = .micros(Int64((f * 1_000_000).rounded()))
            case (.timestamp, .text(let s)):
                guard let date = Cell.isoDate(s) else { throw bad() }
                self = .micros(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
            case (.bytes, .blob(let b)): self = .bytes(Array(b.readableBytesView))
            case (.bytes, .text(let s)): self = .bytes(Array(s.utf8))
            case (.text, .text(let s)): self = .text(s)
            case (.text, .integer(let i)): self = .text(String(i))
            case (.text, .float(let f)): self = .text(String(f))
            case (.text, .blob(let b)): guard let s = String(bytes: b.readableBytesView, encoding: .utf8) else { throw bad() }; self = .text(s)
            default: throw bad()
            }
        }

        /// From PostgreSQL's text of the value (times as microseconds since 1970, bytes as hex: see `destinationSum`).
        init(postgres text: String?, _ kind: Kind) {
            guard let text else { self = .null; return }
            switch kind {
            case .int: self = Int64(text).map(Cell.int) ?? .text(text)
            case .bool: self = .bool(text == "true" || text == "t")
            case .double: self = Double(text).map(Cell.double) ?? .text(text)
            case .timestamp: self = Int64(text).map(Cell.micros) ?? .text(text)
            case .bytes: self = .bytes(Cell.unhex(text))
            case .text: self = .text(text)
            }
        }

        static func isoDate(_ s: String) -> Date? {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let d = f.date(from: s) { return d }
            f.formatOptions = [.withInternetDateTime]
            if let d = f.date(from: s) { return d }
            let g = DateFormatter()
            g.locale = Locale(identifier: "en_US_POSIX"); g.timeZone = TimeZone(identifier: "UTC")
            for format in ["yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"] {
                g.dateFormat = format
                if let d = g.date(from: s) { return d }
            }
            return nil
        }

        static func unhex(_ s: String) -> [UInt8] {
            var out: [UInt8] = [], hi: UInt8? = nil
            for c in s.utf8 {
                let v: UInt8 = c >= 97 ? c - 87 : (c >= 65 ? c - 55 : c - 48)
                if let h = hi { out.append(h << 4 | v); hi = nil } else { hi = v }
            }
            return out
        }

        /// The value as a field of `COPY … FROM STDIN` (text format).
        var copyText: String {
            switch self {
            case .null: return "\\N"
            case .int(let i): return String(i)
            case .bool(let b): return b ? "t" : "f"
            case .double(let d): return d.description
            case .micros(let us): return Cell.timestamp(us)
            case .bytes(let b): return "\\\\x" + b.map { String(format: "%02x", $0) }.joined()
            case .text(let s):
                var out = ""
                out.reserveCapacity(s.utf8.count)
                for ch in s.unicodeScalars {
                    switch ch {
                    case "\\": out += "\\\\"
                    case "\n": out += "\\n"
                    case "\r": out += "\\r"
                    case "\t": out += "\\t"
                    default: out.unicodeScalars.append(ch)
                    }
                }
                return out
            }
        }

        /// The value as it is checksummed: the same on both sides when the values are equal.
        var hashText: String {
            switch self {
            case .null: return "\u{0}N"
            case .int(let i): return "i" + String(i)
            case .bool(let b): return b ? "t" : "f"
            case .double(let d): return "d" + d.description
            case .micros(let us): return "m" + String(us)
            case .bytes(let b): return "x" + b.map { String(format: "%02x", $0) }.joined()
            case .text(let s): return "s" + s
            }
        }

        /// `2026-03-01 08:00:00.123456+00` — UTC, microseconds, as PostgreSQL reads a timestamptz.
        static func timestamp(_ us: Int64) -> String {
            var seconds = us / 1_000_000, frac = us % 1_000_000
            if frac < 0 { frac += 1_000_000; seconds -= 1 }
            var t = time_t(seconds), tm = tm()
            gmtime_r(&t, &tm)
            return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
                          Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec), Int(frac))
        }
    }

    // MARK: Checksums

    /// Row count and a checksum that does not depend on row order: the sum of each row's SHA-256 (four 64-bit lanes,
    /// wrapping), so the file can be read in rowid order and PostgreSQL in its own.
    struct Sum: Equatable {
        var rows = 0
        var lanes: [UInt64] = [0, 0, 0, 0]
        mutating func add(_ cells: [Cell]) {
            var h = SHA256()
            for c in cells { h.update(data: Data(c.hashText.utf8)); h.update(data: Data([0x1F])) }
            let d = Array(h.finalize())
            for lane in 0..<4 {
                var v: UInt64 = 0
                for b in d[(lane * 8)..<(lane * 8 + 8)] { v = v << 8 | UInt64(b) }
                lanes[lane] &+= v
            }
            rows += 1
        }
        var hex: String { lanes.map { String(format: "%016llx", $0) }.joined() }
    }
}
