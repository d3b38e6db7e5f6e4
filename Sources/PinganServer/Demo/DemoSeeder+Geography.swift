import Fluent
import Foundation
import PinganKit

extension DemoSeeder {
    /// Gives the tree a shape (issue 18): the district's real outline (shipped, converted to WGS-84) and synthetic
    /// outlines below it — streets/towns as Voronoi cells around points spread over the district, communities tiling
    /// their street, grids tiling their community — each marked `synthetic`; buildings get a point inside their grid.
    /// Centroids move inside their outlines, so incidents generated around them land in the right grid.
    /// Runs once: a district that already has an outline (real, synthetic or uploaded) is left alone.
    public static func seedGeography(on db: any Database) async throws {
        guard let district = try await Division.query(on: db).filter(\.$level == .district).sort(\.$code).first(),
              district.boundaryGeoJSON == nil, let outline = GuangzhouOutlines.wgs84(district.code) else { return }
        let all = try await Division.query(on: db).filter(\.$level != .district).all()
        var children: [Int: [Division]] = [:]
        for d in all { if let p = d.parentID { children[p, default: []].append(d) } }
        for k in children.keys { children[k]!.sort { $0.code < $1.code } }

        var changed: [Division] = []
        district.setBoundary(outline, source: .official)
        changed.append(district)
        /// Tiles `parent` with one synthetic cell per child, recursively down to grids; buildings get points.
        func tile(_ parent: Division, _ shape: GeoMultiPolygon, seed: UInt64) {
            guard let kids = children[parent.id!], !kids.isEmpty else { return }
            if kids[0].level == .building {
                let points = SyntheticBoundaries.randomInteriorPoints(kids.count, in: shape, seed: seed)
                for (b, p) in zip(kids, points) { b.centroidLat = p.lat; b.centroidLon = p.lon; changed.append(b) }
                return
            }
            let spacing = SyntheticBoundaries.suggestedSpacing(area: shape.area, count: kids.count)
            let seeds = SyntheticBoundaries.randomInteriorPoints(kids.count, in: shape, seed: seed, minSpacing: spacing)
            let tiling = SyntheticBoundaries.voronoi(parent: shape, seeds: seeds)
            for (i, child) in kids.enumerated() where i < tiling.cells.count && !tiling.cells[i].isEmpty {
                child.setBoundary(tiling.cells[i], source: .synthetic)
                changed.append(child)
                tile(child, tiling.cells[i], seed: seed &* 31 &+ UInt64(i + 1))
            }
        }
        tile(district, outline, seed: 440_113)
        try await db.transaction { tx in
            for d in changed { try await d.save(on: tx) }
        }
    }
}
