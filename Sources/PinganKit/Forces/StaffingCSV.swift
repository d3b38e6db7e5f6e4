import Foundation

/// CSV in and out for the staffing planner, and a deterministic synthetic district for benches and demos.

public struct StaffingCSVError: Error, Equatable, CustomStringConvertible {
    /// 1-based line of the CSV (header = 1); 0 for the header itself or a missing column.
    public var line: Int
    public var message: String
    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

public enum StaffingCSV {
    /// Accepted column names (English or Chinese), first = canonical. Required: code, station, kind, population.
    static let columns: [(key: String, names: [String])] = [
        ("code", ["code", "社区代码", "代码"]),
        ("name", ["name", "社区名称", "名称"]),
        ("station", ["station", "派出所", "station_code"]),
        ("kind", ["kind", "类型"]),
        ("population", ["population", "实有人口", "人口"]),
        ("police_area", ["police_area", "警务区"]),
        ("offices_in_place", ["offices_in_place", "现有警务室", "警务室"]),
        ("officers_in_place", ["officers_in_place", "现有民警", "社区民警"]),
        ("concurrent_posts", ["concurrent_posts", "兼职民警", "兼任"]),
        ("incidents", ["incidents", "警情数", "警情"]),
        ("disputes", ["disputes", "纠纷数", "纠纷"]),
    ]

    /// Parses a communities CSV (header row first; UTF-8 BOM tolerated). kind: urban/rural, 社区/村, 城/乡.
    /// Blank optional cells are 0 (counts) or none (police area). Throws the first bad cell with its line.
    public static func parseCommunities(_ text: String) throws -> [CommunityStaffingInput] {
        let rows = CSVReader.parse(text)
        guard let header = rows.first else { throw StaffingCSVError(line: 0, message: "empty file: a header row is required") }
        var index: [String: Int] = [:]
        for (i, raw) in header.enumerated() {
            let h = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if let col = columns.first(where: { $0.names.contains(h) }), index[col.key] == nil { index[col.key] = i }
        }
        for required in ["code", "station", "kind", "population"] where index[required] == nil {
            throw StaffingCSVError(line: 0, message: "missing column \(required) (\(columns.first { $0.key == required }!.names.joined(separator: "/")))")
        }
        var out: [CommunityStaffingInput] = []
        out.reserveCapacity(rows.count - 1)
        for (r, row) in rows.dropFirst().enumerated() {
            let line = r + 2
            func cell(_ key: String) -> String {
                guard let i = index[key], i < row.count else { return "" }
                return row[i].trimmingCharacters(in: .whitespaces)
            }
            func count(_ key: String, required: Bool = false) throws -> Int {
                let s = cell(key).replacingOccurrences(of: ",", with: "")
                if s.isEmpty {
                    if required { throw StaffingCSVError(line: line, message: "\(key) is required") }
                    return 0
                }
                guard let v = Int(s), v >= 0 else { throw StaffingCSVError(line: line, message: "\(key) must be a whole number ≥ 0, got \"\(cell(key))\"") }
                return v
            }
            let code = cell("code")
            guard !code.isEmpty else { throw StaffingCSVError(line: line, message: "code is required") }
            let station = cell("station")
            guard !station.isEmpty else { throw StaffingCSVError(line: line, message: "station is required") }
            guard let kind = parseKind(cell("kind")) else {
                throw StaffingCSVError(line: line, message: "kind must be urban/town/rural (社区/集镇/村), got \"\(cell("kind"))\"")
            }
            let area = cell("police_area")
            out.append(CommunityStaffingInput(
                code: code, name: cell("name"), stationCode: station, kind: kind, population: try count("population", required: true),
                policeArea: area.isEmpty ? nil : area, officesInPlace: try count("offices_in_place"),
                officersInPlace: try count("officers_in_place"), concurrentPosts: try count("concurrent_posts"),
                incidents: try count("incidents"), disputes: try count("disputes")))
        }
        return out
    }

    public static func parseKind(_ s: String) -> CommunityKind? {
        switch s.trimmingCharacters(in: .whitespaces).lowercased() {
        case "urban", "u", "社区", "城", "城区", "居", "居委会": .urban
        case "town", "t", "集镇", "集镇社区", "镇区": .town
        case "rural", "r", "村", "乡", "农村", "村委会": .rural
        default: nil
        }
    }

    public static let planHeader = [
        "level", "code", "name", "station", "kind", "unit", "population",
        "offices_required", "offices_in_place", "offices_shortfall",
        "officers_required", "officers_in_place", "officers_shortfall", "officers_surplus",
        "concurrent_posts", "concurrent_share", "incidents", "disputes",
        "population_per_officer", "incidents_per_officer", "disputes_per_officer",
    ]

    /// The plan as CSV: one row per community (input order), one per rural police area of several villages
    /// (level "area": officers pooled), one per station, then the district.
    public static func planCSV(_ plan: StaffingPlan) -> CSVWriter {
        var w = CSVWriter(header: planHeader)
        for c in plan.communities {
            w.append(["community", c.code, c.name, c.stationCode, c.kind.rawValue, c.unitKey, String(c.population)]
                     + figures(c.offices, c.officers) + [String(c.concurrentPosts), Share(c.concurrentPosts, of: c.officers.inPlace).percent]
                     + workload(c.workload))
        }
        for u in plan.units where u.communityCodes.count > 1 {
            w.append(["area", u.key, u.communityCodes.joined(separator: " "), u.stationCode, u.kind.rawValue, u.key, String(u.population)]
                     + figures(u.offices, u.officers) + ["", ""] + workload(u.workload))
        }
        for s in plan.stations {
            w.append(["station", s.stationCode, "", s.stationCode, "", "", String(s.totals.population)]
                     + totals(s.totals))
        }
        w.append(["district", "", "", "", "", "", String(plan.district.population)] + totals(plan.district))
        return w
    }

    public static let whatIfHeader = ["unit", "station", "communities", "new_officers", "shortfall_before", "shortfall_after"]

    /// The what-if allocations as CSV, in the order units received their first officer.
    public static func whatIfCSV(_ r: StaffingWhatIfResult) -> CSVWriter {
        var w = CSVWriter(header: whatIfHeader)
        for a in r.allocations {
            w.append([a.unitKey, a.stationCode, a.communityCodes.joined(separator: " "), String(a.officers),
                      String(a.shortfallBefore), String(a.shortfallAfter)])
        }
        return w
    }

    private static func figures(_ offices: StaffingFigure, _ officers: StaffingFigure) -> [String] {
        [offices.required, offices.inPlace, offices.shortfall, officers.required, officers.inPlace, officers.shortfall, officers.surplus].map(String.init)
    }

    private static func totals(_ t: StaffingTotals) -> [String] {
        figures(t.offices, t.officers) + [String(t.concurrentPosts), t.concurrentPostShare.percent] + workload(t.workload)
    }

    private static func workload(_ w: Workload) -> [String] {
        [String(w.incidents), String(w.disputes), decimal(w.populationPerOfficer), decimal(w.incidentsPerOfficer), decimal(w.disputesPerOfficer)]
    }

    /// One decimal, "" for nil.
    static func decimal(_ v: Double?) -> String {
        guard let v else { return "" }
        let tenths = Int((v * 10).rounded(.toNearestOrAwayFromZero))
        return String(tenths / 10) + "." + String(abs(tenths % 10))
    }
}

/// A deterministic synthetic district (SplitMix64): `communities` communities over stations of ~10,
/// 70 % urban, rural villages grouped by 1–4 into police areas, populations 800–16,000, and partial
/// staffing — for benches and demos. Same seed, same district on every toolchain.
public enum SyntheticStaffingDistrict {
    public static func generate(communities n: Int, seed: UInt64 = 2009) -> [CommunityStaffingInput] {
        var rng = SplitMix64(seed: seed)
        var out: [CommunityStaffingInput] = []
        out.reserveCapacity(max(0, n))
        var areaLeft = 0
        var areaNumber = 0
        for i in 0..<max(0, n) {
            let station = "S" + DivisionCode.zeroPadded(i / 10, width: 3)
            let urban = rng.chance(0.7)
            let population = urban ? rng.nextInt(in: 1500...16000) : rng.nextInt(in: 800...6000)
            var area: String? = nil
            if !urban {
                if areaLeft == 0 { areaLeft = rng.nextInt(in: 1...4); areaNumber += 1 }
                area = "A" + String(areaNumber)
                areaLeft -= 1
            }
            let officers = rng.nextInt(in: 0...2)
            out.append(CommunityStaffingInput(
                code: "440113" + DivisionCode.zeroPadded(i, width: 6), name: (urban ? "社区" : "村") + String(i),
                stationCode: station, kind: urban ? .urban : .rural, population: population, policeArea: area,
                officesInPlace: rng.chance(0.72) ? 1 : 0, officersInPlace: officers,
                concurrentPosts: officers > 0 && rng.chance(0.185) ? 1 : 0,
                incidents: rng.nextInt(in: 0...(population / 100)), disputes: rng.nextInt(in: 0...(population / 500))))
        }
        return out
    }
}
