import Foundation

// Geometry types for the map (issue 18). Coordinates are longitude/latitude in degrees, in the order
// GeoJSON uses, so values round-trip to and from uploads without reordering. The datum is whatever the
// caller says it is (the product stores WGS-84; see `GeoDatum` for GCJ-02).

/// A position: longitude then latitude, in degrees.
public struct GeoPoint: Hashable, Sendable, Codable, CustomStringConvertible {
    public var lon: Double
    public var lat: Double

    public init(lon: Double, lat: Double) {
        self.lon = lon
        self.lat = lat
    }

    /// Finite and within ±180° longitude, ±90° latitude.
    public var isValid: Bool { lon.isFinite && lat.isFinite && abs(lon) <= 180 && abs(lat) <= 90 }

    public var description: String { "(\(lon), \(lat))" }
}

/// A longitude/latitude box. It does not wrap across the antimeridian (the product's districts never do).
public struct GeoBBox: Hashable, Sendable, Codable {
    public var minLon: Double
    public var minLat: Double
    public var maxLon: Double
    public var maxLat: Double

    public init(minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        self.minLon = minLon
        self.minLat = minLat
        self.maxLon = maxLon
        self.maxLat = maxLat
    }

    /// The smallest box holding every point; nil for no points.
    public init?<S: Sequence>(points: S) where S.Element == GeoPoint {
        var it = points.makeIterator()
        guard let first = it.next() else { return nil }
        var b = GeoBBox(minLon: first.lon, minLat: first.lat, maxLon: first.lon, maxLat: first.lat)
        while let p = it.next() { b.include(p) }
        self = b
    }

    public var width: Double { maxLon - minLon }
    public var height: Double { maxLat - minLat }
    public var center: GeoPoint { GeoPoint(lon: (minLon + maxLon) / 2, lat: (minLat + maxLat) / 2) }

    public mutating func include(_ p: GeoPoint) {
        minLon = Swift.min(minLon, p.lon); maxLon = Swift.max(maxLon, p.lon)
        minLat = Swift.min(minLat, p.lat); maxLat = Swift.max(maxLat, p.lat)
    }

    public func union(_ other: GeoBBox) -> GeoBBox {
        GeoBBox(minLon: Swift.min(minLon, other.minLon), minLat: Swift.min(minLat, other.minLat),
                maxLon: Swift.max(maxLon, other.maxLon), maxLat: Swift.max(maxLat, other.maxLat))
    }

    /// Closed boxes: touching edges count as intersecting (a layer request's box that touches a
    /// feature's box should still fetch it).
    public func intersects(_ other: GeoBBox) -> Bool {
        minLon <= other.maxLon && other.minLon <= maxLon && minLat <= other.maxLat && other.minLat <= maxLat
    }

    /// Closed box: points on the edge are contained.
    public func contains(_ p: GeoPoint) -> Bool {
        p.lon >= minLon && p.lon <= maxLon && p.lat >= minLat && p.lat <= maxLat
    }

    public func contains(_ other: GeoBBox) -> Bool {
        other.minLon >= minLon && other.maxLon <= maxLon && other.minLat >= minLat && other.maxLat <= maxLat
    }

    /// Grown by `degrees` on every side (negative shrinks; a box never inverts, it collapses to its centre).
    public func expanded(by degrees: Double) -> GeoBBox {
        var b = GeoBBox(minLon: minLon - degrees, minLat: minLat - degrees, maxLon: maxLon + degrees, maxLat: maxLat + degrees)
        if b.minLon > b.maxLon { b.minLon = center.lon; b.maxLon = center.lon }
        if b.minLat > b.maxLat { b.minLat = center.lat; b.maxLat = center.lat }
        return b
    }

    /// Grown by `metres` on every side (the longitude margin widened by 1/cos(latitude) at the box's
    /// most poleward edge, so the margin is at least `metres` everywhere in the box).
    public func expanded(byMetres metres: Double) -> GeoBBox {
        let dLat = metres / GeoMeasure.metresPerDegree
        let poleward = Swift.min(89.0, Swift.max(abs(minLat), abs(maxLat)))
        let dLon = dLat / cos(poleward * .pi / 180)
        return GeoBBox(minLon: minLon - dLon, minLat: minLat - dLat, maxLon: maxLon + dLon, maxLat: maxLat + dLat)
    }
}

/// A linear ring. GeoJSON rings repeat the first position at the end; `points` keeps exactly what was
/// given (so validation can say "not closed"), and every computation treats the ring as closed.
public struct GeoRing: Hashable, Sendable, Codable {
    public var points: [GeoPoint]

    public init(_ points: [GeoPoint]) { self.points = points }

    /// First and last positions identical (and at least one position).
    public var isClosed: Bool { points.count > 0 && points.first == points.last }

    /// This ring with the first position repeated at the end when it was missing.
    public func closed() -> GeoRing {
        guard let first = points.first, !isClosed else { return self }
        return GeoRing(points + [first])
    }

    /// The distinct vertices: the closing repeat dropped, so vertex i joins vertex i+1 (wrapping).
    public var vertices: ArraySlice<GeoPoint> {
        isClosed && points.count > 1 ? points.dropLast() : points[...]
    }

    public var bbox: GeoBBox? { GeoBBox(points: points) }
}

/// A polygon: one outer ring and zero or more holes. Orientation is not required (uploads come both ways);
/// `normalized()` gives the RFC 7946 orientation (outer counter-clockwise, holes clockwise).
public struct GeoPolygon: Hashable, Sendable, Codable {
    public var outer: GeoRing
    public var holes: [GeoRing]

    public init(outer: GeoRing, holes: [GeoRing] = []) {
        self.outer = outer
        self.holes = holes
    }

    /// Convenience: rings as point arrays, closed if they were not.
    public init(outer: [GeoPoint], holes: [[GeoPoint]] = []) {
        self.outer = GeoRing(outer).closed()
        self.holes = holes.map { GeoRing($0).closed() }
    }

    public var rings: [GeoRing] { [outer] + holes }
    public var bbox: GeoBBox? { outer.bbox }
    public var vertexCount: Int { rings.reduce(0) { $0 + $1.vertices.count } }
}

/// Several polygons treated as one area (a district with islands, or one polygon).
public struct GeoMultiPolygon: Hashable, Sendable, Codable {
    public var polygons: [GeoPolygon]

    public init(_ polygons: [GeoPolygon]) { self.polygons = polygons }
    public init(_ polygon: GeoPolygon) { self.polygons = [polygon] }

    public var isEmpty: Bool { polygons.isEmpty }
    public var vertexCount: Int { polygons.reduce(0) { $0 + $1.vertexCount } }

    public var bbox: GeoBBox? {
        polygons.compactMap(\.bbox).reduce(nil as GeoBBox?) { acc, b in acc.map { $0.union(b) } ?? b }
    }
}
