import Fluent
import Vapor
import PinganKit

/// 群防群治队伍: teams, members (tied to the registry when residents), recruitment status, training.
struct TeamController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let t = routes.grouped("forces", "teams")
        t.get(use: list)
        t.get("export.csv", use: export)
        t.post(use: create)
        t.get(":id", use: show)
        t.get(":id", "edit", use: editPage)
        t.post(":id", use: update)
        t.post(":id", "members", use: addMember)
        t.post(":id", "member-status", use: setStatus)
        let s = routes.grouped("forces", "training")
        s.get(use: training)
        s.post(use: createTraining)
        s.get(":id", use: session)
        s.post(":id", "attendance", use: attendance)
    }

    func listPage(_ req: Request, input: TeamInput, errors: FieldErrors) async throws -> Response {
        let teams = try await TeamService.teamDTOs(req, try await TeamService.teamsQuery(req).limit(2000).all())
        // Personnel beyond police officers (辅警、信息员、志愿者 …) on the rolls, by kind.
        var kinds: [PersonnelKind: Int] = [:]
        for m in try await TeamService.membersQuery(req).all() where m.status.counts { kinds[m.kind, default: 0] += 1 }
        return TeamViews.list(req, teams: teams, share: try await TrainingService.share(req, from: nil, to: nil), kinds: kinds, input: input, errors: errors,
                              communities: try await DivisionLookup.communities(req), canEdit: try req.user.role.can(.editTeams))
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        return try await listPage(req, input: TeamInput(), errors: FieldErrors())
    }

    @Sendable func export(req: Request) async throws -> Response { try await TeamService.membersCSV(req) }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let input = try req.content.decode(TeamInput.self)
        do {
            let t = try await TeamService.create(req, input)
            return req.redirect(to: "/forces/teams/\(t.id!)")
        } catch let e as FieldErrors { return try await listPage(req, input: input, errors: e) }
    }

    func detail(_ req: Request, _ t: Team, input: TeamMemberInput, errors: FieldErrors) async throws -> Response {
        let dto = try await TeamService.teamDTOs(req, [t])[0]
        let members = try await TeamService.memberDTOs(req, try await req.scoped(TeamMember.self).filter(\.$teamID == t.id!).sort(\.$id).all())
        let since = WorkLogService.today(req).adding(days: -14).description
        let plans = try await PatrolService.planDTOs(req, try await req.scoped(PatrolPlanRecord.self).filter(\.$teamID == t.id!)
            .filter(\.$day >= since).sort(\.$day).sort(\.$startMinute).limit(50).all())
        return TeamViews.detail(req, team: dto, members: members, plans: plans, input: input, errors: errors, canEdit: try req.user.role.can(.editTeams))
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        return try await detail(req, try await TeamService.scopedTeam(req, req.parameters.get("id", as: Int.self)), input: TeamMemberInput(), errors: FieldErrors())
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let t = try await TeamService.scopedTeam(req, req.parameters.get("id", as: Int.self))
        var input = TeamInput()
        input.name = t.name; input.kind = t.kind.rawValue; input.leaderName = t.leaderName; input.note = t.note
        return TeamViews.edit(req, team: try await TeamService.teamDTOs(req, [t])[0], input: input, errors: FieldErrors())
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let t = try await TeamService.scopedTeam(req, req.parameters.get("id", as: Int.self))
        var input = try req.content.decode(TeamInput.self)
        // A blank text box on the form means "clear it".
        input.leaderName = input.leaderName ?? ""; input.note = input.note ?? ""
        do {
            try await TeamService.update(req, t, input)
            return req.redirect(to: "/forces/teams/\(t.id!)")
        } catch let e as FieldErrors {
            return TeamViews.edit(req, team: try await TeamService.teamDTOs(req, [t])[0], input: input, errors: e)
        }
    }

    @Sendable func addMember(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let t = try await TeamService.scopedTeam(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(TeamMemberInput.self)) ?? TeamMemberInput()
        do {
            _ = try await TeamService.addMember(req, t, input)
            return req.redirect(to: "/forces/teams/\(t.id!)")
        } catch let e as FieldErrors { return try await detail(req, t, input: input, errors: e) }
    }

    @Sendable func setStatus(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let t = try await TeamService.scopedTeam(req, req.parameters.get("id", as: Int.self))
        let memberID = (try? req.content.get(String.self, at: "memberID")).flatMap { Int($0) }
        guard let m = try? await TeamService.scopedMember(req, team: t, memberID) else {
            return try await detail(req, t, input: TeamMemberInput(), errors: FieldErrors(["memberID": req.t("本队没有该队员", "No such member in this team")]))
        }
        do {
            // The row's phone box starts empty (the number is shown masked): empty keeps the number.
            let phone = (try? req.content.get(String.self, at: "phone"))?.trimmed.nilIfEmpty
            try await TeamService.updateMember(req, m, status: try? req.content.get(String.self, at: "status"), phone: phone)
            return req.redirect(to: "/forces/teams/\(t.id!)")
        } catch var e as FieldErrors {
            // A row's mistake is named with its member, not at the add-member form's own phone field.
            if let message = e["phone"] { e["phone"] = nil; e["memberID"] = m.name + req.t("：", ": ") + message }
            return try await detail(req, t, input: TeamMemberInput(), errors: e)
        }
    }

    func activeMembers(_ req: Request) async throws -> [MemberDTO] {
        try await TeamService.memberDTOs(req, try await TeamService.membersQuery(req).filter(\.$status == .active).sort(\.$teamID).sort(\.$id).limit(500).all())
    }

    func trainingPage(_ req: Request, input: TrainingInput, errors: FieldErrors) async throws -> Response {
        let sessions = try await TrainingService.dtos(req, try await TrainingService.query(req).limit(200).all(), withAttendees: false)
        // `?from=&to=`: only sessions held in the period make a member trained.
        var fe = FieldErrors()
        let from = Check.day(req.query[String.self, at: "from"], "from", &fe, req.lang, required: false)
        var to = Check.day(req.query[String.self, at: "to"], "to", &fe, req.lang, required: false)
        if let f = from, let t = to, t < f { fe["to"] = req.t("结束日期不能早于开始日期", "The end cannot be before the start"); to = nil }
        return TeamViews.training(req, sessions: sessions, share: try await TrainingService.share(req, from: from, to: to), filterErrors: fe, members: try await activeMembers(req),
                                  input: input, errors: errors, communities: try await DivisionLookup.communities(req), canEdit: try req.user.role.can(.editTeams))
    }

    @Sendable func training(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        var input = TrainingInput()
        input.heldOn = WorkLogService.today(req).description
        input.hours = "2"
        return try await trainingPage(req, input: input, errors: FieldErrors())
    }

    @Sendable func createTraining(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let input = (try? req.content.decode(TrainingInput.self)) ?? TrainingInput()
        do {
            let s = try await TrainingService.create(req, input)
            return req.redirect(to: "/forces/training/\(s.id!)")
        } catch let e as FieldErrors { return try await trainingPage(req, input: input, errors: e) }
    }

    func sessionPage(_ req: Request, _ s: TrainingSessionRecord, errors: FieldErrors) async throws -> Response {
        let dto = try await TrainingService.dtos(req, [s], withAttendees: true)[0]
        return TeamViews.session(req, dto, members: try await activeMembers(req), errors: errors, canEdit: try req.user.role.can(.editTeams))
    }

    @Sendable func session(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        return try await sessionPage(req, try await TrainingService.scoped(req, req.parameters.get("id", as: Int.self)), errors: FieldErrors())
    }

    @Sendable func attendance(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let s = try await TrainingService.scoped(req, req.parameters.get("id", as: Int.self))
        do {
            try await TrainingService.addAttendance(req, s, (try? req.content.decode(AttendanceInput.self)) ?? AttendanceInput())
            return req.redirect(to: "/forces/training/\(s.id!)")
        } catch let e as FieldErrors { return try await sessionPage(req, s, errors: e) }
    }
}

/// JSON API: `/api/v1/teams`, `/api/v1/training`.
struct TeamAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let t = routes.grouped("api", "v1", "teams")
        t.get(use: list)
        t.post(use: create)
        t.get(":id", use: show)
        t.patch(":id", use: update)
        t.post(":id", "members", use: addMember)
        routes.grouped("api", "v1", "team-members").patch(":id", use: updateMember)
        let s = routes.grouped("api", "v1", "training")
        s.get(use: sessions)
        s.post(use: createTraining)
        s.get("share", use: share)
        s.get(":id", use: session)
        s.post(":id", "attendance", use: attendance)
    }

    struct TeamBody: Content { var team: TeamDTO; var members: [MemberDTO] }

    @Sendable func list(req: Request) async throws -> [TeamDTO] {
        try req.require(.viewTeams)
        return try await TeamService.teamDTOs(req, try await TeamService.teamsQuery(req).limit(2000).all())
    }

    @Sendable func create(req: Request) async throws -> Response {
        let t = try await TeamService.create(req, try req.content.decode(TeamInput.self))
        let res = try await TeamService.teamDTOs(req, [t])[0].encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/teams/\(t.id!)")
        return res
    }

    func body(_ req: Request, _ t: Team) async throws -> TeamBody {
        TeamBody(team: try await TeamService.teamDTOs(req, [t])[0],
                 members: try await TeamService.memberDTOs(req, try await req.scoped(TeamMember.self).filter(\.$teamID == t.id!).sort(\.$id).all()))
    }

    @Sendable func show(req: Request) async throws -> TeamBody {
        try req.require(.viewTeams)
        return try await body(req, try await TeamService.scopedTeam(req, req.parameters.get("id", as: Int.self)))
    }

    /// Only the fields sent change (name, kind, leaderName, note); the community cannot.
    @Sendable func update(req: Request) async throws -> TeamBody {
        try req.require(.editTeams)
        let t = try await TeamService.scopedTeam(req, req.parameters.get("id", as: Int.self))
        try await TeamService.update(req, t, try req.content.decode(TeamInput.self))
        return try await body(req, t)
    }

    @Sendable func addMember(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let t = try await TeamService.scopedTeam(req, req.parameters.get("id", as: Int.self))
        let m = try await TeamService.addMember(req, t, (try? req.content.decode(TeamMemberInput.self)) ?? TeamMemberInput())
        return try await TeamService.memberDTOs(req, [m])[0].encodeResponse(status: .created, for: req)
    }

    /// `{"status": …, "phone": …}`: fields left out stay; `"phone": ""` removes the number.
    @Sendable func updateMember(req: Request) async throws -> MemberDTO {
        try req.require(.editTeams)
        guard let m = try await req.visible(TeamMember.self, req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        let input = (try? req.content.decode(TeamMemberInput.self)) ?? TeamMemberInput()
        try await TeamService.updateMember(req, m, status: input.status, phone: input.phone)
        return try await TeamService.memberDTOs(req, [m])[0]
    }

    @Sendable func sessions(req: Request) async throws -> [TrainingDTO] {
        try req.require(.viewTeams)
        return try await TrainingService.dtos(req, try await TrainingService.query(req).limit(1000).all(), withAttendees: true)
    }

    @Sendable func createTraining(req: Request) async throws -> Response {
        let s = try await TrainingService.create(req, (try? req.content.decode(TrainingInput.self)) ?? TrainingInput())
        return try await TrainingService.dtos(req, [s], withAttendees: true)[0].encodeResponse(status: .created, for: req)
    }

    /// `?from=&to=` limit the sessions that count.
    @Sendable func share(req: Request) async throws -> TrainedShareDTO {
        try req.require(.viewTeams)
        var e = FieldErrors()
        let from = Check.day(req.query[String.self, at: "from"], "from", &e, req.lang, required: false)
        let to = Check.day(req.query[String.self, at: "to"], "to", &e, req.lang, required: false)
        guard e.isEmpty else { throw e }
        return try await TrainingService.share(req, from: from, to: to)
    }

    @Sendable func session(req: Request) async throws -> TrainingDTO {
        try req.require(.viewTeams)
        return try await TrainingService.dtos(req, [try await TrainingService.scoped(req, req.parameters.get("id", as: Int.self))], withAttendees: true)[0]
    }

    @Sendable func attendance(req: Request) async throws -> TrainingDTO {
        try req.require(.editTeams)
        let s = try await TrainingService.scoped(req, req.parameters.get("id", as: Int.self))
        try await TrainingService.addAttendance(req, s, (try? req.content.decode(AttendanceInput.self)) ?? AttendanceInput())
        return try await TrainingService.dtos(req, [s], withAttendees: true)[0]
    }
}
