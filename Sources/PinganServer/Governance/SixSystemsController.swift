import Fluent
import Vapor
import PinganKit

/// 六大体系 (seed 004) under `/governance/systems` and `/api/v1/governance/systems`: each system's few headline figures
/// from the modules that hold them, for the user's jurisdiction, from 1 January (or `from`) to today (or `to`), each
/// linked to its module — the report a district presents to its people's congress, printable.
struct SixSystemsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("governance", "systems", use: page)
        routes.get("api", "v1", "governance", "systems", use: api)
    }

    struct Figure: Content { var label: String; var value: String; var note: String?; var link: String? }
    struct Card: Content { var system: SafetySystem; var name: String; var figures: [Figure]; var untracked: String? }
    struct Report: Content { var from: String; var to: String; var cards: [Card] }

    static func build(_ req: Request, from: LocalDay, to: LocalDay) async throws -> Report {
        try req.require(.viewGovernance)
        let L = req.lang, cal = req.localCalendar, role = try req.user.role
        func instant(_ d: LocalDay) -> Date { cal.date(year: d.components.year, month: d.components.month, day: d.components.day) }
        let start = instant(from), end = instant(to.adding(days: 1))
        let lyStart = instant(from.sameDayLastYear), lyEnd = instant(to.sameDayLastYear.adding(days: 1))
        var cards: [Card] = []

        // 矛盾联合化解: files mediated to a conclusion and their success; escalations prevented; petitions.
        var conflict: [Figure] = []
        if role.can(.viewDisputes) {
            // Counted in the database: a district's year of files is not loaded to be counted.
            let files = try await req.scoped(Dispute.self).filter(\.$registeredAt >= start).filter(\.$registeredAt < end)
            let agreed = try await files.copy().filter(\.$status ~~ [.closed, .followedUp]).filter(\.$outcome == .agreement).count()
            let failed = try await files.copy().filter(\.$status ~~ [.closed, .followedUp]).filter(\.$outcome == .failed).count()
            let referred = try await files.copy().filter(\.$status == .referred).count()
            let handled = agreed + failed + referred
            conflict.append(Figure(label: L.t("调处纠纷 / 调解成功", "Files handled / settled"), value: "\(handled) / \(agreed)", note: L.t("成功率 ", "success rate ") + Rate.format(agreed, of: handled),
                                   link: "/disputes/stats?from=\(from)&to=\(to)"))
        }
        let petitions = try await PetitionService.stats(req, from: from, to: to)
        conflict.append(Figure(label: L.t("防止矛盾激化", "Escalations prevented"), value: L.t("\(petitions.prevented.escalations) 件", "\(petitions.prevented.escalations)"),
                               note: L.t("涉及 \(petitions.prevented.escalationPeople) 人", "\(petitions.prevented.escalationPeople) people"), link: "/governance/petitions/stats?from=\(from)&to=\(to)"))
        conflict.append(Figure(label: L.t("防止群体性上访", "Mass petitions prevented"), value: L.t("\(petitions.prevented.massPetitions) 件", "\(petitions.prevented.massPetitions)"),
                               note: L.t("涉及 \(petitions.prevented.massPetitionPeople) 人", "\(petitions.prevented.massPetitionPeople) people"), link: "/governance/petitions/stats?from=\(from)&to=\(to)"))
        let district = petitions.petitions.row(.district)
        conflict.append(Figure(label: L.t("到区信访批次", "Batches to the district"), value: "\(district.batches)",
                               note: L.t("同比 ", "on a year earlier ") + PercentChange.describe(current: district.batches, previous: district.lastYearBatches, chinese: !L.isEnglish),
                               link: "/governance/petitions?level=district&from=\(from)&to=\(to)"))
        cards.append(Card(system: .conflictResolution, name: L.t(SafetySystem.conflictResolution.nameZh, SafetySystem.conflictResolution.nameEn), figures: conflict, untracked: nil))

        // 治安综合防控: preventable cases and their change, clearance, technical prevention.
        var security: [Figure] = []
        if role.can(.viewIncidents) {
            let now = try await req.scoped(Incident.self).filter(\.$preventable == true).filter(\.$occurredAt >= start).filter(\.$occurredAt < end).count()
            let before = try await req.scoped(Incident.self).filter(\.$preventable == true).filter(\.$occurredAt >= lyStart).filter(\.$occurredAt < lyEnd).count()
            let filed = try await req.scoped(Incident.self).filter(\.$occurredAt >= start).filter(\.$occurredAt < end).filter(\.$filedAt != nil).count()
            let solved = try await req.scoped(Incident.self).filter(\.$occurredAt >= start).filter(\.$occurredAt < end).filter(\.$solvedAt != nil).count()
            security.append(Figure(label: L.t("可防性案件", "Preventable cases"), value: "\(now)",
                                   note: L.t("同比 ", "on a year earlier ") + PercentChange.describe(current: now, previous: before, chinese: !L.isEnglish), link: "/analysis"))
            security.append(Figure(label: L.t("立案 / 破案", "Cases filed / solved"), value: "\(filed) / \(solved)", note: L.t("破案率 ", "clearance ") + Rate.format(solved, of: filed), link: "/incidents"))
        }
        let coverage = try await CoverageController.compute(req)
        security.append(Figure(label: L.t("小区科技创安覆盖率", "Compounds with technical prevention"), value: coverage.now.total.compoundRate,
                               note: L.t("\(coverage.now.total.compoundsCovered)/\(coverage.now.total.compounds) 个小区", "\(coverage.now.total.compoundsCovered) of \(coverage.now.total.compounds)"), link: "/governance/coverage"))
        // 联合执法: places put right and closed in the period, the seed's 「完成市里挂帐…处和帐外…处」.
        let campaignIDs = try await CampaignService.visibleCampaignIDs(req)
        let closedPlaces = try await req.scoped(CampaignTarget.self).filter(\.$campaignID ~~ campaignIDs).filter(\.$status == .closed)
            .filter(\.$closedOn >= from.description).filter(\.$closedOn <= to.description)
        let listedClosed = try await closedPlaces.copy().filter(\.$ledger == .listed).count()
        let localClosed = try await closedPlaces.copy().filter(\.$ledger == .local).count()
        security.append(Figure(label: L.t("联合执法整治销帐", "Places closed by joint enforcement"), value: "\(listedClosed + localClosed)",
                               note: L.t("挂帐 \(listedClosed) 处、帐外 \(localClosed) 处", "\(listedClosed) listed, \(localClosed) found locally"), link: "/governance/campaigns"))
        cards.append(Card(system: .securityPrevention, name: L.t(SafetySystem.securityPrevention.nameZh, SafetySystem.securityPrevention.nameEn), figures: security, untracked: nil))

        // 城市科学管理: grid events handled on time and closed.
        var urban: [Figure] = []
        if role.can(.viewGridEvents) {
            // `OnTime.count`'s rule, counted in the database (a district dispatches ~1,000 events a day).
            let events = try await GridEventService.visible(req).filter(\.$dispatchedAt >= start).filter(\.$dispatchedAt < end)
            let dispatched = try await events.copy().count()
            // Counted as "dispatched but not closed" taken away: SQLite would answer `status = closed` from the status
            // index with a table lookup per event (0.3 s a year at district scale), `<>` from the dispatch index alone.
            let closed = dispatched - (try await events.copy().filter(\.$status != .closed).count())
            let onTime = try await events.copy().filter(\.$deadline != nil).filter(\.$handledAt, .lessThanOrEqual, \.$deadline).count()
            let due = try await events.copy().filter(\.$deadline != nil).group(.or) { $0.filter(\.$handledAt != nil).filter(\.$deadline < Date()) }.count()
            let t = (onTime: onTime, due: due)
            urban.append(Figure(label: L.t("派遣网格事件", "Grid events dispatched"), value: "\(dispatched)", note: L.t("结案 \(closed) 件", "\(closed) closed"), link: "/events/evaluation"))
            urban.append(Figure(label: L.t("按期处置率", "Handled on time"), value: Rate.format(t.onTime, of: t.due), note: L.t("\(t.onTime)/\(t.due) 件到期事件", "\(t.onTime) of \(t.due) due"), link: "/events/evaluation"))
        }
        cards.append(Card(system: .urbanManagement, name: L.t(SafetySystem.urbanManagement.nameZh, SafetySystem.urbanManagement.nameEn), figures: urban,
                          untracked: urban.isEmpty ? L.t("您的角色看不到网格事件。", "Your role does not see grid events.") : nil))

        cards.append(Card(system: .socialAssistance, name: L.t(SafetySystem.socialAssistance.nameZh, SafetySystem.socialAssistance.nameEn), figures: [],
                          untracked: L.t("低保、救助等数据在民政部门的系统中，平台不记录。", "Relief and assistance are recorded in the civil-affairs system, not in Pingan.")))
        // 城市应急管理: plans in force (the general plan and the special ones), drills held in the period, overdue plans.
        let plans = try await EmergencyPlanService.rows(req, EmergencyPlanFilter())
        let inForce = plans.filter { $0.plan.status == .approved }
        let drillsHeld = try await EmergencyDrill.query(on: req.db).filter(\.$familyID ~~ plans.map(\.plan.familyID))
            .filter(\.$heldOn >= from.description).filter(\.$heldOn <= to.description).count()
        let overduePlans = inForce.filter { !$0.due.isEmpty }.count
        let generalInForce = inForce.contains { $0.plan.kind == .general }
        cards.append(Card(system: .emergencyManagement, name: L.t(SafetySystem.emergencyManagement.nameZh, SafetySystem.emergencyManagement.nameEn), figures: [
            Figure(label: L.t("现行专项应急预案", "Special plans in force"), value: L.t("\(inForce.filter { $0.plan.kind == .special }.count) 个", "\(inForce.filter { $0.plan.kind == .special }.count)"),
                   note: generalInForce ? L.t("总体应急方案已批准", "general plan approved") : L.t("总体应急方案尚未批准", "no general plan approved"), link: "/governance/plans"),
            Figure(label: L.t("应急演练", "Drills held"), value: L.t("\(drillsHeld) 次", "\(drillsHeld)"), note: nil, link: "/governance/plans"),
            Figure(label: L.t("复审或演练逾期的预案", "Plans overdue for review or a drill"), value: L.t("\(overduePlans) 个", "\(overduePlans)"), note: nil, link: "/governance/plans?due=1"),
        ], untracked: nil))

        // 安全稳定保证: joint meetings and their decisions; integrated offices.
        let areas = try await MeetingService.visibleAreas(req)
        let mq = Meeting.query(on: req.db).filter(\.$heldOn >= from.description).filter(\.$heldOn <= to.description)
        if let areas { mq.filter(\.$areaDivisionID ~~ areas) }
        let meetings = try await mq.all()
        let actions = try await MeetingService.actions(req.db, meetings: meetings.compactMap(\.id))
        let today = req.today
        let dueActions = actions.filter { $0.dueOn < today || $0.doneOn != nil }
        let onTime = dueActions.filter { ($0.doneOn ?? "9999") <= $0.dueOn }.count
        var stability = [Figure(label: L.t("形势分析会 / 联席会议", "Joint meetings"), value: "\(meetings.count)", note: L.t("决定事项 \(actions.count) 项", "\(actions.count) decisions"), link: "/governance/meetings"),
                         Figure(label: L.t("决定事项按期落实率", "Decisions done on time"), value: Rate.format(onTime, of: dueActions.count), note: L.t("\(onTime)/\(dueActions.count) 项到期事项", "\(onTime) of \(dueActions.count) due"), link: "/governance/actions")]
        let offices = try await OfficeService.overview(req)
        stability.append(Figure(label: L.t("合署办公社区", "Communities with an integrated office"), value: "\(offices.filter(\.established).count)/\(offices.count)",
                                note: L.t("六个一体化全部落实 \(offices.filter { $0.inPlace == Integration.allCases.count }.count) 个", "\(offices.filter { $0.inPlace == Integration.allCases.count }.count) with all six in place"), link: "/governance/offices"))
        cards.append(Card(system: .stabilityAssurance, name: L.t(SafetySystem.stabilityAssurance.nameZh, SafetySystem.stabilityAssurance.nameEn), figures: stability, untracked: nil))
        return Report(from: from.description, to: to.description, cards: cards)
    }

    @Sendable func api(req: Request) async throws -> Report {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let period = PetitionService.StatsPeriod(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await Self.build(req, from: period.from, to: period.to)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        let L = req.lang
        var errors = FieldErrors()
        let period = PetitionService.StatsPeriod(req, errors: &errors)
        let r = try await Self.build(req, from: period.from, to: period.to)
        let filters: Node = .form(.method("get"), .action("/governance/systems"), .class("filters no-print"),
            .label(.text(L.t("自", "From")), Form.input("from", r.from, type: "date")), .label(.text(L.t("至", "To")), Form.input("to", r.to, type: "date")),
            .button(.type("submit"), .text(L.t("统计", "Count"))),
            .button(.type("button"), .class("btn secondary"), .attr("data-print", "1"), .text(L.t("打印", "Print"))))
        let problems: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"), .text(errors.fields.keys.sorted().compactMap { errors[$0] }.joined(separator: "；")))
        return .page(req, title: L.t("六大体系", "Six systems"),
            GovernanceViews.header(req, active: "/governance/systems"), filters, problems,
            .p(.class("muted"), .text(L.t("\(r.from) 至 \(r.to)，您辖区内的数据；同比为去年同一日期区间。", "\(r.from) to \(r.to), your jurisdiction; changes are against the same days a year earlier."))),
            .div(.class("systems"), .forEach(r.cards) { c in
                .div(.class("card"), .h2(.text(c.name)),
                     c.untracked.map { .p(.class("muted"), .text($0)) } ?? .empty,
                     .dl(.class("kv"), .forEach(c.figures) { f in
                        .group([.dt(.text(f.label)), .dd(f.link.map { .a(.href($0), .strong(.text(f.value))) } ?? .strong(.text(f.value)),
                                                          f.note.map { .span(.class("small muted"), .text("　" + $0)) } ?? .empty)])
                     }))
            }))
    }
}
