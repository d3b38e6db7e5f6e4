import Foundation
import PinganKit

/// `pingan-lab forecast …`: weekly hotspot forecasts on the forecast-eval protocol's grid.
///
///   forecast export --data FILE --crime NAME --cell 150 --weeks toronto-2020 --model default --out FILE.csv
///   forecast export --data LATER.csv.gz --crime NAME --from 2020-12-28 [--count 52] --out FILE.csv   (any weeks, mask P3)
///   forecast export --format generic --grid LAT0,LON0,XMIN,YMIN,XMAX,YMAX [--box …] [--relabel "B=RAW1|RAW2"]
///                   [--defaults-as "Break and Enter"] --data CITY.csv --crime B --from MONDAY --out FILE.csv
///   forecast score  --data FILE --crime NAME --cell 150 --weeks toronto-tuning --model MODEL
///   forecast tune   --data FILE --crime NAME --cell 150           (the 2019 search that fixed the default)
///   forecast bench  --data FILE --cell 150                        (52 weeks × every offence type)
///
/// --data is the Toronto MCI CSV (or, with --format generic, date/offense/lat/lon as forecast-eval reads other cities); a `.gz` file is decompressed by running `gzip -dc` (nothing is
/// written to disk), any other file is read as plain CSV.
/// MODEL: default | counts:W=52 | decayed:H=52 | kde:h=200,W=26 | prospective:B=4,T=8 | etas:train=365 |
///        blend:H=52,alpha=0.3,h=1,eps=0.0001[,mw=3,Hm=26][,nb=0.3]
extension LabCommands {
    static var forecast: [LabCommand] {
        [LabCommand(name: "forecast", summary: "weekly hotspot forecasts: export | score | tune | bench") { args in
            guard let sub = args.first else { throw LabUsageError("forecast needs export, score, tune or bench") }
            let o = LabOptions(Array(args.dropFirst()))
            switch sub {
            case "export": try ForecastCLI.export(o)
            case "score": try ForecastCLI.score(o)
            case "tune": try ForecastCLI.tune(o)
            case "bench": try ForecastCLI.bench(o)
            default: throw LabUsageError("unknown forecast command \(sub)")
            }
        }]
    }
}

enum ForecastCLI {
    static func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    static func readText(_ path: String) throws -> String {
        if path.hasSuffix(".gz") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["gzip", "-dc", path]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw LabUsageError("gzip -dc \(path) failed (\(p.terminationStatus))") }
            return String(decoding: data, as: UTF8.self)
        }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    static func numbers(_ o: LabOptions, _ name: String, count: Int) throws -> [Double]? {
        guard let raw = o.value(name) else { return nil }
        let v = raw.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == count, v.allSatisfy({ $0?.isFinite == true }) else { throw LabUsageError("--\(name) needs \(count) comma-separated numbers") }
        return v.map { $0! }
    }

    /// `--format toronto` (default: the MCI file) or `generic` (date, offense, lat, lon — forecast-eval's reader for any
    /// other city), `--grid LAT0,LON0,XMIN,YMIN,XMAX,YMAX` (that city's frozen projection centre and extent; required
    /// for generic), `--box LATMIN,LATMAX,LONMIN,LONMAX` (study box), `--relabel "Name=RAW1|RAW2"` (repeatable).
    static func dataset(_ o: LabOptions) throws -> IncidentDataset {
        guard let path = o.value("data") else { throw LabUsageError("--data PATH (incidents CSV or .csv.gz) is required") }
        let cell = try o.double("cell", default: 150)
        let format = o.value("format") ?? "toronto"
        guard format == "toronto" || format == "generic" else { throw LabUsageError("--format must be toronto or generic") }
        var relabel: [String: String] = [:]
        for spec in o.values("relabel") {
            guard let m = PointIncidentsCSV.relabelling(spec) else { throw LabUsageError("--relabel looks like \"Burglary=BURGLARY|HOME INVASION\"") }
            relabel.merge(m) { a, _ in a }
        }
        var projection = ForecastProjection.toronto, grid = ForecastGrid.toronto(cellSize: cell)
        if let g = try numbers(o, "grid", count: 6) {
            guard g[4] > g[2], g[5] > g[3] else { throw LabUsageError("--grid: XMAX > XMIN and YMAX > YMIN") }
            projection = ForecastProjection(lat0: g[0], lon0: g[1])
            grid = ForecastGrid(xMin: g[2], yMin: g[3], xMax: g[4], yMax: g[5], cellSize: cell)
        } else if format == "generic" {
            throw LabUsageError("--format generic needs --grid LAT0,LON0,XMIN,YMIN,XMAX,YMAX (the city's frozen grid)")
        }
        let d: IncidentDataset
        if format == "toronto" {
            let parsed = try TorontoMCI.parse(try readText(path))
            d = IncidentDataset(raw: PointIncidentsCSV.relabel(parsed.rows, relabel), grid: grid, projection: projection, crimeNames: TorontoMCI.crimeTypes)
            log("read \(parsed.rows.count) incidents 2014+ (\(parsed.droppedBeforeFirstDay) before 2014, " +
                "\(parsed.droppedUnreadable) unreadable, \(d.droppedOutsideGrid) outside the grid dropped); grid \(d.grid.nx)×\(d.grid.ny) at \(Int(cell)) m")
        } else {
            var box: PointIncidentsCSV.StudyBox? = nil
            if let b = try numbers(o, "box", count: 4) {
                guard b[0] <= b[1], b[2] <= b[3] else { throw LabUsageError("--box: LATMIN ≤ LATMAX and LONMIN ≤ LONMAX") }
                box = .init(lat: b[0]...b[1], lon: b[2]...b[3])
            }
            let parsed = try PointIncidentsCSV.parse(try readText(path), box: box)
            d = IncidentDataset(raw: PointIncidentsCSV.relabel(parsed.rows, relabel), grid: grid, projection: projection)
            log("read \(parsed.rows.count) incidents (\(parsed.droppedOutsideBox) outside the study box, \(parsed.droppedUnreadable) unreadable, " +
                "\(d.droppedOutsideGrid) outside the grid dropped); grid \(d.grid.nx)×\(d.grid.ny) at \(Int(cell)) m; types: \(d.crimeNames.joined(separator: ", "))")
        }
        return d
    }

    /// The weeks to forecast: `--from MONDAY [--count N]` (default 52), or a named set `--weeks`. With `--from` the mask
    /// is the cells active before that Monday (P3), so a later year or another city is scored as the tool would.
    static func weeksAndMask(_ o: LabOptions, _ d: IncidentDataset) throws -> (name: String, starts: [Int], mask: [Int]) {
        if let from = o.value("from") {
            guard let day = CivilDay.parse(from), CivilDay.weekday(day) == 0 else { throw LabUsageError("--from must be a Monday YYYY-MM-DD") }
            let n = try o.int("count", default: 52)
            guard (1...520).contains(n) else { throw LabUsageError("--count must be 1–520 weeks") }
            return ("\(n) weeks from \(from)", WalkForward.weeks(from: day, count: n), d.mask(before: day))
        }
        let w = try weekSet(o)
        return (w.rawValue, w.weekStarts, d.mask(before: w.maskDay))
    }

    static func weekSet(_ o: LabOptions) throws -> WalkForward.WeekSet {
        let name = o.value("weeks") ?? "toronto-2020"
        guard let w = WalkForward.WeekSet(rawValue: name) else {
            throw LabUsageError("--weeks must be one of \(WalkForward.WeekSet.allCases.map(\.rawValue))")
        }
        return w
    }

    static func crime(_ o: LabOptions, _ d: IncidentDataset) throws -> (String, CrimeSelector) {
        let name = o.value("crime") ?? "All"
        guard let sel = d.selector(for: name) else { throw LabUsageError("--crime must be All or one of \(d.crimeNames)") }
        return (name, sel)
    }

    /// Parses a model spec such as `kde:h=200,W=26`.
    /// `--defaults-as "Break and Enter"`: which frozen configuration `default` means for a type named otherwise.
    nonisolated(unsafe) static var defaultsAs: String?

    static func model(_ spec: String, crime: String, dataset: IncidentDataset) throws -> HotspotModel {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        var p: [String: Double] = [:]
        if parts.count == 2 {
            for kv in parts[1].split(separator: ",") {
                let f = kv.split(separator: "=").map(String.init)
                guard f.count == 2, let v = Double(f[1]) else { throw LabUsageError("bad model parameter \(kv)") }
                p[f[0]] = v
            }
        }
        func need(_ k: String) throws -> Double {
            guard let v = p[k] else { throw LabUsageError("model \(parts[0]) needs \(k)=…") }
            return v
        }
        switch parts[0] {
        case "default": return ForecastDefaults.model(for: defaultsAs ?? crime)
        case "counts": return WindowCountsModel(weeks: Int(try need("W")))
        case "decayed": return DecayedCountsModel(halfLifeWeeks: try need("H"))
        case "kde": return QuarticKDEModel(dataset: dataset, bandwidth: try need("h"), weeks: Int(try need("W")))
        case "prospective": return ProspectiveModel(bandwidthCells: Int(try need("B")), weeks: Int(try need("T")))
        case "etas": return ETASGridModel(trainingDays: Int(p["train"] ?? 365), iterations: Int(p["iter"] ?? 30))
        case "blend":
            return BlendModel(.init(backgroundHalfLife: try need("H"), shortWeight: p["alpha"] ?? 0,
                                    shortHalfLife: p["h"] ?? 1, tieBreakWeight: p["eps"] ?? 0, neighbourWeight: p["nb"] ?? 0,
                                    mediumWeight: p["mw"] ?? 0, mediumHalfLife: p["Hm"] ?? 13))
        default: throw LabUsageError("unknown model \(parts[0])")
        }
    }

    static func export(_ o: LabOptions) throws {
        guard let out = o.value("out") else { throw LabUsageError("--out FILE.csv is required") }
        let d = try dataset(o)
        let (name, sel) = try crime(o, d)
        defaultsAs = o.value("defaults-as")
        let (setName, starts, mask) = try weeksAndMask(o, d)
        let m = try model(o.value("model") ?? "default", crime: name, dataset: d)
        let t0 = Date()
        let rows = WalkForward.run(m, dataset: d, crime: sel, weekStarts: starts, mask: mask)
        var text = "week_start,cell_x,cell_y,score\n"
        text.reserveCapacity(rows.count * mask.count * 28)
        let xy = mask.map { d.grid.xy(ofIndex: $0) }
        for (w, scores) in zip(starts, rows) {
            let ws = CivilDay.format(w)
            for (j, s) in scores.enumerated() { text += "\(ws),\(xy[j].cx),\(xy[j].cy),\(s)\n" }
        }
        try text.write(toFile: out, atomically: true, encoding: .utf8)
        log("\(m.label) \(name), \(setName): \(starts.count) weeks × \(mask.count) masked cells in " +
            String(format: "%.2f s", Date().timeIntervalSince(t0)) + " -> \(out)")
    }

    static func describe(_ s: [ForecastScore]) -> String {
        s.map { String(format: "HR %d%% %.4f PAI %.2f PEI* %.3f", Int($0.fraction * 100), $0.hitRate, $0.pai, $0.pei) }
            .joined(separator: " | ")
    }

    /// `--from YYYY-MM-DD` (a Monday) scores 52 other weeks instead of a named set, on the same mask
    /// (cells active before 2019-12-30): used for the pre-2020 robustness check in docs/forecasting.md.
    /// `--own-mask` scores them on the protocol's mask for a set starting that Monday instead (cells active
    /// before `--from`), so no cell enters the area because of an incident after the weeks scored.
    static func score(_ o: LabOptions) throws {
        let d = try dataset(o)
        defaultsAs = o.value("defaults-as")
        let (name, sel) = try crime(o, d)
        let weeks = try weekSet(o)
        var starts = weeks.weekStarts, setName = weeks.rawValue
        if let from = o.value("from") {
            guard let day = CivilDay.parse(from), CivilDay.weekday(day) == 0 else { throw LabUsageError("--from must be a Monday YYYY-MM-DD") }
            starts = (0..<52).map { day + 7 * $0 }
            setName = "52 weeks from \(from)"
        }
        var maskDay = weeks.maskDay
        if o.flag("own-mask") {
            guard let from = o.value("from"), let day = CivilDay.parse(from) else { throw LabUsageError("--own-mask needs --from") }
            maskDay = day
        }
        let mask = d.mask(before: maskDay)
        if o.flag("own-mask") { log("mask: \(mask.count) cells active before \(o.value("from")!)") }
        for spec in o.values("model").isEmpty ? ["default"] : o.values("model") {
            let m = try model(spec, crime: name, dataset: d)
            let r = ForecastEvaluation.evaluate(m, dataset: d, crime: sel, weekStarts: starts, mask: mask)
            print("\(setName)\t\(name)\t\(m.label)\t\(describe(r))")
        }
    }

    /// The search that fixed `ForecastDefaults`: the blend grid on the 2019 tuning weeks only.
    /// The criterion is HR at 1% + HR at 5% (one configuration must serve both); ties go to the first.
    static func tune(_ o: LabOptions) throws {
        let d = try dataset(o)
        let (name, sel) = try crime(o, d)
        let weeks = WalkForward.WeekSet.torontoTuning
        let mask = d.mask(before: weeks.maskDay)
        let base = ForecastEvaluation.evaluate(WindowCountsModel(weeks: 52), dataset: d, crime: sel,
                                               weekStarts: weeks.weekStarts, mask: mask)
        print("tuning weeks, \(name), baseline counts(W=52): \(describe(base))")
        var best: (Double, BlendModel.Parameters)? = nil
        for h in [26.0, 39, 52, 78, 104, 156] {
            for alpha in [0.0, 0.3, 1.0, 3.0] {
                let p = BlendModel.Parameters(backgroundHalfLife: h, shortWeight: alpha, shortHalfLife: 1, tieBreakWeight: 1e-4)
                let r = ForecastEvaluation.evaluate(BlendModel(p), dataset: d, crime: sel, weekStarts: weeks.weekStarts, mask: mask)
                let crit = r[0].hitRate + r[1].hitRate
                print("\(p)\t\(describe(r))\tsum \(String(format: "%.4f", crit))")
                if best == nil || crit > best!.0 + 1e-12 { best = (crit, p) }
            }
        }
        if let b = best { print("chosen for \(name): \(b.1)") }
    }

    static func bench(_ o: LabOptions) throws {
        let t0 = Date()
        let d = try dataset(o)
        let t1 = Date()
        let weeks = try weekSet(o)
        let mask = d.mask(before: weeks.maskDay)
        var checksum = 0.0
        for name in ["All"] + d.crimeNames {
            let sel = d.selector(for: name)!
            let m = try model(o.value("model") ?? "default", crime: name, dataset: d)
            let rows = WalkForward.run(m, dataset: d, crime: sel, weekStarts: weeks.weekStarts, mask: mask)
            checksum += rows.reduce(0) { $0 + $1.reduce(0, +) }
        }
        let t2 = Date()
        print(String(format: "load+grid %.2f s; forecasts (52 weeks × %d series × %d cells) %.2f s; total %.2f s; checksum %.3f",
                     t1.timeIntervalSince(t0), d.crimeNames.count + 1, mask.count, t2.timeIntervalSince(t1),
                     t2.timeIntervalSince(t0), checksum))
    }
}
