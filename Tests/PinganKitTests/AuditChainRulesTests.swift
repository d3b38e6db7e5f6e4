import XCTest
@testable import PinganKit

/// The chain's rules without a database or a key (a toy MAC stands in for HMAC).
final class AuditChainRulesTests: XCTestCase {
    func toyMAC(_ seq: Int, _ prev: String, _ fields: [String?]) -> String {
        let bytes = AuditChainRules.canonical(seq: seq, previous: prev, fields: fields)
        return String(bytes.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }, radix: 16)
    }

    func chain(_ n: Int) -> [(row: AuditChainRules.Row, fields: [String?])] {
        var prev = AuditChainRules.genesis
        return (1...n).map { i in
            let f: [String?] = ["\(i)", nil, "user", "act"]
            let m = toyMAC(i, prev, f)
            defer { prev = m }
            return (AuditChainRules.Row(id: 100 + i, seq: i, previous: prev, mac: m, expected: m), f)
        }
    }

    func walk(_ rows: [AuditChainRules.Row], head: (Int, String)) -> AuditChainRules.Break? {
        var w = AuditChainRules.Walker(anchorSeq: 0, anchorMAC: AuditChainRules.genesis)
        for r in rows { if let b = w.check(r) { return b } }
        return w.finish(headSeq: head.0, headMAC: head.1)
    }

    func testCanonicalBytesSeparateFieldsAndNil() {
        XCTAssertNotEqual(AuditChainRules.canonical(seq: 1, previous: "p", fields: ["ab", "c"]), AuditChainRules.canonical(seq: 1, previous: "p", fields: ["a", "bc"]))
        XCTAssertNotEqual(AuditChainRules.canonical(seq: 1, previous: "p", fields: [nil]), AuditChainRules.canonical(seq: 1, previous: "p", fields: [""]))
        XCTAssertNotEqual(AuditChainRules.canonical(seq: 1, previous: "p", fields: ["x"]), AuditChainRules.canonical(seq: 2, previous: "p", fields: ["x"]))
    }

    func testIntactAlteredDeletedAndTruncated() {
        let c = chain(5)
        let head = (5, c[4].row.mac!)
        XCTAssertNil(walk(c.map(\.row), head: head))
        var altered = c.map(\.row)
        altered[2].expected = "something else"
        XCTAssertEqual(walk(altered, head: head), .init(id: 103, seq: 3, reason: .altered))
        // The report says how many rows held before the break: the breaking row is not one of them.
        var w = AuditChainRules.Walker(anchorSeq: 0, anchorMAC: AuditChainRules.genesis)
        for r in altered { if w.check(r) != nil { break } }
        XCTAssertEqual(w.checked, 2)
        var deleted = c.map(\.row)
        deleted.remove(at: 1)
        XCTAssertEqual(walk(deleted, head: head), .init(id: 103, seq: 3, reason: .gap(expected: 2)))
        XCTAssertEqual(walk(Array(c.map(\.row).prefix(4)), head: head), .init(id: nil, seq: nil, reason: .truncated(lastSeq: 4, headSeq: 5)))
        var unchained = c.map(\.row)
        unchained[0].mac = nil
        XCTAssertEqual(walk(unchained, head: head)?.reason, .unchained)
        // Renumbered after a delete so the seq is contiguous: the next row no longer follows.
        var renumbered = c.map(\.row)
        renumbered.remove(at: 1)
        for i in 1..<renumbered.count { renumbered[i].seq = i + 1 }
        XCTAssertEqual(walk(renumbered, head: (4, renumbered[3].mac!))?.seq, 2)
    }

    func testMillisecondsSurviveTruncation() {
        let d = Date(timeIntervalSince1970: 1_760_000_000.123_456_7)
        XCTAssertEqual(AuditChainRules.millis(AuditChainRules.truncated(d)), 1_760_000_000_123)
    }
}
