import Fluent
import XCTVapor
import XCTest
@testable import PinganServer

/// Residents find their community by a road in it, not only by its name (issue 21 §2).
final class CommunityRoadsTests: XCTestCase {
    func testThePublicPickerKnowsEachCommunitysRoadsButNoAddress() async throws {
        try await withApp { app, f in
            _ = try await createSite(app, f, name: "丽江花园", community: f.c1)          // 繁华路1号
            let shop = try await createSite(app, f, as: "officer3", name: "沙头花园", community: f.c3)
            let site = try await Site.find(shop, on: app.db)!
            site.address = "番禺区沙头街道银平路8号"; try await site.save(on: app.db)
            try await app.call(.GET, "/public/report") { res in
                XCTAssertEqual(res.status, .ok)
                let html = res.body.string
                // Its roads, then the pinyin initials of its name and its street's (德兴社区 ← dxsq, 市桥街道 ← sqjd).
                XCTAssertTrue(html.contains(#"<option value="\#(f.c1)" data-keywords="繁华路 dxsq sqjd">德兴社区</option>"#), html)
                XCTAssertTrue(html.contains(#"data-keywords="银平路 stsq stjd">沙头社区</option>"#))
                XCTAssertFalse(html.contains("繁华路1号"), "roads only, never an address")
                XCTAssertFalse(html.contains("丽江花园"), "nor a place")
                XCTAssertTrue(html.contains("输入社区、街道、道路名称或拼音首字母查找"))
            }
        }
    }
}
