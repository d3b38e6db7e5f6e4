import Fluent
import XCTest
@testable import PinganServer

/// A model listing its properties by hand must list exactly what reflection finds: a field missing from the list would
/// silently never be read or written.
final class ListedFieldsTests: XCTestCase {
    func testEachHandListMatchesTheReflection() {
        XCTAssertFalse(ListedFieldsRegistry.models.isEmpty)
        // Every conformance in the sources is in the list (a new one is checked without touching this test's list … once added).
        let declared = Set(try! ScopeLintTests.swiftFiles().flatMap(\.lines).compactMap { line -> String? in
            guard let r = line.range(of: #"^extension (\w+): ListedFields"#, options: .regularExpression) else { return nil }
            return String(line[r].dropFirst("extension ".count).prefix { $0 != ":" })
        })
        XCTAssertEqual(declared, Set(ListedFieldsRegistry.models.map { String(describing: $0) }), "add the model to ListedFieldsRegistry below")
        for type in ListedFieldsRegistry.models {
            let model = type.init()
            let reflected = Mirror(reflecting: model).children.compactMap { $0.value as? any AnyProperty }.map { ObjectIdentifier($0 as AnyObject) }
            let listed = model.properties.map { ObjectIdentifier($0 as AnyObject) }
            XCTAssertEqual(listed.count, reflected.count, "\(type): \(listed.count) listed, \(reflected.count) declared")
            XCTAssertEqual(Set(listed), Set(reflected), "\(type) lists a property that is not its own, or misses one")
        }
    }

    /// The lists are what Fluent uses: a hand-listed model still saves and reads every column.
    func testAHandListedModelRoundTrips() async throws {
        try await withApp { app, f in
            let u = ResponsibleUnit(name: "城管执法中队", kind: .urbanManagement, divisionID: f.district)
            u.phone = "020-12345678"
            try await u.create(on: app.db)
            let found = try await ResponsibleUnit.find(u.id, on: app.db)
            let back = try XCTUnwrap(found)
            XCTAssertEqual([back.name, back.phone], ["城管执法中队", "020-12345678"])
            XCTAssertEqual(back.kind, .urbanManagement); XCTAssertEqual(back.divisionID, f.district); XCTAssertEqual(back.active, true)
        }
    }
}

/// Every conforming model (kept here, not in Core, so Core does not depend on the features).
enum ListedFieldsRegistry {
    static let models: [any ListedFields.Type] = [User.self, UserSession.self, Division.self, GridEvent.self, GridEventCategoryRow.self,
                                                  ResponsibleUnit.self, GridEventStep.self, Incident.self,
                                                  WorkLog.self, Team.self, TeamMember.self, PatrolPlanRecord.self, PatrolPlanMember.self, PatrolLogRecord.self,
                                                  PerceptionResult.self]
}
