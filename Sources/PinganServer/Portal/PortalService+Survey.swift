import Fluent
import SQLKit
import Vapor
import PinganKit

/// The residents' safety-perception survey (安全感测评): one answer per person and quarter, and the shares it gives.
extension PortalService {
    static func currentPeriod(_ req: Request) -> String {
        let ym = req.localCalendar.yearMonth(of: Date())
        return PerceptionPeriod.quarter(year: ym.year, month: ym.month)
    }

    struct SurveyInput: Content {
        var communityID: String?; var answer: String?; var phone: String?; var token: String?; var website: String?; var ts: String?
        init() {}
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            communityID = c.loose(AnyKey("communityID")); answer = c.loose(AnyKey("answer")); phone = c.loose(AnyKey("phone"))
            token = c.loose(AnyKey("token")); website = c.loose(AnyKey("website")); ts = c.loose(AnyKey("_ts"))
        }
    }

    /// One answer per phone or tracking token per quarter; a second answer is refused (409).
    static func answerSurvey(_ req: Request, _ input: SurveyInput, checkForm: Bool) async throws -> PerceptionResponse {
        try checkSize(req)
        let L = req.lang
        if checkForm {
            let v = SubmissionGuard.check(honeypot: input.website, renderedAt: PortalGuard.renderedAt(req, input.ts), now: Date().timeIntervalSince1970,
                                          minSeconds: req.application.portalGuard.settings.minFillSeconds)
            if v != .ok { throw FieldErrors(["form": L.t("请重新填写问卷。", "Please fill in the questionnaire again.")]) }
        }
        var e = FieldErrors()
        var community: Division? = nil
        if let raw = input.communityID?.nilIfEmpty, let id = Int(raw), let d = try await Division.find(id, on: req.db), d.level == .community { community = d }
        else { e["communityID"] = L.t("请选择所在社区", "Choose your community") }
        let answer = input.answer?.nilIfEmpty.flatMap(PerceptionAnswer.init(rawValue:))
        if answer == nil { e["answer"] = L.t("请选择一项", "Choose an answer") }
        var key: String? = nil
        let cipher = req.cipher
        if let raw = input.phone?.nilIfEmpty {
            if let p = PortalPhone.normalize(raw) { key = cipher.blindIndex(p, field: "perception_phone") } else { e["phone"] = L.t("请填写11位手机号码", "Enter an 11-digit mobile number") }
        } else if let t = input.token?.nilIfEmpty {
            if let r = try? await byToken(req.db, t) { key = cipher.blindIndex(r.token, field: "perception_token") } else { e["token"] = L.t("查询码无效", "Unknown tracking code") }
        } else { e["phone"] = L.t("请填写手机号码或查询码（每人每季度限答一次）", "Enter a mobile number or a tracking code (one answer per person per quarter)") }
        guard e.isEmpty, let community, let answer, let key else { throw e }
        try req.application.portalGuard.check(req, phoneKey: key)
        let period = currentPeriod(req)
        if try await PerceptionResponse.query(on: req.db).filter(\.$period == period).filter(\.$respondentKey == key).count() > 0 {
            throw Abort(.conflict, reason: L.t("本季度您已参加过测评，谢谢。", "You have already answered this quarter. Thank you."))
        }
        let p = PerceptionResponse()
        p.communityID = community.id!; p.period = period; p.respondentKey = key; p.answer = answer; p.feelsSafe = answer.feelsSafe; p.createdAt = Date()
        do {
            try await p.create(on: req.db)
        } catch {
            // The unique (period, respondent) index caught a concurrent second answer.
            throw Abort(.conflict, reason: L.t("本季度您已参加过测评，谢谢。", "You have already answered this quarter. Thank you."))
        }
        await req.audit("perception.answer", entity: "perception_response", id: p.id.map(String.init), detail: "community=\(community.id!) \(period)")
        return p
    }

    /// Share feeling safe per community in a period (all communities with answers).
    /// The safety-perception target of a survey period's year ("2026-Q1" → 2026's; the assessment rules' table).
    static func perceptionTarget(_ db: any Database, period: String) async throws -> Double {
        let year = Int(period.prefix(4)) ?? 2013
        return try await AssessmentRun.rules(db).perceptionTarget(year: year)
    }

    static func perception(_ db: any Database, period: String, communityID: Int? = nil) async throws -> [Int: PerceptionShare] {
        let sql = db as! any SQLDatabase
        var q = sql.select().column("community_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLRaw("SUM(CASE WHEN feels_safe THEN 1 ELSE 0 END)"), as: "safe")
            .from("perception_responses").where("period", .equal, period)
        if let communityID { q = q.where("community_id", .equal, communityID) }
        let rows = try await q.groupBy("community_id").all()
        var out: [Int: PerceptionShare] = [:]
        for r in rows {
            let c = try r.decode(column: "community_id", as: Int.self)
            out[c] = PerceptionShare(safe: try r.decode(column: "safe", as: Int.self), total: try r.decode(column: "n", as: Int.self))
        }
        return out
    }
}
