import Fluent
import Foundation
import PinganKit

/// A node of the jurisdiction tree (辖区): district → street/town → community/village → grid → building.
/// Codes nest (a child's code starts with its parent's), so a subtree is one indexed prefix query.
final class Division: Model, @unchecked Sendable {
    static let schema = "divisions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "level") var level: DivisionLevel
    @OptionalField(key: "parent_id") var parentID: Int?
    /// urban community (社区) or rural village (村); communities only.
    @OptionalField(key: "kind") var kind: CommunityKind?
    /// True when no official statistics-bureau code was available and we generated a stable one.
    @Field(key: "code_generated") var codeGenerated: Bool
    @Field(key: "registered_population") var registeredPopulation: Int // 户籍人口
    @Field(key: "resident_population") var residentPopulation: Int     // 常住人口
    @Field(key: "floating_population") var floatingPopulation: Int     // 流动人口
    /// WGS-84 GeoJSON (Polygon or MultiPolygon).
    @OptionalField(key: "boundary_geojson") var boundaryGeoJSON: String?
    /// Where the outline came from: a real source, generated for the demo, or set by an administrator.
    @OptionalField(key: "boundary_source") var boundarySource: BoundarySource?
    /// The outline's bounding box, so a map request reads only the outlines in view.
    @OptionalField(key: "min_lon") var minLon: Double?
    @OptionalField(key: "min_lat") var minLat: Double?
    @OptionalField(key: "max_lon") var maxLon: Double?
    @OptionalField(key: "max_lat") var maxLat: Double?
    @OptionalField(key: "centroid_lat") var centroidLat: Double?
    @OptionalField(key: "centroid_lon") var centroidLon: Double?
    /// Communities: the police station covering it and the police office (警务室) serving it.
    @OptionalField(key: "station_id") var stationID: Int?
    @OptionalField(key: "office_id") var officeID: Int?
    /// Grids and buildings: the community they belong to, so scoping is one filter.
    @OptionalField(key: "community_id") var communityID: Int?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(code: String, name: String, level: DivisionLevel, parentID: Int?, kind: CommunityKind? = nil, codeGenerated: Bool = false) {
        self.code = code; self.name = name; self.level = level; self.parentID = parentID; self.kind = kind
        self.codeGenerated = codeGenerated
        self.registeredPopulation = 0; self.residentPopulation = 0; self.floatingPopulation = 0
    }
}

enum BoundarySource: String, Codable, Sendable {
    /// A real outline (the district's, from the shipped data).
    case official
    /// Generated to tile its parent (no public outlines exist below the district): shown as 示意 everywhere.
    case synthetic
    /// Uploaded or drawn by an administrator.
    case uploaded

    func name(_ L: Lang) -> String {
        switch self {
        case .official: L.t("真实边界", "real outline")
        case .synthetic: L.t("示意边界（非真实）", "synthetic outline (not real)")
        case .uploaded: L.t("管理员上传", "set by an administrator")
        }
    }
}

extension Division {
    /// Stores an outline (WGS-84) with its box and a centroid inside it.
    func setBoundary(_ shape: GeoMultiPolygon, source: BoundarySource) {
        boundaryGeoJSON = GeoJSON.encode(shape, decimals: 6)
        boundarySource = source
        let box = shape.bbox
        minLon = box?.minLon; minLat = box?.minLat; maxLon = box?.maxLon; maxLat = box?.maxLat
        if let p = shape.interiorPoint() { centroidLat = p.lat; centroidLon = p.lon }
    }

    func clearBoundary() {
        boundaryGeoJSON = nil; boundarySource = nil; minLon = nil; minLat = nil; maxLon = nil; maxLat = nil
    }

    var boundary: GeoMultiPolygon? { boundaryGeoJSON.flatMap { try? GeoJSON.parseMultiPolygon($0) } }
}

/// 派出所
final class Station: Model, @unchecked Sendable {
    static let schema = "stations"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "address") var address: String
    @Field(key: "phone") var phone: String
    @Field(key: "division_id") var divisionID: Int // the district or street it sits in
    init() {}
    init(name: String, address: String, phone: String, divisionID: Int) {
        self.name = name; self.address = address; self.phone = phone; self.divisionID = divisionID
    }
}

/// 警务室: one per residents' committee in town; in the countryside one may serve a police area of several villages (seed 001).
final class PoliceOffice: Model, @unchecked Sendable {
    enum Kind: String, Codable, CaseIterable { case community, ruralArea = "rural_area" }
    static let schema = "police_offices"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: Kind
    @Field(key: "station_id") var stationID: Int
    @Field(key: "address") var address: String
    @Field(key: "hours") var hours: String
    @Field(key: "phone") var phone: String
    init() {}
    init(name: String, kind: Kind, stationID: Int, address: String, hours: String, phone: String) {
        self.name = name; self.kind = kind; self.stationID = stationID; self.address = address; self.hours = hours; self.phone = phone
    }
}

extension Division: ListedFields {
    var properties: [any AnyProperty] {
        [$id, $code, $name, $level, $parentID, $kind, $codeGenerated, $registeredPopulation, $residentPopulation,
         $floatingPopulation, $boundaryGeoJSON, $boundarySource, $minLon, $minLat, $maxLon, $maxLat, $centroidLat,
         $centroidLon, $stationID, $officeID, $communityID, $updatedAt]
    }
}
