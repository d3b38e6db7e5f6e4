import Fluent
import Vapor
import PinganKit

/// 预警通报 pages: list with filters, detail with its handling timeline, actions, recompute, CSV.
struct AlertController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("alerts")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.post("recompute", use: recompute)
        r.get(":id", use: show)
        r.post(":id", "action", use: action)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewAnalysis)
        var errors = FieldErrors()
        let filter = AlertFilter(req, errors: &errors)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await AlertService.query(req, filter)
        let total = try await q.copy().count()
        let alerts = try await q.range(page.offset..<(page.offset + page.per)).all()
        let flash = req.query[String.self, at: "recomputed"]
        let res = AlertViews.list(req, alerts: alerts, info: PageInfo(page: page.page, per: page.per, total: total), filter: filter, errors: errors,
                                  canManage: try req.user.role.can(.manageAlerts), flash: flash)
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewAnalysis)
        let filter = try AlertFilter(req)
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var w = CSVWriter(header: L.isEnglish
            ? ["Id", "Unit type", "Unit", "Period", "Period start", "Rule", "Observed", "Baseline", "z", "Change", "Reason", "Status", "Raised"]
            : ["编号", "单位类型", "单位", "周期", "期间", "规则", "本期", "基线", "z 值", "升幅", "预警理由", "状态", "生成时间"])
        for a in try await AlertService.query(req, filter).limit(100_000).all() {
            w.append(["\(a.id!)", L.t(a.unitKind.nameZh, a.unitKind.rawValue), a.unitName, L.t(a.period == .week ? "周" : "月", a.period.rawValue), a.periodLabel,
                      AlertViews.ruleName(a, L), "\(a.observed)", Decimals.format(a.baseline, places: 1), a.z.map { Decimals.format($0, places: 2) } ?? "",
                      a.change.map { Decimals.percent($0) } ?? "", L.t(a.reasonZh, a.reasonEn), L.t(a.status.zh, a.status.en),
                      a.createdAt.map { cal.formatDateTime($0) } ?? ""])
        }
        await req.audit("alert.export", entity: "alert", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "alerts.csv", writer: w)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewAnalysis)
        let a = try await AlertService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await detail(req, a)
    }

    func detail(_ req: Request, _ a: WarningAlertRecord, errors: FieldErrors = FieldErrors(), input: AlertService.ActionInput? = nil) async throws -> Response {
        let events = try await AlertService.events(req.db, a)
        let canManage = try req.user.role.can(.manageAlerts)
        let assignees = canManage ? try await AlertService.assignees(req, a) : []
        let userIDs = Set(events.compactMap(\.userID) + events.compactMap(\.assigneeID) + [a.assigneeID].compactMap { $0 })
        let names = Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ Array(userIDs)).all().map { ($0.id!, $0.displayName) })
        let res = AlertViews.detail(req, a, events: events, names: names, assignees: assignees, canManage: canManage, errors: errors, input: input)
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func action(req: Request) async throws -> Response {
        try req.require(.manageAlerts)
        let a = try await AlertService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(AlertService.ActionInput.self)) ?? .init(action: nil, assigneeID: nil, note: nil)
        do {
            try await AlertService.act(req, a, input)
            return req.redirect(to: "/alerts/\(a.id!)")
        } catch let e as FieldErrors {
            return try await detail(req, try await AlertService.scoped(req, a.id), errors: e, input: input)
        }
    }

    @Sendable func recompute(req: Request) async throws -> Response {
        try req.require(.manageAlerts)
        let outcome = try await AlertAPIController.recompute(req)
        return req.redirect(to: "/alerts?recomputed=\(outcome.created)-\(outcome.existing)")
    }
}

/// JSON API: `/api/v1/alerts`.
struct AlertAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "alerts")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.post("recompute", use: recomputeAPI)
        r.get(":id", use: show)
        r.post(":id", "actions", use: act)
    }

    struct Page: Content { var items: [AlertDTO]; var page: PageInfo }
    struct Detail: Content { var alert: AlertDTO; var events: [AlertEventDTO] }

    @Sendable func list(req: Request) async throws -> Page {
        try req.require(.viewAnalysis)
        let filter = try AlertFilter(req)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await AlertService.query(req, filter)
        let total = try await q.copy().count()
        let items = try await q.range(page.offset..<(page.offset + page.per)).all()
        return Page(items: items.map { $0.toDTO(req.lang) }, page: PageInfo(page: page.page, per: page.per, total: total))
    }

    @Sendable func export(req: Request) async throws -> Response { try await AlertController().export(req: req) }

    @Sendable func show(req: Request) async throws -> Detail {
        try req.require(.viewAnalysis)
        let a = try await AlertService.scoped(req, req.parameters.get("id", as: Int.self))
        return Detail(alert: a.toDTO(req.lang), events: try await AlertService.events(req.db, a).map {
            AlertEventDTO(action: $0.action, userID: $0.userID, assigneeID: $0.assigneeID, note: $0.note, at: $0.at)
        })
    }

    @Sendable func act(req: Request) async throws -> Detail {
        try req.require(.manageAlerts)
        let a = try await AlertService.scoped(req, req.parameters.get("id", as: Int.self))
        try await AlertService.act(req, a, try req.content.decode(AlertService.ActionInput.self))
        return try await show(req: req)
    }

    /// `?month=2026-03` and `?week=2026-03-02` pick the periods (default: the last complete ones).
    static func recompute(_ req: Request) async throws -> AlertRecompute.Outcome {
        try req.require(.manageAlerts)
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var e = FieldErrors()
        var month: YearMonth? = nil, week: Date? = nil
        // From the query string (API) or the form body (page).
        func value(_ k: String) -> String? { req.query[String.self, at: k]?.nilIfEmpty ?? (req.method == .POST ? (try? req.content.get(String.self, at: k))?.nilIfEmpty : nil) }
        if let m = value("month") { month = YearMonth(m); if month == nil { e["month"] = req.t("月份格式应为 2026-03", "Use a month like 2026-03") } }
        if let w = value("week") { week = cal.parseLocalDate(w); if week == nil { e["week"] = req.t("日期格式应为 2026-03-02", "Use a date like 2026-03-02") } }
        guard e.isEmpty else { throw e }
        let outcome = try await AlertRecompute.run(db: req.db, scope: try await req.scope(), calendar: cal, month: month, week: week, userID: try req.user.requireID())
        await req.audit("alert.recompute", entity: "alert", detail: "created=\(outcome.created) existing=\(outcome.existing) periods=\(outcome.periods.joined(separator: ","))")
        return outcome
    }

    @Sendable func recomputeAPI(req: Request) async throws -> AlertRecompute.Outcome { try await Self.recompute(req) }
}
