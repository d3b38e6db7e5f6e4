import Foundation

/// CSV export (RFC 4180) for Excel users.
///
/// - Every record ends with CRLF.
/// - A field is quoted when it contains `,` `"` CR or LF; quotes inside are doubled.
/// - Every cell, header included, is first passed through `neutralise(_:)` against CSV/formula
///   injection (OWASP): a cell beginning with `=` `+` `-` `@` TAB or CR gets a leading apostrophe.
///   Accepted side effect: a negative figure such as "-13.8%" is exported as "'-13.8%" (Excel shows the
///   apostrophe-prefixed text). Plain negative numbers are rare in our exports; callers wanting numeric
///   negatives in Excel should export a separate unsigned column.
/// - `utf8WithBOM` prefixes the UTF-8 BOM so Excel on Windows opens Chinese text correctly.
public struct CSVWriter: Sendable {
    private var buffer: String
    public private(set) var header: [String]
    /// Number of data rows appended (header not counted).
    public private(set) var rowCount: Int = 0

    public init(header: [String]) {
        self.header = header
        self.buffer = ""
        Self.appendRecord(header, to: &buffer)
    }

    public mutating func append(_ row: [String]) {
        Self.appendRecord(row, to: &buffer)
        rowCount += 1
    }

    /// The whole document, CRLF line ends.
    public var text: String { buffer }

    /// EF BB BF followed by `text` in UTF-8.
    public var utf8WithBOM: [UInt8] {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes.reserveCapacity(buffer.utf8.count + 3)
        bytes.append(contentsOf: buffer.utf8)
        return bytes
    }

    /// Formula-injection neutralisation: a cell beginning with = + - @ TAB or CR gets a leading apostrophe.
    public static func neutralise(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first else { return cell }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + cell
        default: return cell
        }
    }

    /// Quotes a (neutralised) field when it contains , " CR or LF.
    public static func quote(_ field: String) -> String {
        let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One encoded record including its CRLF.
    public static func encodeRecord(_ fields: [String]) -> String {
        var s = ""
        appendRecord(fields, to: &s)
        return s
    }

    private static func appendRecord(_ fields: [String], to out: inout String) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out += "," }
            out += quote(neutralise(field))
        }
        out += "\r\n"
    }
}
