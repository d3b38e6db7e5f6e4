import Fluent
import Vapor
import PinganKit

/// One counted figure of a desk and the filtered list that shows exactly those records.
struct DeskFigure: Content {
    var key: String
    var label: String
    var count: Int
    var link: String
    /// "warn" when the figure needs attention now (overdue, rule at risk), else nil.
    var tone: String?
    var note: String?
}

/// A short list on a desk (files with days left, tonight's roster, overdue work per officer, the ranking).
struct DeskRow: Content {
    var label: String
    var detail: String
    var link: String
    var tone: String?
}

struct DeskSection: Content {
    var key: String
    var title: String
    var figures: [DeskFigure]
    var rows: [DeskRow]
    /// What to do when the section has nothing to show.
    var empty: String?
}

/// The signed-in person's own work (工作台, issue 21 §1).
struct Desk: Content {
    var role: Role
    var roleName: String
    var today: String
    var sections: [DeskSection]
    /// This month's incident overview (the former dashboard) is shown below for roles that read it.
    var showsOverview: Bool
}

/// Builds each role's desk. Every figure is counted with the same filter its link's list applies, so the number on the
/// desk is the number of rows the list shows (DeskTests check both sides).
enum DeskService {
    static func build(_ req: Request) async throws -> Desk {
        let user = try req.user, L = req.lang
        let today = WorkLogService.today(req)
        var sections: [DeskSection] = []
        switch user.role {
        case .communityOfficer:
            sections.append(try await portal(req, mine: false))
            sections.append(try await incidents(req))
            sections.append(try await presence(req, today: today))
            sections.append(try await registry(req))
            sections.append(try await inspections(req))
            sections.append(try await alerts(req))
            sections.append(try await governance(req))
            sections.append(try await inbox(req))
        case .mediator:
            sections.append(try await disputes(req, today: today))
            sections.append(try await inbox(req))
        case .stationChief:
            sections.append(try await alerts(req))
            sections.append(try await overdueWork(req))
            sections.append(try await ranking(req, own: true))
            sections.append(try await governance(req))
            sections.append(try await inbox(req))
        case .districtCommand:
            sections.append(try await alerts(req))
            sections.append(try await centreQueues(req))
            sections.append(try await ranking(req, own: false))
            sections.append(try await governance(req))
            sections.append(try await inbox(req))
        case .gridWorker:
            sections.append(try await gridEvents(req))
            sections.append(try await inbox(req))
        case .teamLeader:
            sections.append(try await roster(req, today: today))
            sections.append(try await inbox(req))
        case .unitStaff:
            sections.append(try await unitQueues(req))
            sections.append(try await inbox(req))
        case .admin, .analyst:
            sections.append(try await alerts(req))
            sections.append(try await inbox(req))
        }
        let overview = user.role.can(.viewIncidents) && [.districtCommand, .stationChief, .analyst, .admin].contains(user.role)
        return Desk(role: user.role, roleName: L.t(user.role.nameZh, user.role.nameEn), today: today.description, sections: sections, showsOverview: overview)
    }

    private static func fig(_ req: Request, _ key: String, _ zh: String, _ en: String, _ n: Int, _ link: String, warn: Bool = false, note: String? = nil) -> DeskFigure {
        DeskFigure(key: key, label: req.lang.t(zh, en), count: n, link: link, tone: warn && n > 0 ? "warn" : nil, note: note)
    }

    // MARK: community officer

    static func portal(_ req: Request, mine: Bool) async throws -> DeskSection {
        let L = req.lang
        var new = PortalFilter(); new.status = .open
        var late = PortalFilter(); late.overdue = true
        return DeskSection(key: "portal", title: L.t("群众诉求", "Residents' requests"), figures: [
            fig(req, "portal.new", "新诉求（待受理）", "New (not yet accepted)", try await new.query(req).count(), "/portal?status=open"),
            fig(req, "portal.overdue", "超时未答复", "Overdue for a first answer", try await late.query(req).count(), "/portal?overdue=1", warn: true),
        ], rows: [], empty: nil)
    }

    static func incidents(_ req: Request) async throws -> DeskSection {
        let L = req.lang
        let received = try await req.scoped(Incident.self).filter(\.$status == .received).count()
        let dispatched = try await req.scoped(Incident.self).filter(\.$status == .dispatched).count()
        return DeskSection(key: "incidents", title: L.t("警情", "Incidents"), figures: [
            fig(req, "incidents.received", "待派警", "To dispatch", received, "/incidents?status=received", warn: true),
            fig(req, "incidents.dispatched", "处置中", "Being handled", dispatched, "/incidents?status=dispatched"),
        ], rows: [], empty: nil)
    }

    static func presence(_ req: Request, today: LocalDay) async throws -> DeskSection {
        let L = req.lang, me = try req.user
        let week = today.isoWeek
        let required = PresenceRules().minimumDaysPerWeek
        let rows = try await req.scoped(WorkLog.self).filter(\.$officerID == me.requireID())
            .filter(\.$day >= week.monday.description).filter(\.$day <= week.sunday.description).all()
        // A day counts when the work was in the officer's own community (as on the presence page).
        let own = rows.filter { $0.communityID != nil && $0.communityID == me.scopeDivisionID }
        let days = Set(own.map(\.day))
        let standing = DeskRules.presence(daysPresent: days.count, required: required, today: today, loggedToday: days.contains(today.description))
        let note: String = switch standing {
        case .met: L.t("本周已达标", "Met for this week")
        case .onTrack: L.t("还需\(required - days.count)天", "\(required - days.count) more day(s) needed")
        case .atRisk: L.t("余下每天都须在岗", "Every remaining day is needed")
        case .missed: L.t("本周已无法达标", "Can no longer be met this week")
        }
        var f = fig(req, "presence.days", "本周在岗天数（要求≥\(required)天）", "Days present this week (rule: ≥ \(required))", days.count,
                    "/forces/presence?from=\(week.monday)&to=\(week.sunday)", note: note)
        if standing == .atRisk || standing == .missed { f.tone = "warn" }
        let log = fig(req, "worklog.week", "本周工作纪实", "Work-log entries this week", rows.count,
                      "/forces/worklog?officer=\(try me.requireID())&from=\(week.monday)&to=\(week.sunday)")
        return DeskSection(key: "presence", title: L.t("驻社区在岗", "Presence in the community"), figures: [f, log], rows: [],
                           empty: rows.isEmpty ? L.t("本周还没有工作纪实：在“警力警务 → 工作纪实”里记下今天的工作。", "No work logged this week: record today's work under Forces → Work log.") : nil)
    }

    static let expiringDays = 30

    static func registry(_ req: Request) async throws -> DeskSection {
        let L = req.lang
        let limit = req.localCalendar.formatDate(Date().addingTimeInterval(Double(expiringDays) * 86400))
        let n = try await req.scoped(Person.self).filter(\.$category == .temporary).filter(\.$residenceExpiresOn <= limit).count()
        return DeskSection(key: "registry", title: L.t("实有人口", "People"), figures: [
            fig(req, "people.expiring", "暂住登记\(expiringDays)天内到期（含已过期）", "Temporary registrations expiring within \(expiringDays) days (or expired)", n,
                "/people?expiring=\(expiringDays)", warn: true),
        ], rows: [], empty: nil)
    }

    static func inspections(_ req: Request) async throws -> DeskSection {
        let L = req.lang, today = WorkLogService.today(req)
        let open = try await InspectionFilter(status: .open).query(req, today: today).count()
        let overdue = try await InspectionFilter(status: .overdue).query(req, today: today).count()
        return DeskSection(key: "inspections", title: L.t("检查整改", "Inspections"), figures: [
            fig(req, "inspections.open", "整改中", "Rectification open", open, "/forces/inspections?status=open"),
            fig(req, "inspections.overdue", "逾期未整改", "Rectification overdue", overdue, "/forces/inspections?status=overdue", warn: true),
        ], rows: [], empty: nil)
    }

    // MARK: everyone with analysis

    static func alerts(_ req: Request) async throws -> DeskSection {
        let L = req.lang
        guard try req.user.role.can(.viewAnalysis) else { return DeskSection(key: "alerts", title: L.t("预警", "Alerts"), figures: [], rows: [], empty: nil) }
        var f = AlertFilter(); f.current = true
        let n = try await AlertService.query(req, f).count()
        f.status = .open
        let open = try await AlertService.query(req, f).count()
        return DeskSection(key: "alerts", title: L.t("研判预警", "Alerts"), figures: [
            fig(req, "alerts.current", "当前预警（本期与上期，未办结）", "Current alerts (this and the last period, not closed)", n, "/alerts?current=1", warn: true),
            fig(req, "alerts.open", "其中待签收", "Of which not yet acknowledged", open, "/alerts?current=1&status=open", warn: true),
        ], rows: [], empty: nil)
    }

    static func inbox(_ req: Request) async throws -> DeskSection {
        let L = req.lang
        let (_, info) = try await MessageService.inbox(req, .open, q: nil, PinganKit.PageRequest(page: 1, per: 1))
        return DeskSection(key: "inbox", title: L.t("消息", "Messages"), figures: [
            fig(req, "inbox.open", "待办消息（未读通知、未完成任务）", "Open messages (unread notices, tasks not done)", info.total, "/inbox?filter=open"),
            fig(req, "notices.unread", "工作提醒（未读）", "Work notices (unread)", try await StaffNotices.unreadCount(req.db, userID: try req.user.requireID()), "/notifications"),
        ], rows: [], empty: nil)
    }

    // MARK: governance office

    /// Petitions not yet concluded and the joint meetings' decisions past their deadline (综治).
    static func governance(_ req: Request) async throws -> DeskSection {
        let L = req.lang
        var registered = PetitionFilter(); registered.status = .registered
        var handling = PetitionFilter(); handling.status = .handling
        let (_, late) = try await MeetingService.actionList(req, state: .overdue, page: PinganKit.PageRequest(page: 1, per: 1))
        return DeskSection(key: "governance", title: L.t("综治", "Governance office"), figures: [
            fig(req, "petitions.registered", "信访待交办", "Petitions not yet handed to a unit", try await registered.query(req).count(), "/governance/petitions?status=registered", warn: true),
            fig(req, "petitions.handling", "信访办理中", "Petitions in hand", try await handling.query(req).count(), "/governance/petitions?status=handling"),
            fig(req, "actions.overdue", "逾期未落实的会议决定事项", "Meeting decisions past their deadline", late.total, "/governance/actions?state=overdue", warn: true),
        ], rows: [], empty: nil)
    }

    // MARK: mediator

    static func disputes(_ req: Request, today: LocalDay) async throws -> DeskSection {
        let L = req.lang, me = try req.user.requireID(), cal = req.localCalendar
        var mine = DisputeFilter(); mine.mediator = me
        var late = mine; late.overdue = true
        let all = try await mine.query(req).count()
        let overdue = try await late.query(req).count()
        let open = try await DisputeService.visible(req).filter(\.$mediatorID == me).filter(\.$status ~~ DisputeStatus.allCases.filter(\.isOpen))
            .sort(\.$dueOn).sort(\.$id).limit(12).all()
        let rows: [DeskRow] = open.map { d in
            let left = DisputeDeadline.daysLeft(dueDay: d.dueOn, today: today.description)
            let detail: String = left.map { $0 < 0 ? L.t("逾期\(-$0)天", "\(-$0) days overdue") : L.t("剩\($0)天", "\($0) days left") } ?? L.t("未受理，尚无期限", "Not accepted yet: no time limit")
            return DeskRow(label: d.fileNumber(cal) + " " + String(d.summary.prefix(30)), detail: detail, link: "/disputes/\(d.id!)", tone: (left ?? 1) < 0 ? "warn" : nil)
        }
        return DeskSection(key: "disputes", title: L.t("我的调解案件", "My dispute files"), figures: [
            fig(req, "disputes.mine", "我承办的案件（全部）", "Files assigned to me (all)", all, "/disputes?mediator=\(me)"),
            fig(req, "disputes.overdue", "已超期", "Overdue", overdue, "/disputes?mediator=\(me)&overdue=1", warn: true),
        ], rows: rows, empty: rows.isEmpty ? L.t("没有在办案件。新的案件会在受理并指派给您后出现在这里。", "No open files. New files appear here once accepted and assigned to you.") : nil)
    }

    // MARK: station chief

    static func overdueWork(_ req: Request) async throws -> DeskSection {
        let L = req.lang
        var late = PortalFilter(); late.overdue = true
        let portalLate = try await late.query(req).all()
        let byOfficer = Dictionary(grouping: portalLate.compactMap(\.officerID), by: { $0 }).mapValues(\.count)
        let officers = try await StaffingService.officers(req)
        let names = Dictionary(uniqueKeysWithValues: officers.map { ($0.id, $0.name) })
        let sorted = byOfficer.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        var rows = sorted.prefix(8).map { id, n in
            DeskRow(label: names[id] ?? L.t("民警 #\(id)", "Officer #\(id)"), detail: L.t("超时未答复诉求 \(n) 件", "\(n) request(s) overdue"), link: "/portal?overdue=1&officer=\(id)", tone: "warn")
        }
        // The most behind first; the rest in one line to the full list.
        if sorted.count > 8 {
            let rest = sorted.dropFirst(8)
            rows.append(DeskRow(label: L.t("其余\(rest.count)名民警", "\(rest.count) more officers"), detail: L.t("超时未答复诉求 \(rest.reduce(0) { $0 + $1.value }) 件", "\(rest.reduce(0) { $0 + $1.value }) request(s) overdue"),
                                link: "/portal?overdue=1", tone: nil))
        }
        let today = WorkLogService.today(req)
        let inspections = try await InspectionFilter(status: .overdue).query(req, today: today).count()
        var d = DisputeFilter(); d.overdue = true
        let disputes = try await d.query(req).count()
        return DeskSection(key: "overdue", title: L.t("逾期工作", "Overdue work"), figures: [
            fig(req, "portal.overdue", "超时未答复诉求", "Requests overdue for an answer", portalLate.count, "/portal?overdue=1", warn: true),
            fig(req, "inspections.overdue", "逾期未整改", "Rectification overdue", inspections, "/forces/inspections?status=overdue", warn: true),
            fig(req, "disputes.overdue", "超期调解案件", "Dispute files overdue", disputes, "/disputes?overdue=1", warn: true),
        ], rows: rows, empty: nil)
    }

    static func ranking(_ req: Request, own: Bool) async throws -> DeskSection {
        let L = req.lang
        var e = FieldErrors()
        let month = AssessmentService.month(req, errors: &e)
        let p = try await PublicationService.load(req, month: month)
        let total = try await AnalysisData.units(req.db, scope: .everything).stations.count
        // A chief's desk: where their own stations stand; district command: the top of the table.
        let ranked = p.rows.filter { !own || $0.own }.sorted { ($0.rank ?? .max, $0.station) < ($1.rank ?? .max, $1.station) }
        let rows = ranked.prefix(own ? 3 : 10).map { r in
            DeskRow(label: r.station, detail: (r.rank.map { L.t("第\($0)名 / 共\(total)个", "No. \($0) of \(total)") } ?? L.t("本月无评分", "Not scored this month"))
                    + (r.score.map { L.t("，得分 ", ", score ") + String(format: "%.1f", $0) } ?? ""),
                    link: "/assessment/publication?month=\(month)", tone: nil)
        }
        return DeskSection(key: "ranking", title: L.t("\(month) 月度通报排名", "Ranking for \(month)"), figures: [], rows: Array(rows),
                           empty: rows.isEmpty ? L.t("本月尚无通报数据：考核指标在“考核通报 → 指标”中配置。", "No ranking for this month yet: the indicators are set under Assessment → Indicators.") : nil)
    }

    // MARK: district command

    static func centreQueues(_ req: Request) async throws -> DeskSection {
        let L = req.lang
        guard try req.user.role.can(.viewGridEvents) else { return DeskSection(key: "events", title: L.t("网格事件", "Grid events"), figures: [], rows: [], empty: nil) }
        func n(_ q: GridEventFilter.Queue) async throws -> Int { try await GridEventFilter(queue: q).query(req).count() }
        return DeskSection(key: "events", title: L.t("网格事件：指挥中心待办", "Grid events waiting at the centre"), figures: [
            fig(req, "events.register", "待立案", "To register", try await n(.register), "/events?queue=register", warn: true),
            fig(req, "events.dispatch", "待派遣", "To dispatch", try await n(.dispatch), "/events?queue=dispatch", warn: true),
            fig(req, "events.extensions", "延期待审批", "Extensions to decide", try await n(.extensions), "/events?queue=extensions"),
            fig(req, "events.overdue", "处置超时", "Overdue at the units", try await n(.overdue), "/events?queue=overdue", warn: true),
        ], rows: [], empty: nil)
    }

    // MARK: grid worker

    static func gridEvents(_ req: Request) async throws -> DeskSection {
        let L = req.lang
        let verify = try await GridEventFilter(queue: .verify).query(req).count()
        var figures = [fig(req, "events.verify", "本网格待核查", "Waiting for verification in my grid", verify, "/events?queue=verify", warn: true)]
        var mine = GridEventFilter(queue: nil); mine.mine = true
        let reported = try await mine.query(req).all()
        let byStatus = Dictionary(grouping: reported, by: \.status).mapValues(\.count)
        for s in GridEventStatus.allCases where (byStatus[s] ?? 0) > 0 {
            figures.append(fig(req, "events.mine.\(s.rawValue)", "我上报的：" + s.nameZh, "Reported by me: " + s.nameEn, byStatus[s]!, "/events?mine=1&status=\(s.rawValue)"))
        }
        return DeskSection(key: "events", title: L.t("网格事件", "Grid events"), figures: figures, rows: [],
                           empty: reported.isEmpty ? L.t("您还没有上报事件：发现问题时在“网格事件 → 上报”里拍照上报。", "You have not reported any event yet: when you find a problem, report it with a photo under Grid events → Report.") : nil)
    }

    // MARK: team leader

    static func roster(_ req: Request, today: LocalDay) async throws -> DeskSection {
        let L = req.lang
        var f = PatrolFilter(); f.from = today; f.to = today; f.active = true
        let plans = try await PatrolService.planDTOs(req, try await f.plans(req).sort(\.$startMinute).sort(\.$id).all())
        let rows = plans.map { p in
            DeskRow(label: "\(p.start)–\(p.end) " + p.teamName, detail: p.members.isEmpty ? L.t("未排人员", "No one rostered") : p.members.map(\.name).joined(separator: "、"),
                    link: "/forces/patrols/\(p.id)", tone: p.members.isEmpty ? "warn" : nil)
        }
        return DeskSection(key: "roster", title: L.t("今日巡逻排班", "Today's patrol roster"), figures: [
            fig(req, "patrols.today", "今日巡逻计划", "Patrol plans today", plans.count, "/forces/patrols?from=\(today)&to=\(today)&active=1"),
        ], rows: rows, empty: rows.isEmpty ? L.t("今天没有巡逻计划：在“巡逻防范 → 新建计划”里排班。", "No patrol planned today: plan one under Patrols → New plan.") : nil)
    }

    // MARK: unit staff

    static func unitQueues(_ req: Request) async throws -> DeskSection {
        let L = req.lang
        let open = try await GridEventFilter(queue: .withUnit).query(req).count()
        let overdue = try await GridEventFilter(queue: .overdue).query(req).count()
        return DeskSection(key: "events", title: L.t("派给本单位的事件", "Events dispatched to my unit"), figures: [
            fig(req, "events.with_unit", "待处置", "To handle", open, "/events?queue=with_unit"),
            fig(req, "events.overdue", "已超时", "Overdue", overdue, "/events?queue=overdue", warn: true),
        ], rows: [], empty: nil)
    }
}
