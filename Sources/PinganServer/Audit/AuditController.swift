import Fluent
import Vapor
import PinganKit

struct AuditEventDTO: Content { var id: Int; var at: Date; var username: String; var action: String; var entity: String; var entityID: String?; var result: String; var ip: String; var detail: String }

/// Administrators (and district command) read the audit log with filters.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "audit", use: page)
        routes.get("admin", "audit", "export.csv", use: export)
        routes.get("api", "v1", "audit", use: api)
    }

    struct Filter {
        var user: String?; var action: String?; var entity: String?; var entityID: String?; var result: String?; var from: String?; var to: String?
        init(_ req: Request) throws {
            user = req.query[String.self, at: "user"]?.nilIfEmpty
            action = req.query[String.self, at: "action"]?.nilIfEmpty
            entity = req.query[String.self, at: "entity"]?.nilIfEmpty
            entityID = req.query[String.self, at: "entityID"]?.nilIfEmpty
            result = req.query[String.self, at: "result"]?.nilIfEmpty
            from = req.query[String.self, at: "from"]?.nilIfEmpty
            to = req.query[String.self, at: "to"]?.nilIfEmpty
            let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
            var e = FieldErrors()
            if let f = from, cal.parseLocalDate(f) == nil { e["from"] = "Use a date like 2026-03-01" }
            if let t = to, cal.parseLocalDate(t) == nil { e["to"] = "Use a date like 2026-03-31" }
            if let r = result, AuditResult(rawValue: r) == nil { e["result"] = "One of ok, denied, failed" }
            guard e.isEmpty else { throw e }
        }
        func apply(_ q: QueryBuilder<AuditEvent>, _ cal: LocalCalendar) -> QueryBuilder<AuditEvent> {
            if let user { q.filter(\.$username == user.lowercased()) }
            if let action { q.filter(\.$action == action) }
            if let entity { q.filter(\.$entity == entity) }
            if let entityID { q.filter(\.$entityID == entityID) }
            if let result { q.filter(\.$result == result) }
            if let f = from.flatMap(cal.parseLocalDate) { q.filter(\.$at >= f) }
            if let t = to.flatMap(cal.parseLocalDate) { q.filter(\.$at < t.addingTimeInterval(86400)) }
            return q.sort(\.$at, .descending).sort(\.$id, .descending)
        }
    }

    func query(_ req: Request) throws -> QueryBuilder<AuditEvent> {
        try req.require(.viewAudit)
        return try Filter(req).apply(AuditEvent.query(on: req.db), LocalCalendar(timeZoneIdentifier: req.config.timeZone))
    }

    @Sendable func page(req: Request) async throws -> Response {
        let q = try query(req)
        let f = try Filter(req)
        let p = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let total = try await q.copy().count()
        let items = try await q.range(p.offset..<(p.offset + p.per)).all()
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let exportLink = "/admin/audit/export.csv" + (req.url.query.map { "?" + $0 } ?? "")
        let toolbar: Node = .div(.class("toolbar"), .h1(.text(L.t("审计日志", "Audit log"))),
                                 .a(.class("btn secondary"), .href(exportLink), .text(L.t("导出 CSV", "Export CSV"))))
        let resultOptions: [(String, String)] = ["ok", "denied", "failed"].map { ($0, Self.resultName($0, L)) }
        var fields: [Node] = [.method("get"), .action("/admin/audit"), .class("filters")]
        fields.append(.label(.text(L.t("用户", "User")), Form.input("user", f.user)))
        fields.append(.label(.text(L.t("操作", "Action")), Form.input("action", f.action, extra: .placeholder("incident.create"))))
        fields.append(.label(.text(L.t("对象", "Record type")), Form.input("entity", f.entity, extra: .placeholder("incident"))))
        fields.append(.label(.text(L.t("记录号", "Record id")), Form.input("entityID", f.entityID)))
        fields.append(.label(.text(L.t("结果", "Result")), Form.select("result", resultOptions, selected: f.result, blank: L.t("全部", "All"))))
        fields.append(.label(.text(L.t("起始日期", "From")), Form.input("from", f.from, type: "date")))
        fields.append(.label(.text(L.t("截止日期", "To")), Form.input("to", f.to, type: "date")))
        fields.append(.button(.type("submit"), .text(L.t("筛选", "Filter"))))
        fields.append(.a(.href("/admin/audit"), .text(L.t("清除", "Clear"))))
        let filters: Node = .element("form", fields)
        let head: Node = .thead(.tr(.th(.text(L.t("时间", "Time"))), .th(.text(L.t("用户", "User"))), .th(.text(L.t("操作", "Action"))), .th(.text(L.t("对象", "Record"))),
                                    .th(.text(L.t("结果", "Result"))), .th(.class("hide-sm"), .text("IP")), .th(.class("hide-sm"), .text(L.t("说明", "Detail")))))
        let rows: [Node] = items.map { e in
            let record = Self.entityName(e.entity, L) + (e.entityID.map { " #" + $0 } ?? "")
            let badge: Node = .span(.class("badge " + (e.result == "ok" ? "closed" : "received")), .text(Self.resultName(e.result, L)))
            return .tr(.td(.text(cal.formatDateTime(e.at))), .td(.text(e.username)), .td(.code(.text(e.action))), .td(.text(record)),
                       .td(badge), .td(.class("hide-sm"), .text(e.ip)), .td(.class("hide-sm small"), .text(e.detail)))
        }
        let body: Node = items.isEmpty ? .div(.class("empty"), .text(L.t("没有符合条件的记录。", "No events match.")))
            : .group([.table(.class("data"), head, .element("tbody", rows)), Pager.view(req, PageInfo(page: p.page, per: p.per, total: total))])
        return .page(req, title: L.t("审计日志", "Audit log"), toolbar, filters, body)
    }

    static func resultName(_ r: String, _ L: Lang) -> String {
        switch r { case "ok": L.t("成功", "ok"); case "denied": L.t("拒绝", "denied"); case "failed": L.t("失败", "failed"); default: r }
    }
    static func entityName(_ e: String, _ L: Lang) -> String {
        switch e { case "incident": L.t("警情", "incident"); case "user": L.t("用户", "user"); case "division": L.t("辖区", "division"); case "person": L.t("人员", "person"); default: e }
    }

    @Sendable func export(req: Request) async throws -> Response {
        let items = try await query(req).limit(100_000).all()
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var w = CSVWriter(header: ["time", "user", "action", "entity", "entity_id", "result", "ip", "detail"])
        for e in items { w.append([cal.formatDateTime(e.at), e.username, e.action, e.entity, e.entityID ?? "", e.result, e.ip, e.detail]) }
        return CSVResponse.make(filename: "audit-\(cal.formatDate(Date())).csv", writer: w)
    }

    struct AuditPage: Content { var items: [AuditEventDTO]; var page: PageInfo }

    @Sendable func api(req: Request) async throws -> AuditPage {
        let q = try query(req)
        let p = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let total = try await q.copy().count()
        let items = try await q.range(p.offset..<(p.offset + p.per)).all()
        return AuditPage(items: items.map { AuditEventDTO(id: $0.id!, at: $0.at, username: $0.username, action: $0.action, entity: $0.entity, entityID: $0.entityID, result: $0.result, ip: $0.ip, detail: $0.detail) },
                         page: PageInfo(page: p.page, per: p.per, total: total))
    }
}
