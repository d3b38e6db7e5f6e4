import Fluent
import Foundation
import SQLKit
import Vapor
import PinganKit

/// The roads in each community, read from the addresses of its registered places, so the residents' community picker
/// finds "德兴路" as well as "德兴社区" (issue 21 §2). Only road names leave the server, never an address.
///
/// Every public form lists all communities, and a district has tens of thousands of places: the roads are read at most
/// once every ten minutes per process.
final class CommunityRoads: @unchecked Sendable {
    static let refresh: TimeInterval = 600
    /// The most common roads of a community, enough to find it by, small enough for every page.
    static let perCommunity = 8
    private let lock = NSLock()
    private var cached: (at: Date, roads: [Int: [String]])?

    func roads(_ db: any Database) async throws -> [Int: [String]] {
        if let c = lock.withLock({ cached }), Date().timeIntervalSince(c.at) < Self.refresh { return c.roads }
        var counts: [Int: [String: Int]] = [:]
        // unscoped: the public picker shows road names of every community, never a place or an address
        for r in try await (db as! any SQLDatabase).select().column("community_id").column("address").from("sites")
            .where("address", .notEqual, "").all() {
            let community = try r.decode(column: "community_id", as: Int.self)
            for road in RoadNames.extract(try r.decode(column: "address", as: String.self)) { counts[community, default: [:]][road, default: 0] += 1 }
        }
        let roads = counts.mapValues { c in c.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(Self.perCommunity).map(\.key) }
        lock.withLock { cached = (Date(), roads) }
        return roads
    }

    func invalidate() { lock.withLock { cached = nil } }
}

private struct CommunityRoadsKey: StorageKey { typealias Value = CommunityRoads }
extension Application {
    var communityRoads: CommunityRoads {
        get { storage[CommunityRoadsKey.self] ?? CommunityRoads() }
        set { storage[CommunityRoadsKey.self] = newValue }
    }
}
