import Foundation

/// A column-mapping file (JSON) that says how a city's incident CSV maps onto Pingan's ledger, so an
/// analyst can load open data (外部警情数据导入) without writing code. Example (Toronto MCI):
///
/// ```json
/// { "name": "Toronto Police MCI",
///   "date": "occurrencedate", "hour": "occurrencehour", "since": "2014-01-01",
///   "latitude": "Lat", "longitude": "Long",
///   "subcategory": { "column": "MCI", "values": { "Break and Enter": "burglary", "Robbery": "robbery" } },
///   "community": { "column": "Neighbourhood", "default": "440113007601" },
///   "address": ["premises_type", "Neighbourhood"], "description": ["MCI"] }
/// ```
///
/// - `date`: a column whose first 10 characters are `YYYY-MM-DD` or `YYYY/MM/DD` (local date). The
///   time comes from `hour` (0–23) if given, else from characters 12–16 (`HH:mm`) of the same column,
///   else 00:00.
/// - `subcategory` / `community`: a column whose value is looked up in `values` (else used as is),
///   falling back to `default`; `constant` instead of `column` gives every row the same value.
///   Subcategories are Pingan codes (`burglary` …); communities are division codes or names.
/// - `skipValues`: rows whose subcategory column holds one of these are skipped (not errors).
public struct IncidentColumnMapping: Codable, Sendable, Equatable {
    public struct Lookup: Codable, Sendable, Equatable {
        public var column: String?
        public var constant: String?
        public var values: [String: String]?
        public var `default`: String?
        public init(column: String? = nil, constant: String? = nil, values: [String: String]? = nil, default d: String? = nil) {
            self.column = column; self.constant = constant; self.values = values; self.default = d
        }
    }

    public var name: String?
    public var date: String
    public var hour: String?
    /// Rows dated before this local date ("YYYY-MM-DD") are skipped.
    public var since: String?
    public var latitude: String?
    public var longitude: String?
    public var subcategory: Lookup
    public var community: Lookup
    public var address: [String]?
    public var description: [String]?
    public var skipValues: [String]?
    /// Time zone of the dates (IANA, e.g. "America/Toronto"); default: the server's.
    public var timeZone: String?
    /// Incident source code (`IncidentSource`), default "other".
    public var source: String?

    public init(date: String, subcategory: Lookup, community: Lookup) {
        self.date = date; self.subcategory = subcategory; self.community = community
    }

    public static func decode(json: Data) throws -> IncidentColumnMapping {
        try JSONDecoder().decode(IncidentColumnMapping.self, from: json)
    }

    /// Columns the mapping names (each must be in the header).
    public var columns: [String] {
        var c = [date]
        for x in [hour, latitude, longitude, subcategory.column, community.column] { if let x { c.append(x) } }
        c += address ?? []
        c += description ?? []
        var seen = Set<String>()
        return c.filter { seen.insert($0).inserted }
    }
}

/// One row mapped onto the ledger's terms (still to be resolved against the code tables).
public struct ExternalIncident: Sendable, Equatable {
    /// 1-based line in the file (header = line 1).
    public var line: Int
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int
    public var latitude: Double?
    public var longitude: Double?
    public var subcategory: String
    public var community: String
    public var address: String
    public var description: String
}

public struct ExternalIncidentProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var field: String
    public var message: String
    public init(line: Int, field: String, message: String) { self.line = line; self.field = field; self.message = message }
    public var description: String { "line \(line) \(field): \(message)" }
}

public enum ExternalIncidents {
    public struct Result: Sendable {
        public var rows: [ExternalIncident] = []
        public var problems: [ExternalIncidentProblem] = []
        public var skippedBeforeSince = 0
        public var skippedValues = 0
        /// Data lines read (header excluded, blank lines ignored).
        public var lines = 0
    }

    /// Maps every data row; problems are collected (row, field, message), never thrown, except a
    /// header that lacks a named column (one problem on line 1, no rows).
    public static func map(csv text: String, mapping m: IncidentColumnMapping) -> Result {
        var out = Result()
        let table = CSVReader.parse(text)
        guard let header = table.first?.map({ $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "") }) else { return out }
        var index: [String: Int] = [:]
        for (i, h) in header.enumerated() where index[h] == nil { index[h] = i }
        let missing = m.columns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            out.problems.append(.init(line: 1, field: "header", message: "missing column(s): " + missing.joined(separator: ", ")))
            return out
        }
        let since = m.since.flatMap { CivilDay.parse($0) }
        if m.since != nil && since == nil { out.problems.append(.init(line: 1, field: "since", message: "not a date: \(m.since!)")); return out }
        let skip = Set(m.skipValues ?? [])
        func lookup(_ l: IncidentColumnMapping.Lookup, _ row: [String]) -> String? {
            if let c = l.constant { return c }
            if let col = l.column, let i = index[col], i < row.count {
                let raw = row[i].trimmingCharacters(in: .whitespaces)
                if let v = l.values?[raw] { return v }
                if !raw.isEmpty && l.values == nil { return raw }
            }
            return l.default
        }
        for (k, row) in table.enumerated().dropFirst() {
            let line = k + 1
            if row.count == 1 && row[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            out.lines += 1
            func cell(_ c: String) -> String { let i = index[c]!; return i < row.count ? row[i].trimmingCharacters(in: .whitespaces) : "" }
            let dateText = cell(m.date)
            guard let dayNumber = CivilDay.parse(dateText) else {
                out.problems.append(.init(line: line, field: m.date, message: "not a date: \(dateText.prefix(30))")); continue
            }
            if let since, dayNumber < since { out.skippedBeforeSince += 1; continue }
            if let col = m.subcategory.column, skip.contains(cell(col)) { out.skippedValues += 1; continue }
            var hour = 0, minute = 0
            if let h = m.hour {
                guard let v = Int(cell(h)), (0...23).contains(v) else { out.problems.append(.init(line: line, field: h, message: "hour must be 0–23")); continue }
                hour = v
            } else {
                let b = Array(dateText.utf8)
                if b.count >= 16, b[13] == UInt8(ascii: ":"), let hh = Int(String(decoding: b[11..<13], as: UTF8.self)),
                   let mm = Int(String(decoding: b[14..<16], as: UTF8.self)), (0...23).contains(hh), (0...59).contains(mm) { hour = hh; minute = mm }
            }
            var lat: Double? = nil, lon: Double? = nil
            if let a = m.latitude, let o = m.longitude {
                let ta = cell(a), to = cell(o)
                if !ta.isEmpty || !to.isEmpty {
                    guard let va = Double(ta), let vo = Double(to), (-90...90).contains(va), (-180...180).contains(vo) else {
                        out.problems.append(.init(line: line, field: a, message: "coordinates out of range: \(ta), \(to)")); continue
                    }
                    // (0, 0) is how several open-data sets blank out a location.
                    if !(va == 0 && vo == 0) { lat = va; lon = vo }
                }
            }
            guard let sub = lookup(m.subcategory, row) else {
                out.problems.append(.init(line: line, field: m.subcategory.column ?? "subcategory", message: "no subcategory for \(m.subcategory.column.map(cell) ?? "")")); continue
            }
            guard let community = lookup(m.community, row) else {
                out.problems.append(.init(line: line, field: m.community.column ?? "community", message: "no community for \(m.community.column.map(cell) ?? "")")); continue
            }
            let (y, mo, d) = CivilDay.date(dayNumber)
            out.rows.append(ExternalIncident(line: line, year: y, month: mo, day: d, hour: hour, minute: minute, latitude: lat, longitude: lon,
                                             subcategory: sub, community: community,
                                             address: (m.address ?? []).map(cell).filter { !$0.isEmpty }.joined(separator: " "),
                                             description: (m.description ?? []).map(cell).filter { !$0.isEmpty }.joined(separator: " ")))
        }
        return out
    }
}
