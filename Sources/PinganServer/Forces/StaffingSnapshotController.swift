import Fluent
import Vapor
import PinganKit

/// One station's staffing as recorded for a month.
struct StaffingSnapshotRow: Content, Equatable {
    var month: String
    var stationID: Int
    var station: String
    var officers: StaffingFigure
    var offices: StaffingFigure
    var takenAt: Date
    var takenBy: String
}

struct StaffingSnapshotList: Content {
    var from: String
    var to: String
    var station: Int?
    /// Newest month first, stations by name.
    var rows: [StaffingSnapshotRow]
}

enum StaffingSnapshotQuery {
    /// At most three years in one list (≤ 36 months × the district's stations).
    static let maxMonths = 36

    struct Params { var from: YearMonth; var to: YearMonth; var station: Int? }

    /// `from`, `to` (YYYY-MM, default the last 12 months to this one) and `station`, with field errors.
    static func params(_ req: Request, errors e: inout FieldErrors) -> Params {
        let now = LocalCalendar(timeZoneIdentifier: req.config.timeZone).yearMonth(of: Date())
        func month(_ key: String, _ fallback: YearMonth) -> YearMonth {
            guard let raw = req.query[String.self, at: key]?.nilIfEmpty else { return fallback }
            if let m = YearMonth(raw), (2000...2100).contains(m.year) { return m }
            e[key] = req.t("月份格式应为 2026-03", "Use a month like 2026-03")
            return fallback
        }
        var p = Params(from: month("from", now.adding(months: -11)), to: month("to", now), station: nil)
        if e.isEmpty {
            if p.from > p.to { e["from"] = req.t("起始月份不能晚于截止月份", "The first month must not be after the last") }
            else if p.from.adding(months: maxMonths) <= p.to { e["to"] = req.t("一次最多查看 \(maxMonths) 个月", "At most \(maxMonths) months at a time") }
        }
        if !e.isEmpty { p.from = now.adding(months: -11); p.to = now }
        if let raw = req.query[String.self, at: "station"]?.nilIfEmpty {
            if let n = Int(raw) { p.station = n } else { e["station"] = req.t("派出所无效", "Unknown station") }
        }
        return p
    }

    /// The snapshots of the stations the user sees as a whole (like the assessment's publication).
    static func load(_ req: Request, _ p: Params) async throws -> StaffingSnapshotList {
        let all = try await AnalysisData.units(req.db, scope: .everything)
        let visible = try await IndexService.visibleStations(req, all)
        let names = Dictionary(uniqueKeysWithValues: try await Station.query(on: req.db).all().map { ($0.id!, $0.name) })
        let q = StaffingSnapshot.query(on: req.db).filter(\.$month >= p.from.description).filter(\.$month <= p.to.description)
        if let s = p.station { q.filter(\.$stationID == s) }
        let rows = try await q.all().filter { visible?.contains(String($0.stationID)) ?? true }.map { r in
            StaffingSnapshotRow(month: r.month, stationID: r.stationID, station: names[r.stationID] ?? "\(r.stationID)", officers: r.officers, offices: r.offices,
                                takenAt: r.takenAt, takenBy: r.takenBy)
        }.sorted { ($1.month, $0.station, $0.stationID) < ($0.month, $1.station, $1.stationID) }
        return StaffingSnapshotList(from: p.from.description, to: p.to.description, station: p.station, rows: rows)
    }

    static func csv(_ l: StaffingSnapshotList, _ req: Request, chinese: Bool) -> CSVWriter {
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var w = CSVWriter(header: chinese
            ? ["月份", "派出所", "应配民警", "在岗民警", "民警缺口", "民警富余", "应建警务室", "已建警务室", "警务室缺口", "警务室富余", "记录时间", "记录方式"]
            : ["month", "station", "officers_required", "officers_in_place", "officers_shortfall", "officers_surplus",
               "offices_required", "offices_in_place", "offices_shortfall", "offices_surplus", "taken_at", "taken_by"])
        for r in l.rows {
            w.append([r.month, r.station, "\(r.officers.required)", "\(r.officers.inPlace)", "\(r.officers.shortfall)", "\(r.officers.surplus)",
                      "\(r.offices.required)", "\(r.offices.inPlace)", "\(r.offices.shortfall)", "\(r.offices.surplus)", cal.formatDateTime(r.takenAt), r.takenBy])
        }
        return w
    }
}

/// 编制月度快照 pages and API: what the assessment of a past month scores officers and offices with.
struct StaffingSnapshotController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("forces", "staffing", "snapshots")
        r.get(use: page)
        r.get("export.csv", use: csv)
        r.post(use: record)
        let a = routes.grouped("api", "v1", "staffing", "snapshots")
        a.get(use: api)
        a.post(use: recordAPI)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewForces)
        var e = FieldErrors()
        let p = StaffingSnapshotQuery.params(req, errors: &e)
        let list = try await StaffingSnapshotQuery.load(req, p)
        let stations = try await Station.query(on: req.db).sort(\.$name).all()
        let res = StaffingSnapshotViews.page(req, list, stations: stations, errors: e, canRecord: try req.user.role.can(.configureStaffing),
                                             recorded: req.query[String.self, at: "recorded"])
        if !e.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func csv(req: Request) async throws -> Response {
        try req.require(.viewForces)
        var e = FieldErrors()
        let p = StaffingSnapshotQuery.params(req, errors: &e)
        guard e.isEmpty else { throw e }
        let list = try await StaffingSnapshotQuery.load(req, p)
        await req.audit("staffing.snapshots.export", entity: "staffing_snapshots", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "staffing-snapshots-\(list.from)-\(list.to).csv", writer: StaffingSnapshotQuery.csv(list, req, chinese: !req.lang.isEnglish))
    }

    @Sendable func record(req: Request) async throws -> Response {
        try req.require(.configureStaffing)
        let r = try await StaffingSnapshots.recordCurrentMonth(req, by: try req.user.username)
        return req.redirect(to: "/forces/staffing/snapshots?recorded=" + (r == .unchanged ? "unchanged" : "written"))
    }

    @Sendable func api(req: Request) async throws -> StaffingSnapshotList {
        try req.require(.viewForces)
        var e = FieldErrors()
        let p = StaffingSnapshotQuery.params(req, errors: &e)
        guard e.isEmpty else { throw e }
        return try await StaffingSnapshotQuery.load(req, p)
    }

    struct Recorded: Content { var month: String; var written: Bool; var stations: Int }

    @Sendable func recordAPI(req: Request) async throws -> Recorded {
        try req.require(.configureStaffing)
        let month = LocalCalendar(timeZoneIdentifier: req.config.timeZone).yearMonth(of: Date()).description
        switch try await StaffingSnapshots.recordCurrentMonth(req, by: try req.user.username) {
        case .written(let n): return Recorded(month: month, written: true, stations: n)
        case .unchanged: return Recorded(month: month, written: false, stations: try await StaffingSnapshot.query(on: req.db).filter(\.$month == month).count())
        }
    }
}

enum StaffingSnapshotViews {
    static func page(_ req: Request, _ l: StaffingSnapshotList, stations: [Station], errors: FieldErrors, canRecord: Bool, recorded: String?) -> Response {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let title = L.t("编制月度快照", "Monthly staffing snapshots")
        let query = "from=\(l.from)&to=\(l.to)" + (l.station.map { "&station=\($0)" } ?? "")
        func figure(_ f: StaffingFigure) -> [Node] {
            [.td(.class("num"), .text("\(f.required)")), .td(.class("num"), .text("\(f.inPlace)")), StaffingViews.gapCell(f)]
        }
        let rows: [Node] = l.rows.map { r in
            .tr(.td(.text(r.month)), .td(.text(r.station)), .group(figure(r.offices)), .group(figure(r.officers)), StaffingViews.netBalanceCell(netGap: r.officers.netGap),
                .td(.class("small muted"), .text(cal.formatDateTime(r.takenAt))), .td(.class("small muted"), .text(takenBy(r.takenBy, L))))
        }
        let notice: Node = switch recorded {
        case "written": .div(.class("alert ok"), .attr("role", "status"), .text(L.t("已按当前配备记录本月快照。", "This month's snapshot was recorded from the current staffing.")))
        case "unchanged": .div(.class("alert ok"), .attr("role", "status"), .text(L.t("本月快照与当前配备一致，无需更新。", "This month's snapshot already matches the current staffing.")))
        default: .empty
        }
        return .page(req, title: title,
            StaffingViews.tabs(req, active: "/forces/staffing"),
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary"), .href("/forces/staffing"), .text(L.t("← 警力配置测算", "← Staffing plan"))),
                 .a(.class("btn secondary"), .href("/forces/staffing/snapshots/export.csv?" + query), .text(L.t("导出 CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            notice,
            StaffingViews.alert(req, errors),
            .form(.method("get"), .action("/forces/staffing/snapshots"), .class("filters no-print"),
                  .label(.text(L.t("起始月份", "From")), Form.input("from", l.from, type: "month")),
                  .label(.text(L.t("截止月份", "To")), Form.input("to", l.to, type: "month")),
                  .label(.text(L.t("派出所", "Station")), Form.select("station", stations.map { ("\($0.id!)", $0.name) }, selected: l.station.map { "\($0)" }, blank: L.t("全部", "All"))),
                  .button(.type("submit"), .text(L.t("查询", "Show")))),
            .p(.class("small muted"), .text(L.t(
                "缺额按社区（警务区）逐一累计，一处富余不抵另一处短缺；净余缺为在岗减应配。考核通报中已结束月份的“在岗民警”“警务室”两项，按该月的快照计算；该月没有快照时按此前最近一个月的快照，再没有则按当前配备（页面会注明）。服务器运行期间每小时按当前配备更新本月快照，月份结束后不再改动；也可用命令 pingan staffing snapshot 记录。",
                "Gaps add up community by community (a spare officer in one does not fill a gap in another); net is in place minus required. The assessment scores a past month's officers and offices with that month's snapshot; without one, with the latest earlier snapshot, and failing that with current staffing (the page says so). While the server runs it refreshes this month's snapshot from the current staffing every hour; a month's snapshot is not changed after the month ends. The command pingan staffing snapshot records it too."))),
            canRecord ? .form(.method("post"), .action("/forces/staffing/snapshots"), .class("inline no-print"), Layout.csrfField(req),
                              .button(.type("submit"), .class("btn secondary"), .text(L.t("按当前配备更新本月快照", "Record this month from current staffing")))) : .empty,
            rows.isEmpty ? .div(.class("empty"), .text(L.t("\(l.from) 至 \(l.to) 没有您可查看的编制快照（须整个派出所在您的辖区内）。",
                                                           "No staffing snapshot you may see from \(l.from) to \(l.to) (a station must lie wholly in your jurisdiction).")))
                : .div(.class("scroll"), .table(.class("data"),
                    .thead(.tr(.th(.attr("rowspan", "2"), .text(L.t("月份", "Month"))), .th(.attr("rowspan", "2"), .text(L.t("派出所", "Station"))),
                               .th(.attr("colspan", "3"), .class("group"), .text(L.t("警务室", "Police offices"))),
                               .th(.attr("colspan", "4"), .class("group"), .text(L.t("社区民警", "Community officers"))),
                               .th(.attr("rowspan", "2"), .text(L.t("记录时间", "Recorded"))), .th(.attr("rowspan", "2"), .text(L.t("记录方式", "By")))),
                           .tr(.th(.class("num"), .text(L.t("应配", "Required"))), .th(.class("num"), .text(L.t("现有", "In place"))), .th(.class("num"), .text(L.t("缺额", "Gap"))),
                               .th(.class("num"), .text(L.t("应配", "Required"))), .th(.class("num"), .text(L.t("在岗", "In place"))), .th(.class("num"), .text(L.t("缺额", "Shortfall"))),
                               .th(.class("num"), .attr("title", L.t("在岗减应配：缺为负，余为正", "In place minus required: short is negative, spare positive")), .text(L.t("净余缺", "Net"))))),
                    .element("tbody", rows))))
    }

    static func takenBy(_ by: String, _ L: Lang) -> String {
        switch by {
        case "server": L.t("服务器每小时更新", "hourly, by the server")
        case "cli": L.t("命令行", "command line")
        case "demo": L.t("演示数据", "demo data")
        default: by
        }
    }
}
