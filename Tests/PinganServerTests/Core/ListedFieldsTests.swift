import Fluent
import XCTest
@testable import PinganServer

/// A model listing its properties by hand must list exactly what reflection finds: a field missing from the list would
/// silently never be read or written.
final class ListedFieldsTests: XCTestCase {
    func testEachHandListMatchesTheReflection() {
        XCTAssertFalse(ListedFieldsRegistry.models.isEmpty)
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
