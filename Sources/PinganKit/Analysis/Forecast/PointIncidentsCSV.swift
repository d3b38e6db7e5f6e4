import Foundation

/// A city's incidents as forecast-eval reads any city other than Toronto: columns `date` (MM/DD/YYYY, or
/// YYYY-MM-DD), `offense`, `lat`, `lon`; rows outside the study box and unreadable rows dropped (the tool's
/// `dropna`). Lets the frozen forecast run on data it was not built on, on that city's frozen grid.
public enum PointIncidentsCSV {
    public struct Columns: Sendable {
        public var date = "date", crime = "offense", lat = "lat", lon = "lon"
        public init() {}
    }

    /// Latitude and longitude bounds, inclusive (pandas `between`).
    public struct StudyBox: Sendable, Equatable {
        public var lat: ClosedRange<Double>
        public var lon: ClosedRange<Double>
        public init(lat: ClosedRange<Double>, lon: ClosedRange<Double>) { self.lat = lat; self.lon = lon }
    }

    public struct ParseResult: Sendable {
        public var rows: [(day: Int, lat: Double, lon: Double, crime: String)]
        public var droppedOutsideBox: Int
        public var droppedUnreadable: Int
    }

    public enum ParseError: Error, CustomStringConvertible {
        case missingColumn(String)
        public var description: String {
            switch self { case .missingColumn(let c): return "the incidents CSV lacks column \(c)" }
        }
    }

    /// "03/15/2021" (month first, as the tool's `%m/%d/%Y`) or "2021-03-15"; only the date part is read.
    public static func day<S: StringProtocol>(_ s: S) -> Int? {
        if let n = CivilDay.parse(s) { return n }
        let parts = s.prefix(while: { $0 != " " && $0 != "T" }).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
              let m = Int(parts[0]), let d = Int(parts[1]), let y = Int(parts[2]), (1...12).contains(m), d >= 1 else { return nil }
        let n = CivilDay.number(year: y, month: m, day: d)
        let back = CivilDay.date(n)
        return back.month == m && back.day == d ? n : nil
    }

    public static func parse(_ text: String, columns c: Columns = Columns(), box: StudyBox? = nil) throws -> ParseResult {
        let table = CSVReader.parse(text)
        guard let header = table.first else { return ParseResult(rows: [], droppedOutsideBox: 0, droppedUnreadable: 0) }
        func col(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw ParseError.missingColumn(name) }
            return i
        }
        let iDate = try col(c.date), iCrime = try col(c.crime), iLat = try col(c.lat), iLon = try col(c.lon)
        var out = ParseResult(rows: [], droppedOutsideBox: 0, droppedUnreadable: 0)
        out.rows.reserveCapacity(table.count)
        for row in table.dropFirst() {
            guard row.count > max(iDate, iCrime, iLat, iLon), let day = day(row[iDate]),
                  let lat = Double(row[iLat]), let lon = Double(row[iLon]), lat.isFinite, lon.isFinite, !row[iCrime].isEmpty
            else { out.droppedUnreadable += 1; continue }
            if let box, !(box.lat.contains(lat) && box.lon.contains(lon)) { out.droppedOutsideBox += 1; continue }
            out.rows.append((day, lat, lon, row[iCrime]))
        }
        return out
    }

    /// Renames raw crime labels (several may become one protocol type, e.g. "Burglary" ← BURGLARY, HOME INVASION);
    /// labels not named keep their own. `All` still counts every row.
    public static func relabel(_ rows: [(day: Int, lat: Double, lon: Double, crime: String)], _ map: [String: String])
        -> [(day: Int, lat: Double, lon: Double, crime: String)] {
        map.isEmpty ? rows : rows.map { ($0.day, $0.lat, $0.lon, map[$0.crime] ?? $0.crime) }
    }

    /// Parses "Burglary=BURGLARY|HOME INVASION" into raw label → name.
    public static func relabelling(_ spec: String) -> [String: String]? {
        let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        let labels = parts[1].split(separator: "|").map(String.init).filter { !$0.isEmpty }
        guard !labels.isEmpty else { return nil }
        return Dictionary(labels.map { ($0, parts[0]) }, uniquingKeysWith: { a, _ in a })
    }
}

extension WalkForward {
    /// `count` weeks from the Monday `firstMonday`: a test set the tool does not name (later data, another city),
    /// scored on the cells active before its first week (P3).
    public static func weeks(from firstMonday: Int, count: Int) -> [Int] {
        precondition(CivilDay.weekday(firstMonday) == 0, "weeks start on Monday")
        return (0..<max(0, count)).map { firstMonday + 7 * $0 }
    }
}
