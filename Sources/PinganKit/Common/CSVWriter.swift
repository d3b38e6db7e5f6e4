import Foundation

/// CSV export (RFC 4180) for Excel users.
///
/// - Every record ends with CRLF.
/// - A field is quoted when it contains `,` `"` CR or LF; quotes inside are doubled.
/// - Every cell, header included, is first passed through `neutralise(_:)` against CSV/formula
///   injection (OWASP): a cell beginning with `=` `+` `-` `@` TAB or CR gets a leading apostrophe —
///   except a cell that is exactly a signed decimal number (`-13.8`, `+50.0%`, `-3`): it cannot hold a
///   formula, and spreadsheets read it as the number it is, so its text is written unchanged.
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

    /// Formula-injection neutralisation: a cell beginning with = + - @ TAB or CR gets a leading apostrophe,
    /// unless it is exactly a signed decimal number (see `isSignedNumber`), which is written as it is.
    public static func neutralise(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first else { return cell }
        switch first {
        case "+", "-": return isSignedNumber(cell) ? cell : "'" + cell
        case "=", "@", "\t", "\r": return "'" + cell
        default: return cell
        }
    }

    /// `+` or `-`, 1–15 digits, optionally `.` and 1–15 digits, optionally `%` — nothing else
    /// ("-13.8%", "+50.0%", "-3", "-0.5"). Such a cell is a number to a spreadsheet, never a formula.
    public static func isSignedNumber(_ cell: String) -> Bool {
        var it = cell.unicodeScalars.makeIterator()
        guard let sign = it.next(), sign == "+" || sign == "-" else { return false }
        var whole = 0, fraction = 0, sawPoint = false, sawPercent = false
        while let c = it.next() {
            if sawPercent { return false }
            switch c {
            case "0"..."9":
                if sawPoint { fraction += 1 } else { whole += 1 }
            case ".":
                if sawPoint || whole == 0 { return false }
                sawPoint = true
            case "%":
                sawPercent = true
            default:
                return false
            }
        }
        if whole == 0 || whole > 15 { return false }
        if sawPoint && (fraction == 0 || fraction > 15) { return false }
        return true
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
