import Foundation
import PinganKit

/// Staffing planner commands (issue 4): plan a communities CSV, what-if, a synthetic sample, and the bench.
extension LabCommands {
    static var staffing: [LabCommand] {
        [
            LabCommand(name: "staffing-plan",
                       summary: "--csv FILE [--out FILE] [rule options]: communities CSV in, plan CSV out (communities, stations, district)",
                       run: staffingPlan),
            LabCommand(name: "staffing-whatif",
                       summary: "--csv FILE --officers N [rule options]: where N new officers go (largest gaps first)",
                       run: staffingWhatIf),
            LabCommand(name: "staffing-sample",
                       summary: "--communities N [--seed S] [--out FILE]: a synthetic district as a communities CSV",
                       run: staffingSample),
            LabCommand(name: "staffing-bench",
                       summary: "--communities N [--runs R] [--seed S]: time the plan on a synthetic district (median, p99 ms)",
                       run: staffingBench),
        ]
    }

    /// Rule options shared by the commands: --tolerance PCT, --step N (default 0 = the seed's cap at the last band;
    /// N > 0 adds an officer per further N residents, a district option), --town N (officers per town-seat community),
    /// --rural-per-officer N, --minimum N, --office-per-village (one office per village instead of per rural police
    /// area; --rural-office-per-area, the default since issue 25, is still accepted).
    static func staffingRules(_ o: LabOptions) throws -> StaffingRules {
        var r = StaffingRules.seed001
        r.tolerancePercent = try o.int("tolerance", default: r.tolerancePercent)
        let step = try o.int("step", default: r.urbanStepAbove ?? 0)
        r.urbanStepAbove = step > 0 ? step : nil
        r.townOfficersPerCommunity = try o.int("town", default: r.townOfficersPerCommunity)
        r.ruralPopulationPerOfficer = try o.int("rural-per-officer", default: r.ruralPopulationPerOfficer)
        r.minimumOfficers = try o.int("minimum", default: r.minimumOfficers)
        if o.flag("office-per-village") && o.flag("rural-office-per-area") { throw LabUsageError("--office-per-village and --rural-office-per-area contradict each other") }
        r.ruralOfficePerPoliceArea = !o.flag("office-per-village")
        guard r.problems.isEmpty else { throw LabUsageError(r.problems.joined(separator: "; ")) }
        return r
    }

    static func readCommunities(_ o: LabOptions) throws -> [CommunityStaffingInput] {
        guard let path = o.value("csv") else { throw LabUsageError("--csv FILE is required") }
        guard let data = FileManager.default.contents(atPath: path) else { throw LabUsageError("cannot read \(path)") }
        return try StaffingCSV.parseCommunities(String(decoding: data, as: UTF8.self))
    }

    static func emit(_ w: CSVWriter, _ o: LabOptions) throws {
        if let out = o.value("out") {
            try Data(w.utf8WithBOM).write(to: URL(fileURLWithPath: out))
            FileHandle.standardError.write(Data("wrote \(w.rowCount) rows to \(out)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(w.text.utf8))
        }
    }

    static func staffingPlan(_ args: [String]) throws {
        let o = LabOptions(args)
        let plan = try StaffingPlanner.validatedPlan(try readCommunities(o), rules: try staffingRules(o))
        try emit(StaffingCSV.planCSV(plan), o)
        let d = plan.district
        FileHandle.standardError.write(Data("""
            district: \(d.communities) communities, \(d.population) residents; offices required \(d.offices.required), \
            in place \(d.offices.inPlace), shortfall \(d.offices.shortfall); officers required \(d.officers.required), \
            in place \(d.officers.inPlace), shortfall \(d.officers.shortfall), surplus \(d.officers.surplus); \
            concurrent posts \(d.concurrentPostShare)\n
            """.utf8))
    }

    static func staffingWhatIf(_ args: [String]) throws {
        let o = LabOptions(args)
        let n = try o.int("officers", default: -1)
        guard n >= 0 else { throw LabUsageError("--officers N (≥ 0) is required") }
        let plan = try StaffingPlanner.validatedPlan(try readCommunities(o), rules: try staffingRules(o))
        let r = StaffingWhatIf.allocate(n, plan: plan)
        try emit(StaffingCSV.whatIfCSV(r), o)
        FileHandle.standardError.write(Data("placed \(n - r.unallocated) of \(n); shortfall \(r.shortfallBefore) → \(r.shortfallAfter); unallocated \(r.unallocated)\n".utf8))
    }

    static func staffingSample(_ args: [String]) throws {
        let o = LabOptions(args)
        let n = try o.int("communities", default: 2000)
        let seed = try o.int("seed", default: 2009)
        var w = CSVWriter(header: ["code", "name", "station", "kind", "population", "police_area", "offices_in_place",
                                   "officers_in_place", "concurrent_posts", "incidents", "disputes"])
        for c in SyntheticStaffingDistrict.generate(communities: n, seed: UInt64(truncatingIfNeeded: seed)) {
            w.append([c.code, c.name, c.stationCode, c.kind.rawValue, String(c.population), c.policeArea ?? "",
                      String(c.officesInPlace), String(c.officersInPlace), String(c.concurrentPosts),
                      String(c.incidents), String(c.disputes)])
        }
        try emit(w, o)
    }

    static func staffingBench(_ args: [String]) throws {
        let o = LabOptions(args)
        let n = try o.int("communities", default: 2000)
        let runs = max(1, try o.int("runs", default: 200))
        let seed = try o.int("seed", default: 2009)
        let rules = try staffingRules(o)
        let communities = SyntheticStaffingDistrict.generate(communities: n, seed: UInt64(truncatingIfNeeded: seed))
        let clock = ContinuousClock()
        func ms(_ d: Duration) -> Double {
            Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        func measure(_ label: String, _ body: () throws -> Int) rethrows {
            var check = 0
            for _ in 0..<min(10, runs) { check &+= try body() } // warm-up
            var times: [Double] = []
            times.reserveCapacity(runs)
            for _ in 0..<runs {
                let start = clock.now
                check &+= try body()
                times.append(ms(clock.now - start))
            }
            times.sort()
            let median = times[times.count / 2]
            let p99 = times[min(times.count - 1, Int((Double(times.count) * 0.99).rounded(.up)) - 1)]
            print(label.padding(toLength: 34, withPad: " ", startingAt: 0)
                  + String(format: "median %8.3f ms   p99 %8.3f ms   min %8.3f   max %8.3f   (check %d)",
                           median, p99, times.first!, times.last!, check))
        }
        print("staffing-bench: \(n) communities, \(runs) runs, seed \(seed)")
        let sample = StaffingPlanner.plan(communities, rules: rules)
        print("  units \(sample.units.count), stations \(sample.stations.count); officers required \(sample.district.officers.required), "
              + "in place \(sample.district.officers.inPlace), shortfall \(sample.district.officers.shortfall)")
        try measure("plan (validated)") { try StaffingPlanner.validatedPlan(communities, rules: rules).district.officers.required }
        measure("plan") { StaffingPlanner.plan(communities, rules: rules).district.officers.required }
        measure("plan + what-if 200 officers") {
            StaffingWhatIf.allocate(200, plan: StaffingPlanner.plan(communities, rules: rules)).shortfallAfter
        }
        measure("plan + plan CSV") { StaffingCSV.planCSV(StaffingPlanner.plan(communities, rules: rules)).rowCount }
    }
}
