import Foundation
import Vapor
import PinganKit

enum StaffingViews {
    /// Sub-navigation of the forces pages.
    static func tabs(_ req: Request, active: String) -> Node {
        let L = req.lang
        let role = req.auth.get(User.self)?.role
        let forces = role?.can(.viewForces) ?? false
        let teams = role?.can(.viewTeams) ?? false
        var items: [(String, String, String)] = forces ? [
            ("/forces/staffing", "警力配置测算", "Staffing plan"), ("/forces/officers", "社区民警", "Officers"),
            ("/forces/worklog", "工作纪实", "Work log"), ("/forces/presence", "驻社区天数", "Presence"),
            ("/forces/inspections", "检查整改", "Inspections"), ("/forces/leaders", "领导挂点", "Leaders"),
        ] : []
        if teams {
            items += [("/forces/teams", "群防队伍", "Teams"), ("/forces/training", "队员培训", "Training"), ("/forces/assessment", "量化考核", "Assessment"),
                      ("/forces/patrols", "巡逻计划", "Patrol plans"), ("/forces/patrols/logs", "巡逻记录", "Patrol logs"),
                      ("/forces/patrols/review", "巡逻考评", "Patrol review"), ("/forces/duty", "值守护学", "Duty rosters")]
        }
        return .element("nav", [.class("tabs no-print")] + items.map { p, zh, en in .a(.href(p), active == p ? .class("active") : .empty, .text(L.t(zh, en))) })
    }

    static func per(_ v: Double?, digits: Int) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "—" }

    static func kindName(_ k: CommunityKind, _ L: Lang) -> String {
        switch k {
        case .urban: L.t("社区", "Urban")
        case .town: L.t("集镇社区", "Town seat")
        case .rural: L.t("村", "Village")
        }
    }

    /// The rules in one sentence, with the population each officer count starts at ("about" resolved).
    static func rulesSentence(_ r: StaffingRules, _ L: Lang) -> String {
        let urban = r.urbanCutOvers(maxOfficers: r.urbanStepAbove == nil ? 6 : 4)
        let rural = r.ruralCutOvers(maxOfficers: 2)
        let zhUrban = urban.map { $0.from == 0 ? "\($0.officers)名" : "\($0.from)人起\($0.officers)名" }.joined(separator: "、")
        let enUrban = urban.map { $0.from == 0 ? "\($0.officers)" : "\($0.officers) from \($0.from)" }.joined(separator: ", ")
        let zhRural = rural.filter { $0.from > 0 }.map { "\($0.from)人起\($0.officers)名" }.joined(separator: "、")
        let enRural = rural.filter { $0.from > 0 }.map { "\($0.officers) from \($0.from)" }.joined(separator: ", ")
        return L.t("标准：城区社区约 \(r.urbanBands.map { "\($0.population)人配\($0.officers)名" }.joined(separator: "、"))"
                   + (r.urbanStepAbove.map { "，此后每增约\($0)人增1名（区自定，非种子规则）" } ?? "，至多\(r.urbanBands.last?.officers ?? 0)名")
                   + "；“左右”按低于基准\(r.tolerancePercent)%以内计，即\(zhUrban)；集镇民警社区每个配\(r.townOfficersPerCommunity)名；"
                   + "农村警务区约\(r.ruralPopulationPerOfficer)人配1名" + (zhRural.isEmpty ? "" : "（\(zhRural)）") + "；每社区/警务区至少\(r.minimumOfficers)名（一区一警）；"
                   + (r.ruralOfficePerPoliceArea ? "警务室：城区每居委会\(r.officesPerCommittee)个，农村每警务区\(r.officesPerCommittee)个（相邻几个村设一个）。"
                                                 : "警务室：每村(居)委\(r.officesPerCommittee)个。"),
                   "Rules: urban community of about " + r.urbanBands.map { "\($0.population) → \($0.officers)" }.joined(separator: ", ")
                   + (r.urbanStepAbove.map { ", one more per further \($0) (a district option, not a seed rule)" } ?? ", at most \(r.urbanBands.last?.officers ?? 0)")
                   + "; \"about\" = within \(r.tolerancePercent)% below the anchor, so officers \(enUrban) residents; town-seat community: \(r.townOfficersPerCommunity) each; "
                   + "rural police area of about \(r.ruralPopulationPerOfficer) → 1" + (enRural.isEmpty ? "" : " (\(enRural))") + "; at least \(r.minimumOfficers) per community or area; "
                   + (r.ruralOfficePerPoliceArea ? "offices: \(r.officesPerCommittee) per residents' committee, \(r.officesPerCommittee) per rural police area (one for its adjacent villages)."
                                                 : "offices: \(r.officesPerCommittee) per village or residents' committee."))
    }

    static func gapCell(_ f: StaffingFigure) -> Node {
        f.shortfall > 0 ? .td(.class("num"), .strong(.text("−\(f.shortfall)")))
            : f.surplus > 0 ? .td(.class("num muted"), .text("+\(f.surplus)")) : .td(.class("num muted"), .text("0"))
    }

    /// In place minus required, in the gap column's convention: a shortage reads −n, a surplus +n.
    static func netBalanceCell(netGap: Int) -> Node {
        netGap > 0 ? .td(.class("num"), .strong(.text("−\(netGap)")))
            : netGap < 0 ? .td(.class("num muted"), .text("+\(-netGap)")) : .td(.class("num muted"), .text("0"))
    }

    static func totalsRow(_ name: Node, _ t: StaffingTotals) -> Node {
        .tr(.td(name), .td(.class("num"), .text("\(t.communities)")), .td(.class("num"), .text("\(t.population)")),
            .td(.class("num"), .text("\(t.offices.required)")), .td(.class("num"), .text("\(t.offices.inPlace)")), gapCell(t.offices),
            .td(.class("num"), .text("\(t.officers.required)")), .td(.class("num"), .text("\(t.officers.inPlace)")), gapCell(t.officers),
            netBalanceCell(netGap: t.officers.netGap), .td(.class("num"), .text(t.officers.fillRate)),
            .td(.class("num"), .text("\(t.concurrentPosts) (\(t.concurrentPostShare.percent))")))
    }

    static func workloadRow(_ name: Node, _ w: Workload) -> Node {
        .tr(.td(name), .td(.class("num"), .text("\(w.population)")), .td(.class("num"), .text("\(w.officersInPlace)")),
            .td(.class("num"), .text("\(w.incidents)")), .td(.class("num"), .text("\(w.disputes)")),
            .td(.class("num"), .text(per(w.populationPerOfficer, digits: 0))), .td(.class("num"), .text(per(w.incidentsPerOfficer, digits: 1))),
            .td(.class("num"), .text(per(w.disputesPerOfficer, digits: 1))))
    }

    static func filterForm(_ req: Request, _ loaded: StaffingService.Loaded, _ o: StaffingService.Options, action: String, extra: [Node] = []) -> Node {
        let L = req.lang
        let stations = loaded.stationIDs.filter { name, _ in loaded.plan.stations.contains { $0.stationCode == name } || o.station == loaded.stationIDs[name] }
            .sorted { $0.key < $1.key }
        var fields: [Node] = [.method("get"), .action(action), .class("filters no-print")]
        fields.append(.label(.text(L.t("派出所", "Station")), Form.select("station", stations.map { ("\($0.value)", $0.key) }, selected: o.station.map { "\($0)" }, blank: L.t("全部", "All"))))
        fields.append(.label(.text(L.t("警情统计月数", "Incident months")), Form.input("months", "\(o.months)", type: "number", extra: .group([.attr("min", "1"), .attr("max", "60")]))))
        fields += extra
        fields.append(.button(.type("submit"), .text(L.t("查询", "Show"))))
        return .element("form", fields)
    }

    static func alert(_ req: Request, _ errors: FieldErrors) -> Node {
        errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"),
            .text(req.t("以下条件无效，已忽略：", "Ignored invalid filters: ") + errors.fields.keys.sorted().map { errors.fields[$0]! }.joined(separator: "；")))
    }

    static func plan(_ req: Request, _ loaded: StaffingService.Loaded, options o: StaffingService.Options, workload: Bool, errors: FieldErrors, canConfigure: Bool) -> Response {
        let L = req.lang
        let p = loaded.plan
        let query = req.url.query ?? ""
        let title = L.t("警力配置测算", "Staffing plan")
        let toolbar: Node = .div(.class("toolbar"), .h1(.text(title)),
            canConfigure ? .a(.class("btn secondary"), .href("/forces/staffing/rules"), .text(L.t("配置标准", "Rules"))) : .empty,
            .a(.class("btn secondary"), .href("/forces/staffing/snapshots"), .text(L.t("月度快照", "Monthly snapshots"))),
            .a(.class("btn secondary"), .href("/forces/staffing/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV"))),
            .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print"))))
        let rulesText = rulesSentence(p.rules, L)
        let viewTabs: Node = .element("nav", [.class("tabs no-print"),
            .a(.href("/forces/staffing" + (o.station.map { "?station=\($0)" } ?? "")), workload ? .empty : .class("active"), .text(L.t("配置与缺额", "Required vs in place"))),
            .a(.href("/forces/staffing?view=workload&months=\(o.months)" + (o.station.map { "&station=\($0)" } ?? "")), workload ? .class("active") : .empty, .text(L.t("工作量", "Workload")))])
        let filter = filterForm(req, loaded, o, action: "/forces/staffing", extra: workload ? [.input(.type("hidden"), .name("view"), .value("workload"))] : [])
        let whatIfForm: Node = .form(.method("get"), .action("/forces/staffing/whatif"), .class("filters no-print card"),
            .span(.text(L.t("假设增配：", "What if: "))),
            o.station.map { Node.input(.type("hidden"), .name("station"), .value("\($0)")) } ?? .empty,
            .label(.text(L.t("新增民警数", "New officers")), Form.input("officers", nil, type: "number", required: true, extra: .group([.attr("min", "1"), .attr("max", "10000")]))),
            .button(.type("submit"), .text(L.t("测算分配", "Allocate"))))
        if p.communities.isEmpty {
            return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity, tabs(req, active: "/forces/staffing"), toolbar, alert(req, errors), filter,
                         .div(.class("empty"), .text(L.t("您的辖区内没有社区。", "There are no communities in your jurisdiction."))))
        }
        let stationLink: (String) -> Node = { name in
            loaded.stationIDs[name].map { Node.a(.href("/forces/staffing?station=\($0)" + (workload ? "&view=workload&months=\(o.months)" : "")), .text(name)) } ?? .text(name)
        }
        let communityLink: (CommunityStaffingPlan) -> Node = { c in
            .group([loaded.communityIDs[c.code].map { Node.a(.href("/jurisdiction/\($0)"), .text(c.name)) } ?? .text(c.name), .div(.class("small muted"), .text(c.code))])
        }
        if workload {
            let head: Node = .thead(.tr(.th(.text(L.t("单位", "Unit"))), .th(.class("num"), .text(L.t("实有人口", "Population"))), .th(.class("num"), .text(L.t("在岗民警", "Officers"))),
                                        .th(.class("num"), .text(L.t("警情", "Incidents"))), .th(.class("num"), .text(L.t("纠纷", "Disputes"))),
                                        .th(.class("num"), .text(L.t("人口/民警", "Residents per officer"))), .th(.class("num"), .text(L.t("警情/民警", "Incidents per officer"))),
                                        .th(.class("num"), .text(L.t("纠纷/民警", "Disputes per officer")))))
            let stationRows = p.stations.map { workloadRow(stationLink($0.stationCode), $0.totals.workload) } + [workloadRow(.strong(.text(L.t("合计", "Total"))), p.district.workload)]
            let busiest = p.communities.sorted { ($0.workload.incidentsPerOfficer ?? .infinity, $0.workload.incidents) > ($1.workload.incidentsPerOfficer ?? .infinity, $1.workload.incidents) }
            return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity, tabs(req, active: "/forces/staffing"), toolbar, viewTabs, alert(req, errors), filter,
                .p(.class("small muted"), .text(L.t("近 \(o.months) 个月的警情与纠纷（警情台账），按在岗社区民警平均；无民警的社区显示“—”并排在最前。",
                                                   "Incidents and disputes of the last \(o.months) months from the incident ledger, per officer in place; communities without an officer show “—” and come first."))),
                .h2(.text(L.t("按派出所", "By station"))), .table(.class("data"), head, .element("tbody", stationRows)),
                .h2(.text(L.t("按社区（警情/民警从高到低）", "By community (incidents per officer, highest first)"))),
                .table(.class("data"), head, .element("tbody", busiest.map { workloadRow(communityLink($0), $0.workload) })))
        }
        let head: Node = .thead(
            .tr(.th(.attr("rowspan", "2"), .text(L.t("派出所", "Station"))), .th(.attr("rowspan", "2"), .class("num"), .text(L.t("社区/村", "Communities"))),
                .th(.attr("rowspan", "2"), .class("num"), .text(L.t("实有人口", "Population"))),
                .th(.attr("colspan", "3"), .class("group"), .text(L.t("警务室", "Police offices"))), .th(.attr("colspan", "5"), .class("group"), .text(L.t("社区民警", "Community officers"))),
                .th(.attr("rowspan", "2"), .class("num"), .text(L.t("兼职（占比）", "Concurrent posts")))),
            .tr(.th(.class("num"), .text(L.t("应配", "Required"))), .th(.class("num"), .text(L.t("现有", "In place"))), .th(.class("num"), .text(L.t("缺额", "Gap"))),
                .th(.class("num"), .text(L.t("应配", "Required"))), .th(.class("num"), .text(L.t("在岗", "In place"))), .th(.class("num"), .text(L.t("缺额", "Shortfall"))),
                .th(.class("num"), .text(L.t("净余缺", "Net balance"))), .th(.class("num"), .text(L.t("配备率", "Fill rate")))))
        let stationRows = p.stations.map { totalsRow(stationLink($0.stationCode), $0.totals) } + [totalsRow(.strong(.text(L.t("合计", "Total"))), p.district)]
        let cHead: Node = .thead(.tr(.th(.text(L.t("社区/村", "Community"))), .th(.text(L.t("派出所", "Station"))), .th(.text(L.t("类型", "Kind"))),
                                     .th(.class("num"), .text(L.t("实有人口", "Population"))),
                                     .th(.class("num"), .text(L.t("警务室 应配/现有", "Offices req./in"))), .th(.class("num"), .text(L.t("民警 应配", "Officers req."))),
                                     .th(.class("num"), .text(L.t("在岗", "In place"))), .th(.class("num"), .text(L.t("缺额", "Gap"))), .th(.class("num"), .text(L.t("兼职", "Concurrent")))))
        let cRows: [Node] = p.communities.map { c in
            .tr(.td(communityLink(c)), .td(.text(c.stationCode)),
                .td(.text(kindName(c.kind, L)), c.unitKey != c.code ? .div(.class("small muted"), .text(L.t("警务区：", "Area: ") + c.unitKey)) : .empty),
                .td(.class("num"), .text("\(c.population)")), .td(.class("num"), .text("\(c.offices.required) / \(c.offices.inPlace)")),
                .td(.class("num"), .text("\(c.officers.required)")), .td(.class("num"), .text("\(c.officers.inPlace)")), gapCell(c.officers),
                .td(.class("num"), .text("\(c.concurrentPosts)")))
        }
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity, tabs(req, active: "/forces/staffing"), toolbar, viewTabs, alert(req, errors), filter,
            .p(.class("small muted"), .text(rulesText)),
            .p(.class("small muted"), .text(L.t("在岗民警 = 分配到该社区的在用社区民警账号；几个村共用一个警务区警务室的，民警在警务区内统筹，警务室只计一次。缺额按警务区逐个相加，一处富余不抵另一处缺额；净余缺 = 在岗 − 应配，与缺额一样负数为缺、正数为余。",
                                               "Officers in place = active community-officer accounts assigned to the community. Villages sharing a police-area office pool their officers and count that office once. Shortfalls add up per unit, so a spare officer in one place does not hide a gap in another; net balance = in place − required, signed like the gap: negative is short, positive is spare."))),
            Charts.bars(p.stations.sorted { $0.totals.officers.shortfall > $1.totals.officers.shortfall }.map {
                Charts.Bar(label: $0.stationCode, values: [$0.totals.officers.required, $0.totals.officers.inPlace, $0.totals.officers.shortfall]) },
                series: [L.t("民警应配", "Officers required"), L.t("在岗", "In place"), L.t("缺额", "Shortfall")],
                title: L.t("各派出所社区民警配备（缺额从多到少）", "Community officers by station (largest shortfall first)"), L),
            .div(.class("scroll"), .table(.class("data"), head, .element("tbody", stationRows))),
            whatIfForm,
            .h2(.text(L.t("按社区/村", "By community"))),
            .table(.class("data"), cHead, .element("tbody", cRows)))
    }

    static func whatIf(_ req: Request, _ loaded: StaffingService.Loaded, options o: StaffingService.Options, officers: Int?, result: StaffingWhatIfResult?, errors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("假设增配：新增民警放在哪里", "What if: where new officers would go")
        let names = Dictionary(loaded.plan.communities.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let form: Node = .form(.method("get"), .action("/forces/staffing/whatif"), .class("card no-print"),
            .div(.class("form"),
                Form.field(L.t("新增民警数", "New officers"), "officers", errors, Form.input("officers", officers.map(String.init) ?? req.query[String.self, at: "officers"], type: "number", required: true, extra: .group([.attr("min", "1"), .attr("max", "10000")]))),
                Form.field(L.t("派出所", "Station"), "station", errors, Form.select("station", loaded.stationIDs.filter { n, _ in loaded.plan.stations.contains { $0.stationCode == n } }.sorted { $0.key < $1.key }.map { ("\($0.value)", $0.key) },
                                                                               selected: o.station.map { "\($0)" }, blank: L.t("全部", "All")))),
            .p(.button(.type("submit"), .text(L.t("测算分配", "Allocate")))))
        var body: Node = .p(.class("muted"), .text(L.t("缺额最大的社区/警务区优先，一次一名；同样缺额时先给人均人口最多的，再看警情数。",
                                                      "The largest gap first, one officer at a time; on equal gaps the most residents per officer, then the most incidents.")))
        if let r = result {
            let rows: [Node] = r.allocations.map { a in
                .tr(.td(.text(a.communityCodes.map { names[$0] ?? $0 }.joined(separator: "、"))), .td(.text(a.stationCode)),
                    .td(.class("num"), .strong(.text("+\(a.officers)"))), .td(.class("num"), .text("\(a.shortfallBefore)")), .td(.class("num"), .text("\(a.shortfallAfter)")))
            }
            body = .group([body,
                .div(.class(r.unallocated > 0 ? "alert" : "alert ok"),
                     .text(L.t("新增 \(r.newOfficers) 名：分配 \(r.newOfficers - r.unallocated) 名，缺额由 \(r.shortfallBefore) 降至 \(r.shortfallAfter)" + (r.unallocated > 0 ? "；缺额补齐后余 \(r.unallocated) 名未分配。" : "。"),
                               "\(r.newOfficers) new officers: \(r.newOfficers - r.unallocated) placed, shortfall \(r.shortfallBefore) → \(r.shortfallAfter)" + (r.unallocated > 0 ? "; \(r.unallocated) left once every gap is closed." : ".")))),
                .p(.a(.class("btn secondary"), .href("/forces/staffing/whatif.csv?" + (req.url.query ?? "")), .text(L.t("导出 CSV", "Export CSV")))),
                rows.isEmpty ? .div(.class("empty"), .text(L.t("没有缺额，无需增配。", "No gaps: nobody to place.")))
                    : .table(.class("data"), .thead(.tr(.th(.text(L.t("社区/警务区", "Community / area"))), .th(.text(L.t("派出所", "Station"))), .th(.class("num"), .text(L.t("新增", "New"))),
                                                       .th(.class("num"), .text(L.t("原缺额", "Gap before"))), .th(.class("num"), .text(L.t("增配后缺额", "Gap after"))))),
                             .element("tbody", rows))])
        }
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            tabs(req, active: "/forces/staffing"),
            .div(.class("breadcrumb"), .a(.href("/forces/staffing"), .text(L.t("警力配置测算", "Staffing plan"))), " › ", .text(L.t("假设增配", "What if"))),
            .h1(.text(title)), Form.errorSummary(req, errors), form, body)
    }

    static func rulesForm(_ req: Request, input: StaffingRulesInput, current: StaffingRules, errors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("警力配置标准", "Staffing rules")
        let r = current
        let urban = r.urbanCutOvers(maxOfficers: r.urbanStepAbove == nil ? 6 : 4).filter { $0.from > 0 }
        let rural = r.ruralCutOvers(maxOfficers: 3).filter { $0.from > 0 }
        let cutOver = L.t("按现行容差 \(r.tolerancePercent)%：" + urban.map { "城区社区 \($0.from) 人起配 \($0.officers) 名" }.joined(separator: "、")
                          + "（即“8000人左右”从 \(r.threshold(forAnchor: 8000)) 人算起）；农村警务区 " + rural.map { "\($0.from) 人起配 \($0.officers) 名" }.joined(separator: "、") + "。",
                          "At the current \(r.tolerancePercent)% tolerance: urban communities get " + urban.map { "\($0.officers) officers from \($0.from) residents" }.joined(separator: ", ")
                          + " (\"about 8,000\" starts at \(r.threshold(forAnchor: 8000))); rural police areas " + rural.map { "\($0.officers) from \($0.from)" }.joined(separator: ", ") + ".")
        let fields: [Node] = [
            Form.field(L.t("城区社区：人口:民警数（各档）", "Urban bands: population:officers"), "urbanBands", errors, hint: L.t("如 5000:1, 8000:2（种子文件001：5000人左右配1名，8000人左右配2名）", "e.g. 5000:1, 8000:2 (seed 001: about 5,000 → 1, about 8,000 → 2)"), Form.input("urbanBands", input.urbanBands, required: true)),
            Form.field(L.t("最高档以上每增加人口增1名（区自定，非种子规则）", "Above the last band, one more per (district option, not a seed rule)"), "urbanStepAbove", errors,
                       hint: L.t("留空：最高档封顶（默认，种子文件001：“较大的社区可配备2名社区民警”）", "Empty: capped at the last band (default; seed 001: a larger community may have 2 officers)"), Form.input("urbanStepAbove", input.urbanStepAbove, type: "number")),
            Form.field(L.t("集镇民警社区每个配民警数", "Officers per town-seat community"), "townOfficersPerCommunity", errors,
                       hint: L.t("种子文件001：人民政府所在地集镇可视情况建立1至2个民警社区，每个社区配置1名社区民警；在辖区页把社区类型设为“集镇社区”", "Seed 001: a town seat sets up 1 or 2 police communities with 1 officer each; set the community's kind to “town-seat community” on its jurisdiction page"),
                       Form.input("townOfficersPerCommunity", input.townOfficersPerCommunity, type: "number", required: true)),
            Form.field(L.t("农村警务区每名民警对应常住人口", "Rural police area: residents per officer"), "ruralPopulationPerOfficer", errors, hint: L.t("种子文件001：相邻几个村设一个警务区(区内常住人口8000人左右)，配置1名民警", "Seed 001: a police area of adjacent villages with about 8,000 residents has 1 officer"), Form.input("ruralPopulationPerOfficer", input.ruralPopulationPerOfficer, type: "number", required: true)),
            Form.field(L.t("“左右”容差（%）", "Tolerance for “about” (%)"), "tolerancePercent", errors, hint: L.t("人口不低于基准的 (100−容差)% 即按该档计。", "A population within this % below an anchor counts as “about” it. ") + cutOver, Form.input("tolerancePercent", input.tolerancePercent, type: "number", required: true)),
            Form.field(L.t("每社区至少民警数（一区一警）", "Minimum officers per community"), "minimumOfficers", errors, Form.input("minimumOfficers", input.minimumOfficers, type: "number", required: true)),
            Form.field(L.t("每个居委会（或警务区）警务室数", "Offices per committee (or police area)"), "officesPerCommittee", errors, Form.input("officesPerCommittee", input.officesPerCommittee, type: "number", required: true)),
            Form.field(L.t("农村按警务区设警务室（相邻几个村设一个）", "Rural: one office per police area (one for adjacent villages)"), "ruralOfficePerPoliceArea", errors,
                       hint: L.t("默认勾选，种子文件001：“农村各所应根据警力及交通地理环境，在相邻几个村设立社区警务室”；不勾选则每村一个（一村(居)委一警务室，区自定）", "Ticked by default (seed 001: offices for the adjacent villages of a police area); unticked: one per village (a district option)"),
                       .input(.type("checkbox"), .name("ruralOfficePerPoliceArea"), .id("f-ruralOfficePerPoliceArea"), .value("1"), .checked(input.ruralOfficePerPoliceArea != nil))),
        ]
        let whole: Node = errors["rules"].map { Node.div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            tabs(req, active: "/forces/staffing"),
            .div(.class("breadcrumb"), .a(.href("/forces/staffing"), .text(L.t("警力配置测算", "Staffing plan"))), " › ", .text(title)),
            .h1(.text(title)), Form.errorSummary(req, errors), whole,
            .div(.class("card"), .h2(.text(L.t("现行标准", "Rules in force"))), .p(.text(rulesSentence(r, L))), .p(.strong(.text(cutOver))),
                 .p(.class("small muted"), .text(L.t("规则取自种子文件所述的配置标准，区里可按本地情况调整后保存。", "The rules follow the staffing standards in the district's documents; the district may adjust and save them.")))),
            .form(.method("post"), .action("/forces/staffing/rules"), .class("card"), Layout.csrfField(req), .input(.type("hidden"), .name("complete"), .value("1")),
                  .element("div", [.class("form")] + fields),
                  .p(.button(.type("submit"), .text(L.t("保存", "Save"))), " ", .a(.href("/forces/staffing"), .text(L.t("取消", "Cancel"))))))
    }

    static func officers(_ req: Request, _ officers: [OfficerDTO], canManage: Bool, errors: FieldErrors = FieldErrors()) -> Response {
        let L = req.lang
        let title = L.t("社区民警", "Community officers")
        let withPost = officers.filter { !$0.concurrentPost.isEmpty }.count
        let rows: [Node] = officers.map { o in
            let post: Node = canManage
                ? .form(.method("post"), .action("/forces/officers/\(o.id)"), .class("inline no-print"), Layout.csrfField(req),
                        .input(.type("text"), .name("concurrentPost"), .value(o.concurrentPost), .attr("maxlength", "50"), .attr("placeholder", L.t("如：社区党委副书记", "e.g. deputy party secretary"))),
                        .button(.type("submit"), .class("link"), .text(L.t("保存", "Save"))))
                : .text(o.concurrentPost.isEmpty ? "—" : o.concurrentPost)
            return .tr(.td(.text(o.name), .div(.class("small muted"), .text(o.username))), .td(.a(.href("/jurisdiction/\(o.communityID)"), .text(o.communityName))),
                       .td(.text(o.stationName ?? "—")), .td(post),
                       .td(.class("no-print"), .a(.href("/forces/worklog?officer=\(o.id)"), .text(L.t("纪实", "Log"))), .text(" · "),
                           .a(.href("/forces/officers/\(o.id)/report"), .text(L.t("月报", "Monthly report")))))
        }
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            tabs(req, active: "/forces/officers"), .h1(.text(title)), Form.errorSummary(req, errors),
            errors["concurrentPost"].map { Node.div(.class("alert error"), .text($0)) } ?? .empty,
            .p(.class("muted"), .text(L.t("共 \(officers.count) 名，兼任社区职务 \(withPost) 名（\(Rate.format(withPost, of: officers.count))）。",
                                          "\(officers.count) officers, \(withPost) with a concurrent community post (\(Rate.format(withPost, of: officers.count))))."))),
            officers.isEmpty ? .div(.class("empty"), .text(L.t("辖区内没有社区民警。", "No community officers in your jurisdiction.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("民警", "Officer"))), .th(.text(L.t("社区/村", "Community"))), .th(.text(L.t("派出所", "Station"))),
                                                   .th(.text(L.t("兼任社区职务", "Concurrent post"))), .th(.class("no-print"), .text("")))),
                         .element("tbody", rows)))
    }
}
