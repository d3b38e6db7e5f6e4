import Foundation
import PinganKit

extension LabCommands {
    static var hotspot: [LabCommand] {
        [
            LabCommand(name: "gistar", summary: "Getis-Ord Gi* hot spots of points on a square grid (esda G_Local star=True, transform='B')",
                       run: HotspotLab.gistar),
        ]
    }
}

enum HotspotLab {
    static let gistarHelp = """
    pingan-lab gistar --points FILE.csv [--cell 150] [--grid toronto|cover | --extent minX,minY,maxX,maxY]
                      [--lat0 43.7065 --lon0 -79.3967] [--out cells.csv] [--all-cells] [--repeat N]
                      [--hot-out hot.csv --min-z 1.96] [--general-weights]
      Points: a CSV with a header holding x,y (metres) or lat,lon (also Lat/Long, latitude/longitude;
      projected by the forecast-eval P2 equirectangular projection, rounded to 1 mm). Optional
      weekday (1 = Monday … 7) and hour (0…23) columns give each hot cell's hour × weekday profile.
      Grid: Toronto's frozen protocol extent by default (so cells equal forecast-eval's), `cover` for the
      points' bounding box rounded out to 100 m. Weights: queen contiguity on the lattice plus the cell
      itself, binary. Output: cell_index,cell_x,cell_y,y,gi,e_gi,v_gi,gi_z,p_norm for every cell (or only
      cells with y > 0 without --all-cells … the statistic always uses the whole lattice).
      Timings go to stderr; --repeat N times the Gi* computation N times and reports the median.
      --general-weights uses the sparse-weights code path (SpatialWeights) instead of the lattice stencil.
    """

    static func gistar(_ args: [String]) throws {
        let o = LabOptions(args)
        if o.flag("help") { print(gistarHelp); return }
        guard let path = o.value("points") else { throw LabUsageError("--points FILE.csv is required\n" + gistarHelp) }
        let cell = try o.double("cell", default: HotspotGrid.defaultCellSize)
        guard cell > 0 else { throw LabUsageError("--cell must be positive") }
        let projection = LocalProjection(lat0: try o.double("lat0", default: LocalProjection.toronto.lat0),
                                         lon0: try o.double("lon0", default: LocalProjection.toronto.lon0))
        let clock = ContinuousClock()

        let t0 = clock.now
        let points = try readPoints(path: path, projection: projection)
        let tRead = clock.now - t0

        let grid: HotspotGrid
        if let extent = o.value("extent") {
            let v = extent.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard v.count == 4, v[2] > v[0], v[3] > v[1] else { throw LabUsageError("--extent wants minX,minY,maxX,maxY") }
            grid = HotspotGrid(minX: v[0], minY: v[1], maxX: v[2], maxY: v[3], cellSize: cell)
        } else if o.value("grid") == "cover" {
            guard let g = HotspotGrid.covering(points.xy, cellSize: cell) else { throw LabUsageError("no points") }
            grid = g
        } else if o.value("grid") == nil || o.value("grid") == "toronto" {
            grid = HotspotGrid.toronto(cellSize: cell)
        } else {
            throw LabUsageError("--grid must be toronto or cover")
        }

        let t1 = clock.now
        let (counts, outside) = grid.counts(of: points.xy)
        let tBin = clock.now - t1

        let repeats = max(1, try o.int("repeat", default: 1))
        // --general-weights: the sparse-weights path (any neighbourhood), weights built once, untimed.
        let weights = o.flag("general-weights") ? SpatialWeights.queenLattice(rows: grid.rows, columns: grid.columns) : nil
        func compute() -> GiStarResult {
            if let weights { return GetisOrd.giStar(values: counts, weights: weights) }
            return GetisOrd.giStar(values: counts, grid: grid)
        }
        var result = compute()
        var runs: [Duration] = []
        for _ in 0..<repeats {
            let t = clock.now
            result = compute()
            runs.append(clock.now - t)
        }
        runs.sort()
        let median = runs[runs.count / 2]

        let t2 = clock.now
        if let out = o.value("out") {
            let all = o.flag("all-cells")
            var text = "cell_index,cell_x,cell_y,y,gi,e_gi,v_gi,gi_z,p_norm\n"
            text.reserveCapacity(grid.cellCount * 100)
            for i in 0..<grid.cellCount where all || counts[i] > 0 {
                text += "\(i),\(grid.column(of: i)),\(grid.row(of: i)),\(Int(counts[i])),\(result.g[i]),\(result.expected[i]),\(result.variance[i]),\(result.z[i]),\(result.p[i])\n"
            }
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        }
        if let hotOut = o.value("hot-out") {
            let events: [CellEvent] = points.when.indices.compactMap { k in
                guard let w = points.when[k], let i = grid.cellIndex(of: points.xy[k]) else { return nil }
                return CellEvent(cell: i, weekday: w.weekday, hour: w.hour)
            }
            let hot = Hotspots.hotCells(result: result, counts: counts, events: events,
                                        minZ: try o.double("min-z", default: 1.959_963_984_540_054))
            var text = "cell_index,cell_x,cell_y,y,gi_z,band,peak_weekday,peak_hour,profile_168\n"
            for h in hot {
                let peak = h.profile.counts.indices.max { h.profile.counts[$0] < h.profile.counts[$1] } ?? 0
                let profile = h.profile.total > 0 ? h.profile.counts.map(String.init).joined(separator: " ") : ""
                text += "\(h.cell),\(grid.column(of: h.cell)),\(grid.row(of: h.cell)),\(Int(h.count)),\(h.z),\(h.band.nameEn),\(peak / 24 + 1),\(peak % 24),\(profile)\n"
            }
            try text.write(toFile: hotOut, atomically: true, encoding: .utf8)
        }
        let tWrite = clock.now - t2

        func ms(_ d: Duration) -> String {
            let c = d.components
            return String(format: "%.3f", Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15)
        }
        let hotCount = result.z.filter { $0 >= 1.959_963_984_540_054 }.count
        FileHandle.standardError.write(Data("""
        gistar: \(points.xy.count) points, \(outside) outside the grid; grid \(grid.columns)×\(grid.rows) = \(grid.cellCount) cells of \(cell) m; \(hotCount) cells z ≥ 1.96
        timing_ms: read+project \(ms(tRead)), bin \(ms(tBin)), gistar \(ms(median)) (median of \(repeats)), write \(ms(tWrite))

        """.utf8))
    }

    struct Points {
        var xy: [PlanarPoint] = []
        var when: [(weekday: Int, hour: Int)?] = []
    }

    /// x,y or lat,lon points from a CSV with a header. Rows whose coordinates do not parse are skipped.
    static func readPoints(path: String, projection: LocalProjection) throws -> Points {
        guard let data = FileManager.default.contents(atPath: path) else { throw LabUsageError("cannot read \(path)") }
        let rows = CSVReader.parse(String(decoding: data, as: UTF8.self))
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else { return Points() }
        func column(_ names: [String]) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        let ix = column(["x"]), iy = column(["y"])
        let ilat = column(["lat", "latitude"]), ilon = column(["lon", "long", "lng", "longitude"])
        let iw = column(["weekday"]), ih = column(["hour"])
        let planar = ix != nil && iy != nil
        guard planar || (ilat != nil && ilon != nil) else {
            throw LabUsageError("\(path): need x,y or lat,lon columns, header is \(header.joined(separator: ","))")
        }
        var points = Points()
        points.xy.reserveCapacity(rows.count)
        for row in rows.dropFirst() {
            let a = planar ? ix! : ilat!, b = planar ? iy! : ilon!
            guard a < row.count, b < row.count, let u = Double(row[a]), let v = Double(row[b]) else { continue }
            points.xy.append(planar ? PlanarPoint(x: u, y: v) : projection.project(lat: u, lon: v))
            if let iw, let ih, iw < row.count, ih < row.count, let w = Int(row[iw]), let h = Int(row[ih]) {
                points.when.append((w, h))
            } else {
                points.when.append(nil)
            }
        }
        return points
    }
}
