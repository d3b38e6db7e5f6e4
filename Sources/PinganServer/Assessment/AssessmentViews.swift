import Vapor
import PinganKit

enum AssessmentViews {
    static func tabs(_ req: Request, active: String) -> Node {
        let L = req.lang
        let items: [(String, String, String)] = [
            ("/assessment/publication", "派出所通报", "Station publication"), ("/assessment/year", "年终汇总", "Year end"), ("/assessment", "包片干部排位", "Cadre ladder"), ("/assessment/payouts", "奖励发放", "Payouts"),
            ("/assessment/index", "综合指数", "Safety index"), ("/assessment/perception", "安全感测评", "Perception"),
            ("/assessment/dual", "双重考核", "Dual assessment"), ("/assessment/letters", "责任书", "Letters"),
            ("/assessment/checks", "四查", "Inspections (四查)"), ("/assessment/cadres", "包片干部", "Cadres"),
            ("/assessment/indicators", "考核指标", "Indicators"), ("/assessment/rules", "考核规则", "Rules"),
        ]
        return .element("nav", [.class("tabs no-print")] + items.map { p, zh, en in .a(.href(p), active == p ? .class("active") : .empty, .text(L.t(zh, en))) })
    }

    static func level(_ L: Lang, _ l: LadderLevel) -> Node {
        let cls: String
        switch l {
        case .normal: cls = "badge"
        case .named: cls = "badge dispatched"
        case .rectification: cls = "badge prev"
        case .yellowCard, .notEligible: cls = "badge received"
        }
        return .span(.class(cls), .text(L.t(l.nameZh, l.nameEn)))
    }

    /// The change as the seeds write it, or "由0增至n" / "from 0 to n" for a rise from 0 (it has no percentage).
    static func changeText(_ L: Lang, _ current: Int, _ previous: Int) -> String {
        PercentChange.describe(current: current, previous: previous, chinese: !L.isEnglish)
    }

    /// The ranking rule in words (ties, rises from 0), said on the ladder page.
    static func rankingRule(_ L: Lang, _ fromZero: FromZeroRule, namedCount n: Int) -> String {
        let zh = "排名规则：按上升幅度（百分比）由大到小排名，幅度相同者并列同一名次（如 1、2、2、4），名次在前\(n)名以内的都通报，并列第\(n)名者一并通报；"
            + (fromZero == .afterPercentages ? "由0起上升的没有百分比，排在所有按百分比上升者之后，按增加起数由多到少排名（起数相同者并列），显示为“由0增至n”。"
                                              : "由0起上升的没有百分比，不参与排名、不因此通报（仍计为上升，整改期内上升照样黄牌警告），显示为“由0增至n”。")
        let en = "Ranking: by the size of the rise (percentage), largest first; equal rises share a rank (1, 2, 2, 4), and every cadre ranked \(n) or better is named, all of a tie at \(n) included. "
            + (fromZero == .afterPercentages ? "A rise from 0 has no percentage: it ranks after every percentage rise, by the increase (equal increases tie), and reads “from 0 to n”."
                                              : "A rise from 0 has no percentage and is not ranked or named for it (it still counts as rising, e.g. during rectification); it reads “from 0 to n”.")
        return L.t(zh, en)
    }

    static func monthFilter(_ req: Request, action: String, month: String) -> Node {
        .form(.method("get"), .action(action), .class("filters no-print"),
              .label(.text(req.t("月份", "Month")), Form.input("month", month, type: "month")), .button(.type("submit"), .text(req.t("查询", "Show"))))
    }

    static func toolbar(_ req: Request, _ title: String, csv: String?) -> Node {
        .div(.class("toolbar"), .h1(.text(title)),
             csv.map { .a(.class("btn secondary"), .href($0), .text(req.t("导出 CSV", "Export CSV"))) } ?? .empty,
             .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(req.t("打印", "Print"))))
    }

    static func ladder(_ req: Request, _ r: LadderReport, filterErrors: FieldErrors, canRun: Bool) -> Response {
        let L = req.lang
        let title = L.t("包片干部重点案件排位 \(r.month)", "Grid-cadre key-case ladder \(r.month)")
        let compare = r.compare == .sameMonthLastYear ? L.t("同比（去年同月）", "year on year (same month last year)") : L.t("环比（上月）", "month on month (previous month)")
        let rows: [Node] = r.rows.map { x in
            .tr(.td(.class("num"), .text(x.riseRank.map(String.init) ?? "")),
                .td(.a(.href("/assessment/cadres/\(x.cadreID)"), .text(x.name)), x.post.isEmpty ? .empty : .span(.class("small muted"), .text(" " + x.post))),
                .td(.text(x.station)), .td(.text(x.community + (x.grid.map { " · " + $0 } ?? ""))),
                .td(.class("num"), .text("\(x.previous)")), .td(.class("num"), .text("\(x.current)")),
                .td(.class("num"), x.current > x.previous ? .strong(.text(changeText(L, x.current, x.previous))) : .text(changeText(L, x.current, x.previous))),
                .td(x.named ? .span(.class("badge received"), .text(L.t("通报", "Named"))) : .empty),
                .td(level(L, x.level)),
                .td(.class("small"), .text((L.isEnglish ? x.reasonsEn : x.reasonsZh).joined(separator: "；"))),
                .td(.class("num"), .text(x.rewardTotal > 0 ? "\(x.rewardTotal)" : "")))
        }
        let runForm: Node = canRun
            ? .form(.method("post"), .action("/assessment/run"), .class("inline no-print"), Layout.csrfField(req),
                    .input(.type("hidden"), .name("month"), .value(r.month)),
                    .button(.type("submit"), .text(r.run ? L.t("重新计算本月", "Re-run this month") : L.t("计算本月排位", "Run this month"))))
            : .empty
        let named = r.rows.filter(\.named)
        return .page(req, title: title, status: filterErrors.isEmpty ? .ok : .unprocessableEntity,
            tabs(req, active: "/assessment"),
            toolbar(req, title, csv: "/assessment/export.csv?month=\(r.month)"),
            StaffingViews.alert(req, filterErrors),
            .div(.class("filters no-print"), monthFilter(req, action: "/assessment", month: r.month), runForm),
            .p(.class("small muted"), .text(L.t("依据：重点案件（可防性案件）\(compare)升降排位，上升幅度前三名通报；连续两次限期整改；连续三次或整改期内继续上升黄牌警告；黄牌后继续上升年终不评优。",
                                               "Key (preventable) cases \(compare); the top three risers are named; twice running → rectification; three times, or rising during rectification → yellow card; rising after a yellow card → not eligible for excellent."))),
            .p(.class("small muted"), .text(rankingRule(L, r.fromZero, namedCount: r.namedCount))),
            !r.run ? .div(.class("empty"), .text(L.t("本月尚未计算排位。", "This month has not been run yet.")))
            : rows.isEmpty ? .div(.class("empty"), .text(L.t("辖区内没有包片干部。", "No cadres in your jurisdiction.")))
            : .group([
                .p(.text(named.isEmpty
                    ? L.t("本月没有通报的干部；奖励合计 \(r.payoutTotal) 元。", "No cadre is named this month; rewards total ¥\(r.payoutTotal).")
                    : L.t("本月通报 \(named.count) 人：\(named.map(\.name).joined(separator: "、"))；奖励合计 \(r.payoutTotal) 元。",
                          "\(named.count) named this month: \(named.map(\.name).joined(separator: ", ")); rewards total ¥\(r.payoutTotal)."))),
                .table(.class("data"), .thead(.tr(.th(.class("num"), .text(L.t("上升排名", "Rise rank"))), .th(.text(L.t("包片干部", "Cadre"))),
                                                  .th(.text(L.t("派出所", "Station"))), .th(.text(L.t("片区", "Area"))),
                                                  .th(.class("num"), .text(L.t("对比期", "Before"))), .th(.class("num"), .text(L.t("本月", "Now"))),
                                                  .th(.class("num"), .text(L.t("升降", "Change"))), .th(.text(L.t("通报", "Named"))),
                                                  .th(.text(L.t("状态", "Standing"))), .th(.text(L.t("原因", "Why"))), .th(.class("num"), .text(L.t("奖励(元)", "Reward ¥"))))),
                       .element("tbody", rows))]))
    }

    static func payouts(_ req: Request, _ r: LadderReport, filterErrors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("包片干部奖励发放表 \(r.month)", "Cadre reward payouts \(r.month)")
        let paid = r.rows.filter { $0.rewardTotal > 0 }.sorted { ($0.station, $0.community, $0.name) < ($1.station, $1.community, $1.name) }
        let rows: [Node] = paid.map { x in
            .tr(.td(.text(x.name)), .td(.text(x.post)), .td(.text(x.station)), .td(.text(x.community)),
                .td(.class("num"), .text("\(x.rewardRecords)")), .td(.class("num"), .text("\(x.rewardDecrease)")),
                .td(.class("num"), .text(changeText(L, x.current, x.previous))), .td(.class("num"), .strong(.text("\(x.rewardTotal)"))))
        }
        return .page(req, title: title, status: filterErrors.isEmpty ? .ok : .unprocessableEntity,
            tabs(req, active: "/assessment/payouts"),
            toolbar(req, title, csv: "/assessment/payouts.csv?month=\(r.month)"),
            StaffingViews.alert(req, filterErrors),
            monthFilter(req, action: "/assessment/payouts", month: r.month),
            .p(.class("small muted"), .text(L.t("奖励办法：四查中档案齐全且对无人值班守候的院落楼栋落实值班的奖励300元；重点案件下降30%奖励150元，下降50%奖励270元，下降100%奖励300元（金额以考核规则为准）。",
                                               "Complete records with watch arranged for unwatched compounds: ¥300; key cases down 30% ¥150, 50% ¥270, 100% ¥300 (as set in the rules)."))),
            !r.run ? .div(.class("empty"), .text(L.t("本月尚未计算排位。", "This month has not been run yet.")))
            : rows.isEmpty ? .div(.class("empty"), .text(L.t("本月没有应发奖励。", "No rewards this month.")))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("包片干部", "Cadre"))), .th(.text(L.t("职务", "Post"))), .th(.text(L.t("派出所", "Station"))),
                                               .th(.text(L.t("社区", "Community"))), .th(.class("num"), .text(L.t("四查奖励", "Records"))),
                                               .th(.class("num"), .text(L.t("下降奖励", "Decrease"))), .th(.class("num"), .text(L.t("升降", "Change"))),
                                               .th(.class("num"), .text(L.t("合计(元)", "Total ¥"))))),
                     .element("tbody", rows),
                     .element("tfoot", [.tr(.th(.text(L.t("合计", "Total"))), .td(), .td(), .td(), .td(), .td(), .td(), .td(.class("num"), .strong(.text("\(r.payoutTotal)"))))])))
    }

    static func cadres(_ req: Request, _ list: [(cadre: Cadre, community: String, grid: String?, station: String)], latest: [Int: CadreMonth],
                       communities: [(id: Int, name: String)], input: CadreInput, errors: FieldErrors, canManage: Bool) -> Response {
        let L = req.lang
        let title = L.t("包片干部", "Grid cadres")
        let rows: [Node] = list.map { c in
            .tr(.td(.a(.href("/assessment/cadres/\(c.cadre.id!)"), .text(c.cadre.name))), .td(.text(c.cadre.post)), .td(.text(c.station)),
                .td(.text(c.community + (c.grid.map { " · " + $0 } ?? ""))),
                .td(latest[c.cadre.id!].map { .group([level(L, $0.level), .span(.class("small muted"), .text(" " + $0.month))]) } ?? .text("—")))
        }
        let form: Node = canManage
            ? .form(.method("post"), .action("/assessment/cadres"), .class("card no-print"), Layout.csrfField(req), .h2(.text(L.t("新增包片干部", "Add a cadre"))),
                    Form.errorSummary(req, errors),
                    .div(.class("form"),
                         Form.field(L.t("姓名", "Name"), "name", errors, Form.input("name", input.name, required: true)),
                         Form.field(L.t("职务", "Post"), "post", errors, Form.input("post", input.post)),
                         Form.field(L.t("包片社区", "Community"), "communityID", errors,
                                    Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose…"), required: true)),
                         Form.field(L.t("网格（可选，填网格ID）", "Grid (optional, grid ID)"), "gridID", errors, Form.input("gridID", input.gridID))),
                    .p(.button(.type("submit"), .text(L.t("保存", "Save")))))
            : .empty
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            tabs(req, active: "/assessment/cadres"),
            toolbar(req, title, csv: nil),
            rows.isEmpty ? .div(.class("empty"), .text(L.t("尚无包片干部。", "No cadres yet.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("姓名", "Name"))), .th(.text(L.t("职务", "Post"))), .th(.text(L.t("派出所", "Station"))),
                                                   .th(.text(L.t("片区", "Area"))), .th(.text(L.t("最近状态", "Latest standing"))))),
                         .element("tbody", rows)),
            form)
    }

    static func cadre(_ req: Request, _ c: Cadre, community: String, grid: String?, station: String, history: [CadreMonth], checks: [FourCheck]) -> Response {
        let L = req.lang
        let title = L.t("包片干部：\(c.name)", "Cadre: \(c.name)")
        let rows: [Node] = history.map { r in
            .tr(.td(.a(.href("/assessment?month=\(r.month)"), .text(r.month))), .td(.class("num"), .text("\(r.previous)")), .td(.class("num"), .text("\(r.current)")),
                .td(.class("num"), .text(changeText(L, r.current, r.previous))), .td(.class("num"), .text(r.riseRank.map(String.init) ?? "")),
                .td(r.levelBefore == r.level ? level(L, r.level) : .group([level(L, r.levelBefore), .text(" → "), level(L, r.level)])),
                .td(.class("small"), .text((L.isEnglish ? r.reasons.map(\.textEn) : r.reasons.map(\.textZh)).joined(separator: "；")
                                            + (r.rectificationUntil.map { L.t("（整改期至 \($0)）", " (rectification until \($0))") } ?? ""))),
                .td(.class("num"), .text(r.rewardTotal > 0 ? "\(r.rewardTotal)" : "")))
        }
        let checkRows: [Node] = checks.map { k in
            .tr(.td(.text(k.month)), .td(.text(k.inspectedOn)), .td(.class("num"), .text("\(k.total)")),
                .td(.text(k.recordsComplete ? L.t("齐全", "complete") : L.t("不全", "incomplete"))), .td(.text(k.watchArranged ? L.t("已落实", "arranged") : L.t("未落实", "not arranged"))),
                .td(.class("small"), .text(k.evidence)))
        }
        return .page(req, title: title,
            tabs(req, active: "/assessment/cadres"),
            toolbar(req, title, csv: nil),
            .p(.text([c.post, station, community + (grid.map { " · " + $0 } ?? "")].filter { !$0.isEmpty }.joined(separator: " · "))),
            .p(.text(L.t("当前状态：", "Standing: ")), history.first.map { level(L, $0.level) } ?? .text(L.t("尚未考核", "not assessed yet"))),
            .h2(.text(L.t("逐月记录", "Month by month"))),
            rows.isEmpty ? .div(.class("empty"), .text(L.t("尚无考核记录。", "No months assessed yet.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("月份", "Month"))), .th(.class("num"), .text(L.t("对比期", "Before"))), .th(.class("num"), .text(L.t("本月", "Now"))),
                                                   .th(.class("num"), .text(L.t("升降", "Change"))), .th(.class("num"), .text(L.t("上升排名", "Rise rank"))),
                                                   .th(.text(L.t("状态", "Standing"))), .th(.text(L.t("原因", "Why"))), .th(.class("num"), .text(L.t("奖励(元)", "Reward ¥"))))),
                         .element("tbody", rows)),
            .h2(.text(L.t("四查记录", "Inspections (四查)"))),
            checkRows.isEmpty ? .div(.class("empty"), .text(L.t("尚无四查记录。", "No inspections yet.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("月份", "Month"))), .th(.text(L.t("检查日期", "Date"))), .th(.class("num"), .text(L.t("得分", "Score"))),
                                                   .th(.text(L.t("档案", "Records"))), .th(.text(L.t("值班守候", "Watch"))), .th(.text(L.t("检查依据", "Evidence"))))),
                         .element("tbody", checkRows)))
    }

    static func checks(_ req: Request, month: YearMonth, list: [(check: FourCheck, cadre: String, community: String)],
                       cadres: [(cadre: Cadre, community: String, grid: String?, station: String)],
                       input: FourCheckInput, errors: FieldErrors, filterErrors: FieldErrors, canEdit: Bool) -> Response {
        let L = req.lang
        let title = L.t("四查记录 \(month)", "Inspections (四查) \(month)")
        let rows: [Node] = list.map { x in
            .tr(.td(.a(.href("/assessment/cadres/\(x.check.cadreID)"), .text(x.cadre))), .td(.text(x.community)), .td(.text(x.check.inspectedOn)),
                .td(.class("num"), .text("\(x.check.scorePlans)")), .td(.class("num"), .text("\(x.check.scoreStreet)")),
                .td(.class("num"), .text("\(x.check.scoreCompounds)")), .td(.class("num"), .text("\(x.check.scoreAccountability)")),
                .td(.class("num"), .strong(.text("\(x.check.total)"))),
                .td(.text(x.check.recordsComplete ? "✓" : "✗")), .td(.text(x.check.watchArranged ? "✓" : "✗")), .td(.class("small"), .text(x.check.evidence)))
        }
        func checkbox(_ name: String, _ value: String?, _ label: String) -> Node {
            .label(.input(.type("checkbox"), .name(name), .value("1"), ["1", "on", "true"].contains(value ?? "") ? .attr("checked", "checked") : .empty), .text(" " + label))
        }
        let form: Node = canEdit
            ? .form(.method("post"), .action("/assessment/checks"), .class("card no-print"), Layout.csrfField(req), .h2(.text(L.t("录入四查", "Record an inspection"))),
                    Form.errorSummary(req, errors),
                    .div(.class("form"),
                         Form.field(L.t("包片干部", "Cadre"), "cadreID", errors,
                                    Form.select("cadreID", cadres.map { ("\($0.cadre.id!)", $0.cadre.name + " · " + $0.community) }, selected: input.cadreID, blank: L.t("请选择", "Choose…"), required: true)),
                         Form.field(L.t("考核月份", "Month"), "month", errors, Form.input("month", input.month ?? month.description, type: "month", required: true)),
                         Form.field(L.t("检查日期", "Date"), "inspectedOn", errors, Form.input("inspectedOn", input.inspectedOn, type: "date")),
                         .group(FourCheckItems.items.map { item in
                             Form.field(L.t(item.zh, item.en) + "（0–\(FourCheckItems.maxScore)）", item.key, errors,
                                        Form.input(item.key, [ "scorePlans": input.scorePlans, "scoreStreet": input.scoreStreet, "scoreCompounds": input.scoreCompounds,
                                                               "scoreAccountability": input.scoreAccountability][item.key] ?? nil, type: "number", required: true))
                         }),
                         .div(checkbox("recordsComplete", input.recordsComplete, L.t("方案、工作记载、工作记录等档案齐全", "Plans, work records and logs complete"))),
                         .div(checkbox("watchArranged", input.watchArranged, L.t("对无人值班守候的院落、楼栋已落实值班或义务值班人员", "Watch arranged for compounds and buildings that had none"))),
                         Form.field(L.t("检查依据", "Evidence"), "evidence", errors, wide: true, Form.textarea("evidence", input.evidence))),
                    .p(.button(.type("submit"), .text(L.t("保存", "Save")))))
            : .empty
        return .page(req, title: title, status: errors.isEmpty && filterErrors.isEmpty ? .ok : .unprocessableEntity,
            tabs(req, active: "/assessment/checks"),
            toolbar(req, title, csv: nil),
            StaffingViews.alert(req, filterErrors),
            monthFilter(req, action: "/assessment/checks", month: month.description),
            rows.isEmpty ? .div(.class("empty"), .text(L.t("本月尚无四查记录。", "No inspections this month.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("包片干部", "Cadre"))), .th(.text(L.t("社区", "Community"))), .th(.text(L.t("日期", "Date"))),
                                                   .th(.class("num"), .text(L.t("一查", "1"))), .th(.class("num"), .text(L.t("二查", "2"))),
                                                   .th(.class("num"), .text(L.t("三查", "3"))), .th(.class("num"), .text(L.t("四查", "4"))),
                                                   .th(.class("num"), .text(L.t("总分", "Total"))), .th(.text(L.t("档案齐全", "Records"))),
                                                   .th(.text(L.t("落实值班", "Watch"))), .th(.text(L.t("依据", "Evidence"))))),
                         .element("tbody", rows)),
            form)
    }

    static func rules(_ req: Request, _ f: RulesForm, errors: FieldErrors, canEdit: Bool) -> Response {
        let L = req.lang
        let title = L.t("考核规则", "Assessment rules")
        func num(_ label: String, _ name: String, _ v: String?) -> Node { Form.field(label, name, errors, Form.input(name, v, type: "number", required: true)) }
        let body: Node = .div(.class("form"),
            num(L.t("每月通报上升前几名", "Named each month (top risers)"), "namedCount", f.namedCount),
            num(L.t("连续几次通报限期整改", "Consecutive months named → rectification"), "rectificationAfter", f.rectificationAfter),
            num(L.t("连续几次通报黄牌警告", "Consecutive months named → yellow card"), "yellowAfter", f.yellowAfter),
            num(L.t("整改期（月）", "Rectification period (months)"), "rectificationMonths", f.rectificationMonths),
            Form.field(L.t("由0起上升（无百分比）的排名", "Rises from 0 (no percentage) in the ranking"), "fromZero", errors,
                       hint: L.t("上升幅度相同者并列同一名次，并列第三名的都通报", "Equal rises share a rank; everyone tied at third is named"),
                       Form.select("fromZero", FromZeroRule.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: f.fromZero)),
            Form.field(L.t("每年重新考核", "Start each year clean"), "resetEachYear", errors,
                       Form.select("resetEachYear", [("1", L.t("是", "Yes")), ("0", L.t("否", "No"))], selected: f.resetEachYear)),
            Form.field(L.t("案件对比方式", "Compare key cases with"), "compare", errors,
                       Form.select("compare", [("same_month_last_year", L.t("同比（去年同月，种子文件做法）", "Same month last year (the seed's 同比)")),
                                               ("previous_month", L.t("环比（上月）", "Previous month"))], selected: f.compare)),
            num(L.t("四查档案齐全并落实值班奖励（元）", "Complete records + watch arranged (¥)"), "recordsAndWatchAmount", f.recordsAndWatchAmount),
            Form.field(L.t("下降奖励档次（降幅%:元）", "Decrease tiers (percent:¥)"), "decreaseTiers", errors, Form.input("decreaseTiers", f.decreaseTiers, required: true)),
            Form.field(L.t("重点案件类别代码（空=全部可防性案件）", "Key-case subcategory codes (empty = all preventable)"), "keySubcategories", errors,
                       Form.input("keySubcategories", f.keySubcategories)),
            num(L.t("综合指数权重：案件（%）", "Index weight: crime (%)"), "weightCrime", f.weightCrime),
            num(L.t("综合指数权重：破案（%）", "Index weight: clearance (%)"), "weightClearance", f.weightClearance),
            num(L.t("综合指数权重：安全感（%）", "Index weight: perception (%)"), "weightPerception", f.weightPerception),
            num(L.t("综合指数权重：热点巡逻投放（%）", "Index weight: patrol dosage in hot grids (%)"), "weightPatrol", f.weightPatrol),
            Form.field(L.t("安全感测评目标（年份:目标%）", "Safety-perception targets (year:target %)"), "perceptionTargets", errors,
                       hint: L.t("种子文件：2012年95%以上，2013年98%以上；未列出的年份沿用此前最近一年的目标。", "Seed 003: 95% or more in 2012, 98% or more in 2013; a year not listed keeps the latest earlier target."),
                       Form.input("perceptionTargets", f.perceptionTargets, required: true)),
            num(L.t("双重考核派出所权重（%）", "Dual assessment: station weight (%)"), "dualStationWeight", f.dualStationWeight))
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            tabs(req, active: "/assessment/rules"),
            toolbar(req, title, csv: nil),
            .p(.class("small muted"), .text(L.t("默认值即种子文件（2012年防控体系建设考核办法）的规定；JSON：GET/PUT /api/v1/assessment/rules。",
                                               "Defaults are the seed's rules; JSON: GET/PUT /api/v1/assessment/rules."))),
            canEdit ? .form(.method("post"), .action("/assessment/rules"), .class("card"), Layout.csrfField(req), Form.errorSummary(req, errors), body,
                            .p(.button(.type("submit"), .text(L.t("保存", "Save")))))
                    : .fieldset(.attr("disabled", "disabled"), body))
    }
}
