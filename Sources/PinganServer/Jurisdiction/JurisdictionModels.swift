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
    @OptionalField(key: "boundary_geojson") var boundaryGeoJSON: String?
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
