import Fluent
import SQLKit
import Vapor
import PinganKit

/// What the petition desk submits, from the form or as JSON (one input type: a wrong type is a field message).
struct PetitionInput: Content {
    var receivedOn: String?
    var channel: String?
    var level: String?
    var subject: String?
    var people: String?
    var petitioner: String?
    var summary: String?
    var communityID: String?
    var handlingUnit: String?
    var disputeID: String?
    var incidentID: String?

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        receivedOn = c.loose(AnyKey("receivedOn")); channel = c.loose(AnyKey("channel")); level = c.loose(AnyKey("level"))
        subject = c.loose(AnyKey("subject")); people = c.loose(AnyKey("people")); petitioner = c.loose(AnyKey("petitioner"))
        summary = c.loose(AnyKey("summary")); communityID = c.loose(AnyKey("communityID")); handlingUnit = c.loose(AnyKey("handlingUnit"))
        disputeID = c.loose(AnyKey("disputeID")); incidentID = c.loose(AnyKey("incidentID"))
    }
    init(_ p: Petition) {
        receivedOn = p.receivedOn; channel = p.channel.rawValue; level = p.level.rawValue; subject = p.subject.rawValue; people = String(p.people)
        petitioner = p.petitioner; summary = p.summary; communityID = String(p.communityID); handlingUnit = p.handlingUnit
        disputeID = p.disputeID.map(String.init); incidentID = p.incidentID.map(String.init)
    }

    struct Checked {
        var receivedOn: LocalDay, channel: PetitionChannel, level: PetitionLevel, subject: PetitionSubject, people: Int
        var petitioner: String, summary: String, communityID: Int, handlingUnit: String, disputeID: Int?, incidentID: Int?
    }

    /// Names every problem; nothing is written here. A linked dispute or incident must be one the user may see.
    func check(_ req: Request) async throws -> Checked {
        let L = req.lang
        var e = FieldErrors()
        let today = LocalDay(Date(), in: req.localCalendar)
        var day: LocalDay? = nil
        if let raw = receivedOn?.nilIfEmpty {
            day = LocalDay(raw)
            if let d = day {
                if d > today { e["receivedOn"] = L.t("收到日期不能晚于今天", "The date received cannot be in the future"); day = nil }
                else if d < today.adding(days: -366 * 10) { e["receivedOn"] = L.t("收到日期不能早于十年前", "The date received is more than ten years ago"); day = nil }
            } else { e["receivedOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
        } else { e["receivedOn"] = L.t("请填写收到日期", "Enter the date received") }
        let channel = channel?.nilIfEmpty.flatMap(PetitionChannel.init(rawValue:))
        if channel == nil { e["channel"] = L.t("请选择信访形式", "Choose how it came in") }
        let level = level?.nilIfEmpty.flatMap(PetitionLevel.init(rawValue:))
        if level == nil { e["level"] = L.t("请选择信访层级", "Choose the level it reached") }
        let subject = subject?.nilIfEmpty.flatMap(PetitionSubject.init(rawValue:))
        if subject == nil { e["subject"] = L.t("请选择信访事项类别", "Choose what it is about") }
        var count = 1
        if let raw = people?.nilIfEmpty {
            if let n = Int(raw), (1...PetitionRules.maxPeople).contains(n) { count = n }
            else { e["people"] = L.t("人数应为 1–\(PetitionRules.maxPeople)", "People: 1–\(PetitionRules.maxPeople)") }
        }
        let petitioner = (petitioner ?? "").trimmed
        if petitioner.count > 50 { e["petitioner"] = L.t("不能超过50字", "At most 50 characters") }
        let summary = (summary ?? "").trimmed
        if summary.isEmpty { e["summary"] = L.t("请填写信访事项", "Describe what the petition asks") }
        else if summary.count > 2000 { e["summary"] = L.t("不能超过2000字", "At most 2000 characters") }
        let unit = (handlingUnit ?? "").trimmed
        if unit.count > 100 { e["handlingUnit"] = L.t("不能超过100字", "At most 100 characters") }
        let place = try await Place.validate(req, community: communityID, grid: nil, building: nil, old: nil, errors: &e)
        var disputeID: Int? = nil
        if let raw = self.disputeID?.nilIfEmpty {
            if let id = await PetitionLinks.dispute(req, raw) { disputeID = id }
            else { e["disputeID"] = L.t("没有找到该矛盾纠纷档案，或您无权查看", "No such dispute file in your jurisdiction") }
        }
        var incidentID: Int? = nil
        if let raw = self.incidentID?.nilIfEmpty {
            if let id = try await PetitionLinks.incident(req, raw) { incidentID = id }
            else { e["incidentID"] = L.t("没有找到该警情，或您无权查看", "No such incident in your jurisdiction") }
        }
        guard e.isEmpty, let day, let channel, let level, let subject, let place else { throw e.isEmpty ? FieldErrors(["summary": "invalid"]) : e }
        return Checked(receivedOn: day, channel: channel, level: level, subject: subject, people: count, petitioner: petitioner, summary: summary,
                       communityID: place.communityID, handlingUnit: unit, disputeID: disputeID, incidentID: incidentID)
    }
}

/// 办结: the result given to the petitioner and the day.
struct PetitionConcludeInput: Content {
    var result: String?
    var concludedOn: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        result = c.loose(AnyKey("result")); concludedOn = c.loose(AnyKey("concludedOn"))
    }
}

/// Filters of the register, read alike by the page, the API and the CSV.
struct PetitionFilter {
    var status: PetitionStatus?
    var level: PetitionLevel?
    var channel: PetitionChannel?
    var subject: PetitionSubject?
    var community: Int?
    var collective = false
    var from: LocalDay?
    var to: LocalDay?
    var q: String?

    init() {}
    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        func read<T: RawRepresentable>(_ key: String, _ t: T.Type) -> T? where T.RawValue == String {
            guard let s = req.query[String.self, at: key]?.nilIfEmpty else { return nil }
            let v = T(rawValue: s); if v == nil { e[key] = L.t("取值无效", "Unknown value") }
            return v
        }
        status = read("status", PetitionStatus.self); level = read("level", PetitionLevel.self)
        channel = read("channel", PetitionChannel.self); subject = read("subject", PetitionSubject.self)
        if let s = req.query[String.self, at: "community"]?.nilIfEmpty { community = Int(s); if community == nil { e["community"] = L.t("社区无效", "Unknown community") } }
        collective = DisputeInput.flag(req.query[String.self, at: "collective"])
        for key in ["from", "to"] {
            guard let s = req.query[String.self, at: key]?.nilIfEmpty else { continue }
            guard let d = LocalDay(s) else { e[key] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05"); continue }
            if key == "from" { from = d } else { to = d }
        }
        if let from, let to, from > to { e["to"] = L.t("结束日期不能早于开始日期", "The end is before the start") }
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
    }

    /// The query string that reproduces this filter (CSV link, pager).
    var queryString: String {
        var items: [String] = []
        func add(_ k: String, _ v: String?) { if let v { items.append(k + "=" + (v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) } }
        add("status", status?.rawValue); add("level", level?.rawValue); add("channel", channel?.rawValue); add("subject", subject?.rawValue)
        add("community", community.map(String.init)); add("collective", collective ? "1" : nil)
        add("from", from?.description); add("to", to?.description); add("q", q)
        return items.joined(separator: "&")
    }

    var isEmpty: Bool { queryString.isEmpty }

    func query(_ req: Request) async throws -> QueryBuilder<Petition> {
        let q = try await req.scoped(Petition.self)
        if let status { q.filter(\.$status == status) }
        if let level { q.filter(\.$level == level) }
        if let channel { q.filter(\.$channel == channel) }
        if let subject { q.filter(\.$subject == subject) }
        if let community { q.filter(\.$communityID == community) }
        if collective { q.filter(\.$collective == true) }
        if let from { q.filter(\.$receivedOn >= from.description) }
        if let to { q.filter(\.$receivedOn <= to.description) }
        if let text = self.q {
            q.group(.or) { g in
                g.filter(\.$summary ~~ text).filter(\.$petitioner ~~ text).filter(\.$handlingUnit ~~ text)
                if let n = Int(text.uppercased().replacingOccurrences(of: "XF", with: "").split(separator: "-").last ?? "") { g.filter(\.$id == n) }
            }
        }
        return q.sort(\.$receivedOn, .descending).sort(\.$id, .descending)
    }
}

enum PetitionService {
    static func find(_ req: Request, _ id: Int?) async throws -> Petition { try await req.findScoped(Petition.self, id) }

    static func page(_ req: Request, _ f: PetitionFilter, _ page: PinganKit.PageRequest) async throws -> ([Petition], PageInfo) {
        try req.require(.viewGovernance)
        let q = try await f.query(req)
        let total = try await q.copy().count()
        return (try await q.range(page.offset..<(page.offset + page.per)).all(), page.info(total: total))
    }

    static func create(_ req: Request, _ input: PetitionInput) async throws -> Petition {
        try req.require(.editGovernance)
        let c = try await input.check(req)
        let p = Petition()
        apply(c, to: p)
        p.status = PetitionStatus.of(handlingUnit: p.handlingUnit, concludedOn: nil)
        p.result = ""; p.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await p.create(on: db)
            await req.audit("petition.create", entity: "petition", id: p.id.map(String.init),
                            detail: "level=\(p.level.rawValue) people=\(p.people) collective=\(p.collective)", on: db)
        }
        return p
    }

    static func update(_ req: Request, _ p: Petition, _ input: PetitionInput) async throws -> Petition {
        try req.require(.editGovernance)
        let c = try await input.check(req)
        if let done = p.concludedOn, c.receivedOn.description > done {
            throw FieldErrors(["receivedOn": req.t("收到日期不能晚于办结日期 \(done)", "The date received is after the day it was concluded (\(done))")])
        }
        apply(c, to: p)
        p.status = PetitionStatus.of(handlingUnit: p.handlingUnit, concludedOn: p.concludedOn)
        try await req.db.transaction { db in
            try await p.update(on: db)
            await req.audit("petition.update", entity: "petition", id: p.id.map(String.init), detail: "level=\(p.level.rawValue) status=\(p.status.rawValue)", on: db)
        }
        return p
    }

    private static func apply(_ c: PetitionInput.Checked, to p: Petition) {
        p.receivedOn = c.receivedOn.description; p.channel = c.channel; p.level = c.level; p.subject = c.subject; p.people = c.people
        p.collective = PetitionRules.isCollective(channel: c.channel, people: c.people)
        p.petitioner = c.petitioner; p.summary = c.summary; p.communityID = c.communityID; p.handlingUnit = c.handlingUnit
        p.disputeID = c.disputeID; p.incidentID = c.incidentID
    }

    /// 办结 once: the result is what the petitioner was told; the day lies between receipt and today.
    static func conclude(_ req: Request, _ p: Petition, _ input: PetitionConcludeInput) async throws -> Petition {
        try req.require(.editGovernance)
        let L = req.lang
        var e = FieldErrors()
        if p.concludedOn != nil { e["result"] = L.t("该信访已办结", "This petition is already concluded") }
        let result = (input.result ?? "").trimmed
        if result.isEmpty { e["result"] = e["result"] ?? L.t("请填写办理结果", "Enter the result given to the petitioner") }
        else if result.count > 2000 { e["result"] = L.t("不能超过2000字", "At most 2000 characters") }
        let today = LocalDay(Date(), in: req.localCalendar)
        var day = today
        if let raw = input.concludedOn?.nilIfEmpty {
            if let d = LocalDay(raw) {
                if d > today { e["concludedOn"] = L.t("办结日期不能晚于今天", "The day concluded cannot be in the future") }
                else if d.description < p.receivedOn { e["concludedOn"] = L.t("办结日期不能早于收到日期 \(p.receivedOn)", "The day concluded is before the day received (\(p.receivedOn))") }
                day = d
            } else { e["concludedOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
        }
        guard e.isEmpty else { throw e }
        p.result = result; p.concludedOn = day.description; p.status = .concluded
        try await req.db.transaction { db in
            try await p.update(on: db)
            await req.audit("petition.conclude", entity: "petition", id: p.id.map(String.init), detail: "on=\(day)", on: db)
        }
        return p
    }

    // MARK: statistics

    struct StatsPeriod {
        var from: LocalDay, to: LocalDay
        /// Default: 1 January of this year to today (年初至今), as the seed's half-year report counts.
        init(_ req: Request, errors e: inout FieldErrors) {
            let today = LocalDay(Date(), in: req.localCalendar)
            var from = LocalDay(year: today.components.year, month: 1, day: 1)!, to = today
            if let s = req.query[String.self, at: "from"]?.nilIfEmpty {
                if let d = LocalDay(s) { from = d } else { e["from"] = req.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
            }
            if let s = req.query[String.self, at: "to"]?.nilIfEmpty {
                if let d = LocalDay(s) { to = d } else { e["to"] = req.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
            }
            if from > to { e["to"] = req.t("结束日期不能早于开始日期", "The end is before the start"); to = from }
            if from.days(until: to) > 366 * 3 { e["from"] = req.t("统计期不能超过三年", "At most three years"); from = to.adding(days: -366 * 3) }
            self.from = from; self.to = to
        }
    }

    struct Stats: Content {
        var petitions: PetitionStats
        var prevented: PreventedEscalations
        var sentence: String
        var preventedSentence: String
    }

    /// Batches by level against the same days last year, and escalations prevented by the dispute files settled in the
    /// period — both over the user's jurisdiction.
    static func stats(_ req: Request, from: LocalDay, to: LocalDay) async throws -> Stats {
        try req.require(.viewGovernance)
        let scope = try await req.scope()
        let sql = req.db as! any SQLDatabase
        let q = sql.select().column("level").column("people").column("collective").column("received_on").from("petitions")
            .where("received_on", .greaterThanOrEqual, from.sameDayLastYear.description).where("received_on", .lessThanOrEqual, to.description)
        scope.restrict(q, grid: nil)
        var facts: [PetitionFact] = []
        for r in try await q.all() {
            guard let level = PetitionLevel(rawValue: try r.decode(column: "level", as: String.self)) else { continue }
            facts.append(PetitionFact(level: level, people: try r.decode(column: "people", as: Int.self),
                                      collective: try r.decode(column: "collective", as: Bool.self), receivedOn: try r.decode(column: "received_on", as: String.self)))
        }
        let petitions = PetitionStats.compute(facts, from: from, to: to)

        // Dispute files settled by agreement in the period that carried a risk flag.
        let cal = req.localCalendar
        let start = cal.date(year: from.components.year, month: from.components.month, day: from.components.day)
        let endDay = to.adding(days: 1)
        let end = cal.date(year: endDay.components.year, month: endDay.components.month, day: endDay.components.day)
        let dq = try await req.scoped(Dispute.self)
            .filter(\.$outcome == .agreement).filter(\.$closedAt >= start).filter(\.$closedAt < end)
            .group(.or) { $0.filter(\.$riskMassPetition == true).filter(\.$riskGroupFight == true).filter(\.$riskCriminal == true) }
            .all()
        let ids = dq.compactMap(\.id)
        // Collective petitions registered against these files (whoever registered them: the link is what counts).
        let petitioned = ids.isEmpty ? Set<Int>() : Set(try await Petition.query(on: req.db) // unscoped: only ids of files already in scope
            .filter(\.$disputeID ~~ ids).filter(\.$collective == true).all().compactMap(\.disputeID))
        let prevented = PreventedEscalations.compute(dq.map { d in
            PreventedFact(people: d.peopleInvolved, riskFight: d.riskGroupFight, riskCriminal: d.riskCriminal, riskMassPetition: d.riskMassPetition,
                          settledByAgreement: true, criminalIncidentLinked: d.criminalReview, collectivePetitionLinked: petitioned.contains(d.id!))
        })
        let zh = !req.lang.isEnglish
        return Stats(petitions: petitions, prevented: prevented, sentence: petitions.sentence(chinese: zh), preventedSentence: prevented.sentence(chinese: zh))
    }
}
