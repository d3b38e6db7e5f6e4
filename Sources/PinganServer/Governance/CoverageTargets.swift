import Fluent
import SQLKit
import Vapor
import PinganKit

/// Coverage targets (科技创安目标): the district's own and, where a street's differ, the street's — whole percent per rate.
/// Set by the district command (`configureGovernance`); everyone who reads the coverage sees them with the gaps.
final class CoverageTargetRecord: Model, @unchecked Sendable {
    static let schema = "coverage_targets"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    /// The district (its default) or one street.
    @Field(key: "area_division_id") var areaDivisionID: Int
    @OptionalField(key: "compounds") var compounds: Int?
    @OptionalField(key: "households") var households: Int?
    @OptionalField(key: "managed") var managed: Int?
    @OptionalField(key: "buildings") var buildings: Int?
    @Field(key: "updated_by_id") var updatedByID: Int
    @Field(key: "updated_at") var updatedAt: Date
    init() {}

    var target: CoverageTarget { CoverageTarget(compounds: compounds, households: households, managed: managed, buildings: buildings) }
}

struct CreateCoverageTargets: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("coverage_targets")
            .field("id", .int, .identifier(auto: true))
            .field("area_division_id", .int, .required, .references("divisions", "id"))
            .field("compounds", .int)
            .field("households", .int)
            .field("managed", .int)
            .field("buildings", .int)
            .field("updated_by_id", .int, .required, .references("users", "id"))
            .field("updated_at", .datetime, .required)
            .unique(on: "area_division_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("coverage_targets").delete() }
}

/// The targets as the API reads and writes them: `{"district": {…}, "streets": {"12": {…}}}`.
struct CoverageTargetsBody: Content {
    var district: CoverageTarget
    var streets: [String: CoverageTarget]
}

enum CoverageTargets {
    /// The district's targets and each street's own (only those set).
    static func load(_ db: any Database) async throws -> (district: CoverageTarget, streets: [Int: CoverageTarget]) {
        // unscoped: targets are the district's settings, the same for every reader
        let rows = try await CoverageTargetRecord.query(on: db).all()
        guard let districtID = try await StaffingService.districtID(db) else { return (CoverageTarget(), [:]) }
        var streets: [Int: CoverageTarget] = [:]
        for r in rows where r.areaDivisionID != districtID { streets[r.areaDivisionID] = r.target }
        return (rows.first { $0.areaDivisionID == districtID }?.target ?? CoverageTarget(), streets)
    }

    static func canSet(_ req: Request) async throws -> Bool { try req.user.role.can(.configureGovernance) }

    /// Replaces all targets at once. A value is a whole percent 0–100 or empty; field errors name the area and the rate
    /// (`district.compounds`, `street.12.households`), and nothing is written unless all are valid.
    static func save(_ req: Request, _ raw: [String: String]) async throws {
        try req.require(.configureGovernance)
        let L = req.lang
        guard let districtID = try await StaffingService.districtID(req.db) else { throw Abort(.conflict) }
        let streets = try await Division.query(on: req.db).filter(\.$level == .street).all().compactMap(\.id)
        var e = FieldErrors()
        func value(_ key: String) -> Int? {
            guard let text = raw[key]?.trimmed.nilIfEmpty else { return nil }
            guard let n = Int(text.replacingOccurrences(of: "%", with: "")), CoverageTarget.range.contains(n) else {
                e[key] = L.t("应为0–100的整数", "A whole percent from 0 to 100"); return nil
            }
            return n
        }
        func target(_ prefix: String) -> CoverageTarget {
            CoverageTarget(compounds: value(prefix + ".compounds"), households: value(prefix + ".households"), managed: value(prefix + ".managed"), buildings: value(prefix + ".buildings"))
        }
        var all: [(Int, CoverageTarget)] = [(districtID, target("district"))]
        for s in streets { all.append((s, target("street.\(s)"))) }
        guard e.isEmpty else { throw e }
        let me = try req.user.requireID(), now = Date()
        try await req.db.transaction { db in
            try await CoverageTargetRecord.query(on: db).delete()
            for (area, t) in all where !t.isEmpty {
                let r = CoverageTargetRecord()
                r.areaDivisionID = area; r.compounds = t.compounds; r.households = t.households; r.managed = t.managed; r.buildings = t.buildings
                r.updatedByID = me; r.updatedAt = now
                try await r.create(on: db)
            }
            await req.audit("coverage.targets", entity: "coverage_target", detail: "areas=\(all.filter { !$0.1.isEmpty }.count)", on: db)
        }
    }

    /// The form's and the API's flat keys for one body.
    static func flatten(_ body: CoverageTargetsBody) -> [String: String] {
        var out: [String: String] = [:]
        func put(_ prefix: String, _ t: CoverageTarget) {
            if let v = t.compounds { out[prefix + ".compounds"] = "\(v)" }
            if let v = t.households { out[prefix + ".households"] = "\(v)" }
            if let v = t.managed { out[prefix + ".managed"] = "\(v)" }
            if let v = t.buildings { out[prefix + ".buildings"] = "\(v)" }
        }
        put("district", body.district)
        for (id, t) in body.streets { put("street.\(id)", t) }
        return out
    }

    // MARK: the form

    static func form(_ req: Request, streets: [Division], values: [String: String], errors: FieldErrors) -> Response {
        let L = req.lang
        let rates: [(String, String, String)] = [("compounds", "小区覆盖率", "Compounds"), ("households", "居民户覆盖率", "Households"),
                                                 ("managed", "物业小区覆盖率", "Managed compounds"), ("buildings", "门禁楼栋占比", "Buildings with access control")]
        func row(_ prefix: String, _ name: String, hint: String) -> Node {
            .tr(.td(.class("nowrap"), .text(name), .div(.class("small muted hide-sm"), .text(hint))), .forEach(rates) { key, zh, en in
                let k = prefix + "." + key
                return .td(.class(errors[k] != nil ? "has-error" : ""),
                           .input(.type("text"), .name(k), .class("short"), .attr("inputmode", "numeric"), .attr("maxlength", "4"), .value(values[k] ?? ""),
                                  .attr("aria-label", name + " " + L.t(zh, en))),
                           errors[k].map { .span(.class("field-error"), .text($0)) } ?? .empty)
            })
        }
        return .page(req, title: L.t("科技创安覆盖率目标", "Coverage targets"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            GovernanceViews.header(req, active: "/governance/coverage"),
            .div(.class("breadcrumb no-print"), .a(.href("/governance/coverage"), .text(L.t("科技创安覆盖率", "Technical-prevention coverage"))), " › ", .text(L.t("目标", "Targets"))),
            .form(.method("post"), .action("/governance/coverage/targets"), .class("card"), Layout.csrfField(req), Form.errorSummary(req, errors),
                .p(.class("muted small"), .text(L.t("填写百分比（0–100的整数）。街道留空的项按全区目标；全区也留空则不设目标。",
                                                    "Whole percent from 0 to 100. A street's empty box takes the district's target; an empty district box sets none."))),
                .div(.class("scroll"), .table(.class("data"),
                    .thead(.tr(.th(.text(L.t("范围", "Area"))), .forEach(rates) { _, zh, en in .th(.text(L.t(zh, en) + " %")) })),
                    .element("tbody", [row("district", L.t("全区", "District"), hint: L.t("各街道的默认目标", "Every street's default"))]
                        + streets.map { s in row("street.\(s.id!)", s.name, hint: L.t("留空：按全区", "Empty: the district's")) }))),
                .p(.button(.type("submit"), .text(L.t("保存目标", "Save targets"))), .text(" "), .a(.href("/governance/coverage"), .text(L.t("取消", "Cancel"))))))
    }
}
