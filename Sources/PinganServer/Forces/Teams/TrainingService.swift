import Fluent
import Vapor
import PinganKit

struct TrainingDTO: Content {
    var id: Int
    var communityID: Int
    var communityName: String?
    var heldOn: String
    var topic: String
    var hours: Double
    var attendees: [MemberDTO]
}

/// The trained share (参训率, seed 000: 2,595 of 4,025 = 64.5%) per station and for the user's scope.
struct TrainedShareDTO: Content {
    struct Row: Content { var key: String; var name: String; var share: Share }
    var stations: [Row]
    var teams: [Row]
    var total: Share
    var from: String?
    var to: String?
}

/// Centralised training (集中轮训) with attendance; the trained share from PinganKit `ForceShares.trained`.
enum TrainingService {
    static func scoped(_ req: Request, _ id: Int?) async throws -> TrainingSessionRecord { try await req.findScoped(TrainingSessionRecord.self, id) }

    static func query(_ req: Request) async throws -> QueryBuilder<TrainingSessionRecord> {
        let scope = try await req.scope()
        let q = scope.restrict(TrainingSessionRecord.query(on: req.db))
        return q.sort(\.$heldOn, .descending).sort(\.$id, .descending)
    }

    static func dtos(_ req: Request, _ rows: [TrainingSessionRecord], withAttendees: Bool) async throws -> [TrainingDTO] {
        let ids = rows.compactMap(\.id)
        let att = ids.isEmpty ? [] : try await TrainingAttendanceRecord.query(on: req.db).filter(\.$sessionID ~~ ids).all()
        var members: [Int: MemberDTO] = [:]
        if withAttendees, !att.isEmpty {
            for m in try await TeamService.memberDTOs(req, try await req.scoped(TeamMember.self).filter(\.$id ~~ Array(Set(att.map(\.memberID)))).all()) { members[m.id] = m }
        }
        let places = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        return rows.map { s in
            let mine = att.filter { $0.sessionID == s.id }
            return TrainingDTO(id: s.id!, communityID: s.communityID, communityName: places[s.communityID], heldOn: s.heldOn, topic: s.topic, hours: s.hours,
                               attendees: withAttendees ? mine.compactMap { members[$0.memberID] }.sorted { $0.id < $1.id }
                                   : mine.map { MemberDTO(id: $0.memberID, teamID: 0, teamName: nil, communityID: 0, name: "", kind: .teamMember, kindName: "",
                                                           personID: nil, status: .active, statusName: "", joinedOn: nil, trainingSessions: 0,
                                                           phone: nil, phoneFromRegistry: false) })
        }
    }

    /// Member ids from the form, each a member in the user's scope.
    static func members(_ req: Request, _ raw: [String]?, _ e: inout FieldErrors) async throws -> [Int] {
        let ids = Array(Set((raw ?? []).compactMap { Int($0) }))
        if (raw ?? []).contains(where: { Int($0) == nil }) { e["members"] = req.lang.t("队员编号无效", "Unknown member"); return [] }
        guard !ids.isEmpty else { return [] }
        let found = try await TeamService.membersQuery(req).filter(\.$id ~~ ids).all()
        if found.count != ids.count { e["members"] = req.lang.t("有队员不存在或不在您的辖区", "A member is missing or outside your jurisdiction"); return [] }
        return ids.sorted()
    }

    static func create(_ req: Request, _ input: TrainingInput) async throws -> TrainingSessionRecord {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        let community = try await Check.community(req, input.communityID, &e)
        let day = Check.day(input.heldOn, "heldOn", &e, L, notAfter: WorkLogService.today(req).adding(days: 366))
        let topic = Check.text(input.topic, "topic", &e, L, max: 100, required: true)
        var hours = 0.0
        if let raw = input.hours?.nilIfEmpty { if let h = Double(raw), h > 0, h <= 24 { hours = h } else { e["hours"] = L.t("学时应为 0–24", "Hours must be between 0 and 24") } }
        else { e["hours"] = L.t("请填写学时", "Enter the hours") }
        let members = try await members(req, input.members, &e)
        if let day, !members.isEmpty, day > WorkLogService.today(req) { e["members"] = L.t("培训举行后才能登记出勤", "Attendance is recorded once the session has been held") }
        guard e.isEmpty, let community, let day else { throw e }
        let s = TrainingSessionRecord()
        s.communityID = community; s.heldOn = day.description; s.topic = topic; s.hours = hours; s.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await s.create(on: db)
            for m in members {
                let a = TrainingAttendanceRecord(); a.sessionID = s.id!; a.memberID = m
                try await a.create(on: db)
            }
            await req.audit("training.create", entity: "training", id: s.id.map(String.init), detail: "attendees=\(members.count)", on: db)
        }
        return s
    }

    /// Adds attendees (already present ones are kept once).
    static func addAttendance(_ req: Request, _ s: TrainingSessionRecord, _ input: AttendanceInput) async throws {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        let members = try await members(req, input.members, &e)
        if members.isEmpty && e.isEmpty { e["members"] = L.t("请选择参训队员", "Choose who attended") }
        if let d = LocalDay(s.heldOn), d > WorkLogService.today(req) { e["members"] = L.t("培训举行后才能登记出勤", "Attendance is recorded once the session has been held") }
        guard e.isEmpty else { throw e }
        let existing = Set(try await TrainingAttendanceRecord.query(on: req.db).filter(\.$sessionID == s.id!).all().map(\.memberID))
        let new = members.filter { !existing.contains($0) }
        try await req.db.transaction { db in
            for m in new {
                let a = TrainingAttendanceRecord(); a.sessionID = s.id!; a.memberID = m
                try await a.create(on: db)
            }
            await req.audit("training.attendance", entity: "training", id: "\(s.id!)", detail: "added=\(new.count)", on: db)
        }
    }

    /// Trained share of counted members (active or suspended) in scope: a member is trained with at least
    /// one session attended in [from, to] (nil: any date). Grouped per station (communities without a station
    /// under "—") and per team.
    static func share(_ req: Request, from: LocalDay?, to: LocalDay?) async throws -> TrainedShareDTO {
        let members = try await TeamService.membersQuery(req).all().filter { $0.status.counts }
        let communityIDs = Array(Set(members.map(\.communityID)))
        let divisions = communityIDs.isEmpty ? [] : try await Division.query(on: req.db).filter(\.$id ~~ communityIDs).all()
        let stationOf = Dictionary(uniqueKeysWithValues: divisions.map { ($0.id!, $0.stationID) })
        let stationIDs = Array(Set(divisions.compactMap(\.stationID)))
        let stationNames = stationIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Station.query(on: req.db).filter(\.$id ~~ stationIDs).all().map { ("\($0.id!)", $0.name) })
        let memberIDs = members.compactMap(\.id)
        let att = memberIDs.isEmpty ? [] : try await TrainingAttendanceRecord.query(on: req.db).filter(\.$memberID ~~ memberIDs).all()
        let sessionIDs = Array(Set(att.map(\.sessionID)))
        let sessions = sessionIDs.isEmpty ? [] : try await req.scoped(TrainingSessionRecord.self).filter(\.$id ~~ sessionIDs).all()
        let kitSessions = sessions.compactMap { s in LocalDay(s.heldOn).map { TrainingSession(id: "\(s.id!)", date: $0) } }
        let kitAtt = att.map { TrainingAttendance(sessionID: "\($0.sessionID)", memberID: "\($0.memberID)") }
        // An open end is unbounded (a far-future `from` must not meet a near "forever"); a reversed period is refused.
        if let from, let to, to < from { throw FieldErrors(["to": req.t("结束日期不能早于开始日期", "The end cannot be before the start")]) }
        let period: ClosedRange<LocalDay>? = (from != nil || to != nil) ? (from ?? LocalDay(dayNumber: Int.min / 4))...(to ?? LocalDay(dayNumber: Int.max / 4)) : nil
        let byStation = ForceShares.trained(members: members.map { TeamMemberRecord(memberID: "\($0.id!)", teamID: stationOf[$0.communityID].flatMap { $0 }.map { "\($0)" } ?? "—") },
                                            sessions: kitSessions, attendance: kitAtt, period: period)
        let byTeam = ForceShares.trained(members: members.map { TeamMemberRecord(memberID: "\($0.id!)", teamID: "\($0.teamID)") },
                                         sessions: kitSessions, attendance: kitAtt, period: period)
        let teamIDs = byTeam.keys.compactMap { Int($0) }
        let teamNames = teamIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await req.scoped(Team.self).filter(\.$id ~~ teamIDs).all().map { ("\($0.id!)", $0.name) })
        return TrainedShareDTO(stations: byStation.groups.map { .init(key: $0.key, name: stationNames[$0.key] ?? req.lang.t("未划分派出所", "No station"), share: $0.share) },
                               teams: byTeam.groups.map { .init(key: $0.key, name: teamNames[$0.key] ?? $0.key, share: $0.share) },
                               total: byStation.total, from: from?.description, to: to?.description)
    }
}
