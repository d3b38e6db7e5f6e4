import Vapor
import PinganKit

/// Pages of the petition register (信访登记): the list, the form, one petition, and the statistics the district reports.
enum PetitionViews {
    static func statusBadge(_ L: Lang, _ s: PetitionStatus) -> Node {
        let cls: String
        switch s { case .registered: cls = "received"; case .handling: cls = "dispatched"; case .concluded: cls = "closed" }
        return .span(.class("badge \(cls)"), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func header(_ req: Request, active: String) -> Node { GovernanceViews.header(req, active: active) }

    static func options<T: CaseIterable & RawRepresentable>(_ L: Lang, _ t: T.Type, _ zh: (T) -> String, _ en: (T) -> String) -> [(String, String)] where T.RawValue == String {
        T.allCases.map { ($0.rawValue, L.t(zh($0), en($0))) }
    }

    // MARK: list

    static func list(_ req: Request, rows: [Petition], names: [Int: String], info: PageInfo, filter: PetitionFilter, errors: FieldErrors,
                     communities: [(id: Int, name: String)]) -> Response {
        let L = req.lang
        let filters: Node = .form(.method("get"), .action("/governance/petitions"), .class("filters"),
            .label(.text(L.t("状态", "Status")), Form.select("status", options(L, PetitionStatus.self, \.nameZh, \.nameEn), selected: filter.status?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("层级", "Level")), Form.select("level", options(L, PetitionLevel.self, \.nameZh, \.nameEn), selected: filter.level?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("形式", "Channel")), Form.select("channel", options(L, PetitionChannel.self, \.nameZh, \.nameEn), selected: filter.channel?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("类别", "Subject")), Form.select("subject", options(L, PetitionSubject.self, \.nameZh, \.nameEn), selected: filter.subject?.rawValue, blank: L.t("全部", "All"))),
            communities.count > 1 ? .label(.text(L.t("社区", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map(String.init), blank: L.t("全部", "All"))) : .empty,
            .label(.text(L.t("收到日期自", "Received from")), Form.input("from", filter.from?.description, type: "date")),
            .label(.text(L.t("至", "to")), Form.input("to", filter.to?.description, type: "date")),
            .label(.text(L.t("查找", "Search")), Form.input("q", filter.q, extra: .placeholder(L.t("事项、信访人、编号", "matter, petitioner, number")))),
            .label(.class("check"), .input(.type("checkbox"), .name("collective"), .value("1"), .checked(filter.collective)), .text(L.t("只看集体访", "Collective visits only"))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))), .a(.href("/governance/petitions"), .text(L.t("清除", "Clear"))))
        let problems: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"),
            .text(L.t("部分筛选条件无效，已忽略：", "Some filters were not understood and were ignored: ") + errors.fields.keys.sorted().joined(separator: ", ")))
        let table: Node = rows.isEmpty
            ? .div(.class("empty"), .text(filter.isEmpty
                ? L.t("还没有信访登记。来信来访后点“登记信访”记录，统计页会按层级计算批次和同比。", "No petitions registered yet. Register letters and visits as they come; the statistics page counts batches by level.")
                : L.t("没有符合条件的信访。", "No petition matches.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("编号", "No."))), .th(.text(L.t("收到日期", "Received"))), .th(.text(L.t("事项", "Matter"))),
                           .th(.class("hide-sm"), .text(L.t("社区", "Community"))), .th(.text(L.t("层级", "Level"))),
                           .th(.class("hide-sm num"), .text(L.t("人数", "People"))), .th(.text(L.t("状态", "Status"))))),
                .element("tbody", rows.map { p in
                    .tr(.td(.class("nowrap"), .a(.href("/governance/petitions/\(p.id!)"), .text(p.number))),
                        .td(.class("nowrap"), .text(p.receivedOn)),
                        .td(.text(String(p.summary.prefix(40)) + (p.summary.count > 40 ? "…" : "")),
                            .span(.class("small muted"), .text(" · " + L.t(p.subject.nameZh, p.subject.nameEn) + " · " + L.t(p.channel.nameZh, p.channel.nameEn))),
                            p.collective ? .span(.class("badge received"), .text(" " + L.t("集体访", "Collective"))) : .empty),
                        .td(.class("hide-sm"), .text(names[p.communityID] ?? "")),
                        .td(.class("nowrap"), .text(L.t(p.level.nameZh, p.level.nameEn))),
                        .td(.class("hide-sm num"), .text("\(p.people)")),
                        .td(statusBadge(L, p.status)))
                })))
        let csv = "/governance/petitions/export.csv" + (filter.isEmpty ? "" : "?" + filter.queryString)
        return .page(req, title: L.t("信访登记", "Petition register"),
            header(req, active: "/governance/petitions"), filters, problems,
            .div(.class("toolbar no-print"), .span(.class("muted"), .text(L.t("共 \(info.total) 批", "\(info.total) batches"))),
                 .a(.class("btn secondary"), .href(csv), .text(L.t("导出CSV", "Export CSV"))),
                 ((try? req.user.role.can(.editGovernance)) ?? false) ? .a(.class("btn"), .href("/governance/petitions/new"), .text(L.t("登记信访", "Register a petition"))) : .empty),
            table, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    static func csv(_ req: Request, rows: [Petition], names: [Int: String], disputeNumbers: [Int: String]) -> Response {
        let L = req.lang
        var w = CSVWriter(header: [L.t("编号", "No."), L.t("收到日期", "Received"), L.t("形式", "Channel"), L.t("层级", "Level"), L.t("类别", "Subject"),
                                   L.t("人数", "People"), L.t("集体访", "Collective"), L.t("信访人", "Petitioner"), L.t("社区", "Community"), L.t("信访事项", "Matter"),
                                   L.t("承办单位", "Handled by"), L.t("状态", "Status"), L.t("办结日期", "Concluded"), L.t("办理结果", "Result"), L.t("关联纠纷", "Dispute")])
        for p in rows {
            w.append([p.number, p.receivedOn, L.t(p.channel.nameZh, p.channel.nameEn), L.t(p.level.nameZh, p.level.nameEn), L.t(p.subject.nameZh, p.subject.nameEn),
                      "\(p.people)", p.collective ? L.t("是", "yes") : L.t("否", "no"), p.petitioner, names[p.communityID] ?? "", p.summary,
                      p.handlingUnit, L.t(p.status.nameZh, p.status.nameEn), p.concludedOn ?? "", p.result, p.disputeID.map { disputeNumbers[$0] ?? String($0) } ?? ""])
        }
        return CSVResponse.make(filename: "petitions.csv", writer: w)
    }

    // MARK: form

    static func form(_ req: Request, input i: PetitionInput, errors: FieldErrors, communities: [(id: Int, name: String)],
                     links: (disputes: [PetitionLinks.Choice], incidents: [PetitionLinks.Choice]), editing: Petition?) -> Response {
        let L = req.lang
        let action = editing.map { "/governance/petitions/\($0.id!)/edit" } ?? "/governance/petitions"
        let title = editing.map { L.t("修改信访 \($0.number)", "Edit petition \($0.number)") } ?? L.t("登记信访", "Register a petition")
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            editing == nil ? header(req, active: "/governance/petitions")
                : .div(.class("breadcrumb no-print"), .a(.href("/governance/petitions"), .text(L.t("信访登记", "Petition register"))), " › ",
                       .a(.href("/governance/petitions/\(editing!.id!)"), .text(editing!.number)), " › ", .text(L.t("修改", "Edit"))),
            .form(.method("post"), .action(action), .class("card"), Layout.csrfField(req),
                editing == nil ? .empty : .h1(.text(title)),
                Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("收到日期", "Date received"), "receivedOn", errors, Form.input("receivedOn", i.receivedOn, type: "date", required: true)),
                    Form.field(L.t("信访形式", "Channel"), "channel", errors, Form.select("channel", options(L, PetitionChannel.self, \.nameZh, \.nameEn), selected: i.channel, blank: L.t("请选择", "Choose"), required: true)),
                    Form.field(L.t("信访层级", "Level reached"), "level", errors, hint: L.t("信访到达的最高一级", "The highest office it reached"),
                               Form.select("level", options(L, PetitionLevel.self, \.nameZh, \.nameEn), selected: i.level, blank: L.t("请选择", "Choose"), required: true)),
                    Form.field(L.t("事项类别", "Subject"), "subject", errors, Form.select("subject", options(L, PetitionSubject.self, \.nameZh, \.nameEn), selected: i.subject, blank: L.t("请选择", "Choose"), required: true)),
                    Form.field(L.t("人数", "People"), "people", errors, hint: L.t("来访\(PetitionRules.collectiveThreshold)人及以上计为集体访", "A visit of \(PetitionRules.collectiveThreshold) or more people counts as collective"),
                               Form.input("people", i.people, type: "number", extra: .group([.attr("min", "1"), .attr("max", "\(PetitionRules.maxPeople)")]))),
                    Form.field(L.t("信访人（代表）", "Petitioner (representative)"), "petitioner", errors, Form.input("petitioner", i.petitioner, extra: .attr("maxlength", "50"))),
                    Form.field(L.t("所属社区", "Community"), "communityID", errors, hint: L.t("信访事项发生地", "Where the matter arises"),
                               Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: i.communityID, blank: L.t("请选择", "Choose"), required: true)),
                    Form.field(L.t("承办单位", "Handled by"), "handlingUnit", errors, hint: L.t("填写后状态为“办理中”", "Naming a unit puts it in hand"),
                               Form.input("handlingUnit", i.handlingUnit, extra: .attr("maxlength", "100"))),
                    Form.field(L.t("信访事项", "What the petition asks"), "summary", errors, wide: true, Form.textarea("summary", i.summary)),
                    Form.field(L.t("关联矛盾纠纷档案（选填）", "Dispute file (optional)"), "disputeID", errors, hint: L.t("档案编号，如 TJ2026-000123；可从近半年的档案中选择", "File number, e.g. TJ2026-000123; pick from the last six months' files"),
                               .group([Form.input("disputeID", i.disputeID, extra: .attr("list", "petition-disputes")), PetitionLinks.datalist("petition-disputes", links.disputes)])),
                    Form.field(L.t("关联警情编号（选填）", "Incident number (optional)"), "incidentID", errors, hint: L.t("警情编号，如 J20261203-000045；可从近半年的警情中选择", "Incident number, e.g. J20261203-000045; pick from the last six months' incidents"),
                               .group([Form.input("incidentID", i.incidentID, extra: .attr("list", "petition-incidents")), PetitionLinks.datalist("petition-incidents", links.incidents)]))),
                .p(.button(.type("submit"), .text(editing == nil ? L.t("登记", "Register") : L.t("保存", "Save"))), .text(" "),
                   .a(.href(editing.map { "/governance/petitions/\($0.id!)" } ?? "/governance/petitions"), .text(L.t("取消", "Cancel"))))))
    }

    // MARK: one petition

    static func detail(_ req: Request, _ p: Petition, community: String, dispute: Dispute?, incident: Incident?, author: String,
                       conclude: PetitionConcludeInput, errors: FieldErrors) -> Response {
        let L = req.lang, cal = req.localCalendar
        let canEdit = (try? req.user.role.can(.editGovernance)) ?? false
        let concludeForm: Node
        if p.status == .concluded || !canEdit { concludeForm = .empty }
        else {
            concludeForm = .form(.method("post"), .action("/governance/petitions/\(p.id!)/conclude"), .class("card no-print"), Layout.csrfField(req),
                .h2(.text(L.t("办结", "Conclude"))), Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("办结日期", "Day concluded"), "concludedOn", errors, Form.input("concludedOn", conclude.concludedOn ?? req.today, type: "date")),
                    Form.field(L.t("办理结果（答复信访人的内容）", "Result (what the petitioner was told)"), "result", errors, wide: true, Form.textarea("result", conclude.result))),
                .p(.button(.type("submit"), .text(L.t("办结", "Conclude")))))
        }
        return .page(req, title: p.number, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/petitions"), .text(L.t("信访登记", "Petition register"))), " › ", .text(p.number)),
            .div(.class("card"),
                .div(.class("toolbar"), .h1(.text(L.t("信访 ", "Petition ") + p.number)),
                     canEdit ? .a(.class("btn secondary no-print"), .href("/governance/petitions/\(p.id!)/edit"), .text(L.t("修改", "Edit"))) : .empty,
                     .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
                .p(statusBadge(L, p.status), p.collective ? .group([.text(" "), .span(.class("badge received collective"), .text(L.t("集体访", "Collective visit")))]) : .empty,
                   p.level.isAboveDistrict ? .group([.text(" "), .span(.class("badge prev"), .text(L.t("越级（区以上）", "Above the district")))]) : .empty),
                .dl(.class("kv"),
                    .dt(.text(L.t("收到日期", "Received"))), .dd(.text(p.receivedOn)),
                    .dt(.text(L.t("信访形式", "Channel"))), .dd(.text(L.t(p.channel.nameZh, p.channel.nameEn))),
                    .dt(.text(L.t("信访层级", "Level reached"))), .dd(.text(L.t(p.level.nameZh, p.level.nameEn))),
                    .dt(.text(L.t("事项类别", "Subject"))), .dd(.text(L.t(p.subject.nameZh, p.subject.nameEn))),
                    .dt(.text(L.t("人数", "People"))), .dd(.text("\(p.people)")),
                    .dt(.text(L.t("信访人（代表）", "Petitioner"))), .dd(.text(p.petitioner.isEmpty ? "—" : p.petitioner)),
                    .dt(.text(L.t("所属社区", "Community"))), .dd(.text(community)),
                    .dt(.text(L.t("承办单位", "Handled by"))), .dd(.text(p.handlingUnit.isEmpty ? L.t("未指定", "Not yet named") : p.handlingUnit)),
                    .dt(.text(L.t("关联纠纷", "Dispute file"))), .dd(dispute.map { d in .a(.href("/disputes/\(d.id!)"), .text(d.fileNumber(cal) + " · " + String(d.summary.prefix(30)))) } ?? .text("—")),
                    .dt(.text(L.t("关联警情", "Incident"))), .dd(incident.map { i in .a(.href("/incidents/\(i.id!)"), .text("#\(i.id!)")) } ?? .text("—")),
                    .dt(.text(L.t("登记人", "Registered by"))), .dd(.text(author + (p.createdAt.map { " · " + cal.formatDateTime($0) } ?? "")))),
                .h2(.text(L.t("信访事项", "What the petition asks"))), .div(.class("message-body"), .text(p.summary)),
                p.concludedOn.map { day in .group([
                    .h2(.text(L.t("办理结果", "Result"))),
                    .p(.class("muted"), .text(L.t("\(day) 办结", "Concluded on \(day)"))),
                    .div(.class("message-body"), .text(p.result))]) } ?? .empty),
            concludeForm)
    }

    // MARK: statistics

    /// Batches per level, this period against the same days last year, drawn as paired bars.
    static func chart(_ L: Lang, _ s: PetitionStats) -> Node {
        let rows = s.levels
        let maxValue = max(1, rows.map { max($0.batches, $0.lastYearBatches) }.max() ?? 1)
        let left = 96.0, width = 560.0, rowH = 34.0, top = 8.0
        let h = top + Double(rows.count) * rowH + 8
        func bar(_ v: Int, y: Double, fill: String) -> [Node] {
            let w = Double(v) / Double(maxValue) * (width - left - 48)
            return [.el("rect", [.attr("x", "\(Int(left))"), .attr("y", String(format: "%.0f", y)), .attr("width", String(format: "%.1f", max(w, v > 0 ? 2 : 0))), .attr("height", "12"), .attr("fill", fill)]),
                    .el("text", [.attr("x", String(format: "%.1f", left + w + 4)), .attr("y", String(format: "%.0f", y + 10)), .attr("font-size", "11"), .attr("fill", "#3e4c59"), .text("\(v)")])]
        }
        var parts: [Node] = []
        for (i, r) in rows.enumerated() {
            let y = top + Double(i) * rowH
            parts.append(.el("text", [.attr("x", "0"), .attr("y", String(format: "%.0f", y + 16)), .attr("font-size", "12"), .attr("fill", "#1f2933"), .text(L.t(r.level.nameZh, r.level.nameEn))]))
            parts += bar(r.batches, y: y, fill: "#1d4e89")
            parts += bar(r.lastYearBatches, y: y + 14, fill: "#9aa5b1")
        }
        let svg: Node = .el("svg", [.attr("viewBox", "0 0 \(Int(width)) \(Int(h))"), .class("chart"), .attr("role", "img"),
                                    .attr("aria-label", L.t("各层级信访批次与去年同期对比", "Batches by level against the same period last year")),
                                    .attr("xmlns", "http://www.w3.org/2000/svg"), .group(parts)])
        let legend: Node = .ul(.class("map-legend"),
            .li(.el("svg", [.attr("viewBox", "0 0 12 12"), .class("swatch"), .el("rect", [.attr("width", "12"), .attr("height", "12"), .attr("fill", "#1d4e89")])]), .text(L.t("本期", "This period"))),
            .li(.el("svg", [.attr("viewBox", "0 0 12 12"), .class("swatch"), .el("rect", [.attr("width", "12"), .attr("height", "12"), .attr("fill", "#9aa5b1")])]), .text(L.t("去年同期", "Same period last year"))))
        return .group([svg, legend])
    }

    static func stats(_ req: Request, _ st: PetitionService.Stats, period: PetitionService.StatsPeriod, errors: FieldErrors) -> Response {
        let L = req.lang
        let s = st.petitions, p = st.prevented
        let filters: Node = .form(.method("get"), .action("/governance/petitions/stats"), .class("filters no-print"),
            .label(.class(errors["from"] != nil ? "has-error" : ""), .text(L.t("自", "From")), Form.input("from", period.from.description, type: "date")),
            .label(.class(errors["to"] != nil ? "has-error" : ""), .text(L.t("至", "To")), Form.input("to", period.to.description, type: "date")),
            .button(.type("submit"), .text(L.t("统计", "Count"))),
            .button(.type("button"), .class("btn secondary"), .attr("data-print", "1"), .text(L.t("打印", "Print"))))
        let problems: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"), .text(errors.fields.keys.sorted().compactMap { errors[$0] }.joined(separator: "；")))
        func link(_ level: PetitionLevel?, collective: Bool = false, lastYear: Bool = false) -> String {
            var q = lastYear ? "from=\(s.lastYearFrom)&to=\(s.lastYearTo)" : "from=\(s.from)&to=\(s.to)"
            if let level { q += "&level=\(level.rawValue)" }
            if collective { q += "&collective=1" }
            return "/governance/petitions?" + q
        }
        let table: Node = .div(.class("scroll"), .table(.class("data"),
            .thead(.tr(.th(.text(L.t("层级", "Level"))), .th(.class("num"), .text(L.t("批次", "Batches"))), .th(.class("num"), .text(L.t("人次", "People"))),
                       .th(.class("num"), .text(L.t("去年同期批次", "Last year"))), .th(.class("num"), .text(L.t("同比", "Change"))),
                       .th(.class("num"), .text(L.t("集体访批次", "Collective"))), .th(.class("num hide-sm"), .text(L.t("集体访人次", "Collective people"))),
                       .th(.class("num hide-sm"), .text(L.t("去年同期集体访", "Collective last year"))), .th(.class("num"), .text(L.t("集体访同比", "Collective change"))))),
            .element("tbody", s.levels.map { r in
                .tr(.td(.text(L.t(r.level.nameZh, r.level.nameEn))),
                    .td(.class("num"), .a(.href(link(r.level)), .text("\(r.batches)"))), .td(.class("num"), .text("\(r.people)")),
                    .td(.class("num"), .a(.href(link(r.level, lastYear: true)), .text("\(r.lastYearBatches)"))), .td(.class("num"), .text(r.batchesChange)),
                    .td(.class("num"), .a(.href(link(r.level, collective: true)), .text("\(r.collectiveBatches)"))), .td(.class("num hide-sm"), .text("\(r.collectivePeople)")),
                    .td(.class("num hide-sm"), .text("\(r.lastYearCollectiveBatches)")), .td(.class("num"), .text(r.collectiveChange)))
            } + [.tr(.class("total"), .td(.strong(.text(L.t("合计", "Total")))),
                     .td(.class("num"), .a(.href(link(nil)), .text("\(s.total.batches)"))), .td(.class("num"), .text("\(s.total.people)")),
                     .td(.class("num"), .text("\(s.total.lastYearBatches)")), .td(.class("num"), .text(s.total.batchesChange)),
                     .td(.class("num"), .a(.href(link(nil, collective: true)), .text("\(s.total.collectiveBatches)"))), .td(.class("num hide-sm"), .text("\(s.total.collectivePeople)")),
                     .td(.class("num hide-sm"), .text("\(s.total.lastYearCollectiveBatches)")), .td(.class("num"), .text(s.total.collectiveChange)))])))
        return .page(req, title: L.t("信访统计", "Petition statistics"),
            header(req, active: "/governance/petitions/stats"), filters, problems,
            .div(.class("card"),
                .h2(.text(L.t("\(s.from) 至 \(s.to)（去年同期 \(s.lastYearFrom) 至 \(s.lastYearTo)）", "\(s.from) to \(s.to) (a year earlier: \(s.lastYearFrom) to \(s.lastYearTo))"))),
                .p(.strong(.text(st.sentence))),
                .p(.strong(.text(st.preventedSentence))),
                .div(.class("stats"),
                    .div(.class("stat"), .div(.class("num"), .text("\(s.total.batches)")), .div(.class("lbl"), .text(L.t("信访总批次", "Batches in all")))),
                    .div(.class("stat"), .div(.class("num"), .text(s.total.batchesChange)), .div(.class("lbl"), .text(L.t("总批次同比", "Change on last year")))),
                    .div(.class("stat"), .div(.class("num"), .text("\(p.escalations)")), .div(.class("lbl"), .text(L.t("防止矛盾激化（件）", "Escalations prevented")))),
                    .div(.class("stat"), .div(.class("num"), .text("\(p.massPetitions)")), .div(.class("lbl"), .text(L.t("防止群体性上访（件）", "Mass petitions prevented")))))),
            .h2(.text(L.t("各层级批次", "Batches by level"))), chart(L, s), table,
            .div(.class("card small muted"),
                .h2(.text(L.t("口径说明", "How these are counted"))),
                .ul(
                    .li(.text(L.t("一条登记为一个批次；层级为该信访到达的最高一级。", "Each registered petition is one batch; its level is the highest office it reached."))),
                    .li(.text(L.t("集体访：\(PetitionRules.collectiveThreshold)人及以上的来访（《信访条例》第十八条：多人走访应推选不超过5名代表）。",
                                  "Collective visit: a visit by \(PetitionRules.collectiveThreshold) or more people (Regulations on Letters and Visits, art. 18: a group sends at most five representatives)."))),
                    .li(.text(L.t("同比：与去年同一日期区间相比；去年为0时不计算百分比。", "Change: against the same days a year earlier; none when last year had none."))),
                    .li(.text(L.t("防止矛盾激化：本期以调解协议结案、登记时标有“可能引发群体性械斗”或“民转刑风险”、且其后没有关联刑事警情的纠纷档案；人数为档案的涉及人数。",
                                  "Escalation prevented: a dispute file flagged for a group fight or for turning criminal, settled by agreement in the period, with no criminal incident linked since; people are the file's people involved."))),
                    .li(.text(L.t("防止群体性上访：本期以调解协议结案、登记时标有“可能引发群体性上访”、且没有关联集体访登记的纠纷档案。",
                                  "Mass petition prevented: a dispute file flagged for a mass petition, settled by agreement in the period, with no collective petition registered against it."))))))
    }
}
