import Vapor
import PinganKit

/// Searching the registry by an exact resident ID number or phone number (issue 22, high).
///
/// A search that says "this number is here" beside a masked number is an unmasking: with the mask's first six and last
/// four digits and little else, a read-only analyst recovered full numbers in a few dozen queries, unaudited. So an
/// exact-identifier search is treated like the reveal it amounts to: only roles that may reveal (`revealIdentity`)
/// may make it, each one states a purpose, each one is audited (masked value, purpose, number of hits), and each user
/// gets `PINGAN_IDENTIFIER_SEARCH_LIMIT` of them an hour (default 30; 429 beyond).
struct IdentifierSearch: Sendable {
    enum Field: String, Sendable { case idNumber = "id_number", phone }
    var field: Field
    /// What the audit log keeps: the value as the pages mask it, never the value itself.
    var masked: String
    var purpose: String
    var detail: String

    static let purposes = PersonService.purposes

    /// Reads `purpose` / `purposeDetail` for a search by `field`; the problems go into `e` like any filter's.
    static func read(_ req: Request, field: Field, masked: String, errors e: inout FieldErrors) -> IdentifierSearch? {
        let L = req.lang
        let purpose = req.query[String.self, at: "purpose"]?.nilIfEmpty
        let detail = (req.query[String.self, at: "purposeDetail"] ?? "").trimmed
        if purpose == nil || !purposes.contains(where: { $0.0 == purpose }) {
            e["purpose"] = L.t("按身份号码或电话查询须选择查询事由", "Searching by ID number or phone needs a purpose")
            return nil
        }
        if purpose == "other" && detail.isEmpty { e["purposeDetail"] = L.t("选择“其他”时请写明事由", "Describe the purpose"); return nil }
        if detail.count > 200 { e["purposeDetail"] = L.t("不能超过200字", "At most 200 characters"); return nil }
        return IdentifierSearch(field: field, masked: masked, purpose: purpose!, detail: detail)
    }

    /// A search by a role that may not reveal: logged as denied, then 403.
    static func refuse(_ req: Request, entity: String) async -> Abort {
        await req.audit("\(entity).search_identifier", entity: entity, result: .denied, detail: "role=\((try? req.user.role.rawValue) ?? "-")")
        return Abort(.forbidden, reason: req.t("您的角色不能按身份号码或电话查询。", "Your role cannot search by ID number or phone."))
    }

    /// 429 past the hourly allowance; counts the search.
    func authorize(_ req: Request) throws {
        try req.require(.revealIdentity)
        try req.application.identifierSearchLimiter.hit(String(try req.user.requireID()), req, message: (
            zh: "按身份号码或电话查询过于频繁，请稍后再试。", en: "Too many searches by ID number or phone. Please try again later."))
    }

    func audit(_ req: Request, entity: String, hits: Int) async {
        await req.audit("\(entity).search_identifier", entity: entity, detail:
            "field=\(field.rawValue); value=\(masked); purpose=\(purpose)" + (detail.isEmpty ? "" : "; \(detail)") + "; hits=\(hits)")
    }
}

/// A registry write whose ID number is already held by someone outside the writer's jurisdiction learns that the number
/// exists (the uniqueness message cannot be avoided): that answer is an identifier lookup like a search — counted against
/// the same hourly allowance (429 past it, nothing written) and audited (`person.id_collision`, the number masked).
enum IdentifierCollision {
    static func charge(_ req: Request, count: Int, masked: String) async throws {
        guard count > 0 else { return }
        let limiter = req.application.identifierSearchLimiter, key = String(try req.user.requireID())
        await req.audit("person.id_collision", entity: "person", detail: "outside scope; count=\(count)" + (masked.isEmpty ? "" : "; value=\(masked)"))
        for _ in 0..<count {
            try limiter.hit(key, req, message: (zh: "与其他辖区已登记人员重复的身份号码过多，请稍后再试，或由区级统一导入。",
                                                en: "Too many ID numbers already registered outside your area. Try later, or ask the district to import them."))
        }
    }
}

private struct IdentifierSearchLimiterKey: StorageKey { typealias Value = LockedLimiter }
extension Application {
    var identifierSearchLimiter: LockedLimiter {
        get { storage[IdentifierSearchLimiterKey.self] ?? LockedLimiter(limit: 0, window: 3600) }
        set { storage[IdentifierSearchLimiterKey.self] = newValue }
    }
}
