import Fluent
import Vapor
import PinganKit

/// 警力配置测算 pages: the plan (per community, station, district), the workload view, the what-if,
/// the district's rules, and the officers with their concurrent posts.
struct StaffingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("forces", use: home)
        let r = routes.grouped("forces", "staffing")
        r.get(use: plan)
        r.get("export.csv", use: export)
        r.get("whatif", use: whatIf)
        r.get("whatif.csv", use: whatIfCSV)
        r.get("rules", use: rulesPage)
        r.post("rules", use: saveRules)
        let o = routes.grouped("forces", "officers")
        o.get(use: officers)
        o.post(":id", use: setPost)
    }

    static func options(_ req: Request, errors e: inout FieldErrors) -> StaffingService.Options {
        var o = StaffingService.Options()
        o.months = StaffingService.months(req, errors: &e)
        if let raw = req.query[String.self, at: "station"]?.nilIfEmpty {
            if let n = Int(raw) { o.station = n } else { e["station"] = req.t("派出所无效", "Unknown station") }
        }
        return o
    }

    /// 警力警务 opens on what the role uses most: an officer's own work log, a station chief's presence table
    /// (who met the ≥ 3-day rule), the staffing plan for the district and analysts.
    @Sendable func home(req: Request) async throws -> Response {
        try req.require(.viewForces)
        switch try req.user.role {
        case .communityOfficer: return req.redirect(to: "/forces/worklog")
        case .stationChief: return req.redirect(to: "/forces/presence")
        default: return try await plan(req: req)
        }
    }

    @Sendable func plan(req: Request) async throws -> Response {
        try req.require(.viewForces)
        var e = FieldErrors()
        let o = Self.options(req, errors: &e)
        let loaded = try await StaffingService.load(req, o)
        let workload = req.query[String.self, at: "view"] == "workload"
        let res = StaffingViews.plan(req, loaded, options: o, workload: workload, errors: e, canConfigure: try req.user.role.can(.configureStaffing))
        if !e.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewForces)
        var e = FieldErrors()
        let o = Self.options(req, errors: &e)
        guard e.isEmpty else { throw e }
        let loaded = try await StaffingService.load(req, o)
        await req.audit("staffing.export", entity: "staffing", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "staffing-plan.csv", writer: StaffingCSV.planCSV(loaded.plan))
    }

    @Sendable func whatIf(req: Request) async throws -> Response {
        try req.require(.viewForces)
        var e = FieldErrors()
        let o = Self.options(req, errors: &e)
        let n = StaffingService.newOfficers(req, errors: &e)
        let loaded = try await StaffingService.load(req, o)
        let result = n.map { StaffingWhatIf.allocate($0, plan: loaded.plan) }
        return StaffingViews.whatIf(req, loaded, options: o, officers: n, result: result, errors: e)
    }

    @Sendable func whatIfCSV(req: Request) async throws -> Response {
        try req.require(.viewForces)
        var e = FieldErrors()
        let o = Self.options(req, errors: &e)
        let n = StaffingService.newOfficers(req, errors: &e)
        guard e.isEmpty, let n else { throw e.isEmpty ? FieldErrors(["officers": req.t("请填写新增民警数", "Give the number of new officers")]) : e }
        let loaded = try await StaffingService.load(req, o)
        return CSVResponse.make(filename: "staffing-whatif-\(n).csv", writer: StaffingCSV.whatIfCSV(StaffingWhatIf.allocate(n, plan: loaded.plan)))
    }

    @Sendable func rulesPage(req: Request) async throws -> Response {
        try req.require(.configureStaffing)
        let rules = try await StaffingService.rules(req.db)
        return StaffingViews.rulesForm(req, input: StaffingRulesInput(rules), current: rules, errors: FieldErrors())
    }

    @Sendable func saveRules(req: Request) async throws -> Response {
        try req.require(.configureStaffing)
        let input = try req.content.decode(StaffingRulesInput.self)
        let stored = try await StaffingService.rules(req.db)
        do {
            let rules = try input.apply(to: stored, req.lang)
            try await StaffingService.saveRules(req, rules)
            return req.redirect(to: "/forces/staffing")
        } catch let e as FieldErrors {
            return StaffingViews.rulesForm(req, input: input, current: stored, errors: e)
        }
    }

    @Sendable func officers(req: Request) async throws -> Response {
        try req.require(.viewForces)
        return StaffingViews.officers(req, try await StaffingService.officers(req), canManage: try req.user.role.can(.manageOfficers))
    }

    struct PostForm: Content { var concurrentPost: String? }

    @Sendable func setPost(req: Request) async throws -> Response {
        try req.require(.manageOfficers)
        let officer = try await StaffingService.scopedOfficer(req, req.parameters.get("id", as: Int.self))
        let form = try? req.content.decode(PostForm.self)
        do {
            _ = try await StaffingService.setConcurrentPost(req, officer, post: form?.concurrentPost)
            return req.redirect(to: "/forces/officers")
        } catch let e as FieldErrors {
            let res = StaffingViews.officers(req, try await StaffingService.officers(req), canManage: true, errors: e)
            res.status = .unprocessableEntity
            return res
        }
    }
}

/// JSON API: `/api/v1/staffing/…` and `/api/v1/officers`.
struct StaffingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "staffing")
        r.get("plan", use: plan)
        r.get("export.csv", use: export)
        r.get("whatif", use: whatIf)
        r.get("rules", use: rules)
        r.put("rules", use: saveRules)
        let o = routes.grouped("api", "v1", "officers")
        o.get(use: officers)
        o.patch(":id", use: setPost)
    }

    struct PlanBody: Content {
        var months: Int
        var plan: StaffingPlan
    }

    @Sendable func plan(req: Request) async throws -> PlanBody {
        try req.require(.viewForces)
        var e = FieldErrors()
        let o = StaffingController.options(req, errors: &e)
        guard e.isEmpty else { throw e }
        return PlanBody(months: o.months, plan: try await StaffingService.load(req, o).plan)
    }

    @Sendable func export(req: Request) async throws -> Response { try await StaffingController().export(req: req) }

    @Sendable func whatIf(req: Request) async throws -> StaffingWhatIfResult {
        try req.require(.viewForces)
        var e = FieldErrors()
        let o = StaffingController.options(req, errors: &e)
        let n = StaffingService.newOfficers(req, errors: &e)
        if n == nil, e["officers"] == nil { e["officers"] = req.t("请填写新增民警数", "Give the number of new officers") }
        guard e.isEmpty, let n else { throw e }
        return StaffingWhatIf.allocate(n, plan: try await StaffingService.load(req, o).plan)
    }

    @Sendable func rules(req: Request) async throws -> StaffingRules {
        try req.require(.viewForces)
        return try await StaffingService.rules(req.db)
    }

    @Sendable func saveRules(req: Request) async throws -> StaffingRules {
        try req.require(.configureStaffing)
        let input = try req.content.decode(StaffingRulesInput.self)
        let rules = try input.apply(to: try await StaffingService.rules(req.db), req.lang)
        try await StaffingService.saveRules(req, rules)
        return rules
    }

    @Sendable func officers(req: Request) async throws -> [OfficerDTO] {
        try req.require(.viewForces)
        return try await StaffingService.officers(req)
    }

    struct PostBody: Content {
        var concurrentPost: String?
        init(from decoder: any Decoder) throws {
            concurrentPost = try decoder.container(keyedBy: AnyKey.self).loose(AnyKey("concurrentPost"))
        }
    }

    @Sendable func setPost(req: Request) async throws -> OfficerDTO {
        try req.require(.manageOfficers)
        let officer = try await StaffingService.scopedOfficer(req, req.parameters.get("id", as: Int.self))
        let body = try? req.content.decode(PostBody.self)
        _ = try await StaffingService.setConcurrentPost(req, officer, post: body?.concurrentPost)
        guard let dto = try await StaffingService.dtos(req, [officer]).first else { throw Abort(.notFound) }
        return dto
    }
}

// PinganKit's value types answer the API as they are (their JSON carries the derived figures).
extension StaffingRules: Content {}
extension StaffingWhatIfResult: Content {}
