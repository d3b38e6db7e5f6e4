import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Walks every registered route with every role, in scope and out of scope. A route added
/// without an entry in `RouteWalkRules.swift` fails the suite, so nothing ships unscoped by accident.
final class RouteWalkTests: XCTestCase {

    /// One request to a route template, with an empty body for writes (so the rules, not the data, decide).
    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, id: Int, headers: HTTPHeaders) async throws -> HTTPStatus {
        var status = HTTPStatus.ok
        var h = headers
        h.replaceOrAdd(name: .accept, value: path.hasPrefix("api/") ? "application/json" : "text/html")
        // Non-numeric keys: a category code and a calendar day that exist, or (for the missing id) ones that do not.
        let missing = id == 987_654
        let filled = path.replacingOccurrences(of: ":id", with: "\(id)").replacingOccurrences(of: ":community", with: "\(id)").replacingOccurrences(of: ":code", with: missing ? "ZZZ" : "E01")
            .replacingOccurrences(of: ":day", with: missing ? "2099-01-01" : "2027-10-09")
        try await app.call(method, "/" + filled, headers: h, beforeRequest: { req in
            if method != .GET {
                if path.hasPrefix("api/") { req.headers.contentType = .json; req.body = .init(string: "{}") }
                else { req.headers.contentType = .urlEncodedForm; req.body = .init(string: "x=1") }
            }
        }, afterResponse: { status = $0.status })
        return status
    }

    func testEveryRouteEveryRole() async throws {
        try await withApp { app, f in
            let inside = try await createIncident(app, f, community: f.c1, grid: f.g1a)
            let outside = try await createIncident(app, f, community: f.c3, grid: f.g3)
            let personInside = try await createPerson(app, f, as: "admin", community: f.c1, grid: f.g1a, id: residentID(sequence: "501"))
            let personOutside = try await createPerson(app, f, as: "admin", community: f.c3, grid: f.g3, id: residentID(sequence: "502"))
            let siteInside = try await createSite(app, f, as: "admin", community: f.c1, grid: f.g1a)
            let siteOutside = try await createSite(app, f, as: "admin", community: f.c3, grid: f.g3)
            // Street level and unassigned: in the street mediator's queue; the other one is in another street.
            let disputeInside = try await createDispute(app, f, community: f.c1, grid: f.g1a, level: "street")
            let disputeOutside = try await createDispute(app, f, community: f.c3, grid: f.g3, level: "street")
            let attachmentOutside = try await makeDisputeAttachment(app, f, dispute: disputeOutside)
            let alertInside = try await insertAlert(app, community: f.c1, station: f.stationA)
            let alertOutside = try await insertAlert(app, community: f.c3, station: f.stationB)
            let inspectionInside = try await makeInspection(app, f, site: siteInside)
            let inspectionOutside = try await makeInspection(app, f, site: siteOutside)
            let leaderOutside = try await makeLeaderAssignment(app, f, community: f.c3, name: "沙头所长")
            let teamInside = try await makeTeam(app, f, community: f.c1), teamOutside = try await makeTeam(app, f, community: f.c3, name: "沙头巡防队")
            let planInside = try await makePatrolPlan(app, f, team: teamInside.team), planOutside = try await makePatrolPlan(app, f, team: teamOutside.team)
            let logInside = try await makePatrolLog(app, f, team: teamInside.team), logOutside = try await makePatrolLog(app, f, team: teamOutside.team)
            let trainingInside = try await makeTraining(app, f, community: f.c1), trainingOutside = try await makeTraining(app, f, community: f.c3)
            let dutyInside = try await makeDutySlot(app, community: f.c1), dutyOutside = try await makeDutySlot(app, community: f.c3)
            let cadreInside = try await makeCadre(app, community: f.c1, grid: f.g1a)
            let cadreOutside = try await makeCadre(app, community: f.c3, grid: f.g3)
            let letterInside = try await makeLetter(app, f, community: f.c1)
            let letterOutside = try await makeLetter(app, f, community: f.c3)
            let portalInside = try await insertPortalRequest(app, community: f.c1)
            let portalOutside = try await insertPortalRequest(app, community: f.c3)
            let noticeInside = try await insertPortalNotice(app, f, division: f.c1), noticeOutside = try await insertPortalNotice(app, f, division: f.c3)
            let officeInside = try await makeOffice(app, station: f.stationA), officeOutside = try await makeOffice(app, station: f.stationB)
            let eventInside = try await insertGridEvent(app, community: f.c1, grid: f.g1a), eventOutside = try await insertGridEvent(app, community: f.c3, grid: f.g3)
            let photoInside = try await insertPhoto(app, event: eventInside), photoOutside = try await insertPhoto(app, event: eventOutside)
            let unit = ResponsibleUnit(name: "城管中队", kind: .urbanManagement, divisionID: f.district); try await unit.create(on: app.db)
            let unitInside = unit.id!
            func finding(_ log: Int) async throws -> Int { let x = PatrolFinding(); x.logID = log; x.details = "消防通道被占用"; try await x.create(on: app.db); return x.id! }
            let findingInside = try await finding(logInside), findingOutside = try await finding(logOutside)
            let victim = User(username: "victim", displayName: "V", passwordHash: "!", role: .analyst, scopeDivisionID: f.district)
            try await victim.create(on: app.db)
            let everyone = Array(f.users.values)
            let pushInside = try await insertPush(app, sender: f.users["admin"]!, area: f.c1, kind: .task, to: everyone)
            let pushOutside = try await insertPush(app, sender: f.users["admin"]!, area: f.c3, kind: .task, to: [victim.id!])
            let petitionInside = try await insertPetition(app, f, community: f.c1), petitionOutside = try await insertPetition(app, f, community: f.c3)
            let meetingInside = try await insertMeeting(app, f, area: f.streetA), meetingOutside = try await insertMeeting(app, f, area: f.streetB)
            let groupInside = try await insertGroup(app, community: f.c1), groupOutside = try await insertGroup(app, community: f.c3)
            let campaignInside = try await insertCampaign(app, f, area: f.streetA, community: f.c1)
            let campaignOutside = try await insertCampaign(app, f, area: f.streetB, community: f.c3)
            let emergencyInside = try await insertEmergencyPlan(app, f, area: f.streetA), emergencyOutside = try await insertEmergencyPlan(app, f, area: f.streetB)
            let resourceOutside = try await insertEmergencyResource(app, f, family: emergencyOutside.plan, community: f.c3)
            let teamsInside = try await insertResponseTeam(app, f, area: f.streetA), teamsOutside = try await insertResponseTeam(app, f, area: f.streetB)
            func outboxMessage(_ request: Int, _ community: Int) async throws -> Int {
                let m = OutboxMessage()
                m.channel = .sms; m.recipientSealed = try FieldCipher(secret: app.pingan.secretKey).seal("13800138000"); m.recipientMasked = "138****8000"
                m.subject = "s"; m.body = "b"; m.status = .failed; m.attempts = 6; m.nextAttemptAt = Date(); m.lastError = "HTTP 500"; m.createdAt = Date()
                m.requestID = request; m.communityID = community; m.event = .accepted
                try await m.create(on: app.db)
                return m.id!
            }
            app.pingan.notify = NotifyChannels(sms: .init(url: "http://127.0.0.1:9/sms", token: nil, timeout: 1))
            let outboxInside = try await outboxMessage(portalInside, f.c1), outboxOutside = try await outboxMessage(portalOutside, f.c3)
            func subscription(_ community: Int) async throws -> Int {
                let s = NoticeSubscription()
                s.communityID = community; s.channel = .sms; s.addressSealed = try FieldCipher(secret: app.pingan.secretKey).seal("13800138000")
                s.addressIndex = "walk-\(community)"; s.addressMasked = "138****8000"; s.audience = .all; s.lang = "zh"
                s.token = String(repeating: "w", count: 21) + "\(community % 10)"; s.status = .active; s.createdAt = Date()
                try await s.create(on: app.db)
                return s.id!
            }
            let subscriptionInside = try await subscription(f.c1), subscriptionOutside = try await subscription(f.c3)
            let victimNotice = StaffNotice(userID: victim.id!, kind: .incident, title: "x", link: "/incidents/\(inside)", at: Date())
            try await victimNotice.create(on: app.db)
            let users: [String: Role] = ["admin": .admin, "command": .districtCommand, "chief": .stationChief, "officer": .communityOfficer,
                                         "grid": .gridWorker, "mediator": .mediator, "leader": .teamLeader, "analyst": .analyst]
            let wholeDistrict: Set<String> = ["admin", "command", "analyst"]
            let inScopeDivision: [String: Int] = ["admin": f.district, "command": f.district, "analyst": f.district, "chief": f.c1,
                                                  "officer": f.c1, "grid": f.g1a, "mediator": f.streetA, "leader": f.c1]

            var seen = Set<String>()
            for route in app.routes.all {
                let path = route.path.map(\.description).joined(separator: "/")
                let key = "\(route.method.rawValue) \(path)"
                seen.insert(key)
                guard let rule = Self.rules[key] else { XCTFail("Route \(key) has no scoping rule in RouteWalkRules.swift"); continue }

                // Signed out: only public routes answer.
                if !rule.isPublic {
                    let s = try await Self.send(app, route.method, path, id: inside, headers: [:])
                    // Reads redirect to sign-in (pages) or answer 401 (API); writes without a session's CSRF token are refused first.
                    let ok: [HTTPStatus] = route.method == .GET ? [.unauthorized, .seeOther] : [.unauthorized, .seeOther, .forbidden]
                    XCTAssertTrue(ok.contains(s), "\(key) signed out gave \(s)")
                    continue
                }
            }
            for (key, rule) in Self.rules where !rule.isPublic {
                let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPMethod(rawValue: parts[0])
                let path = parts.count > 1 ? parts[1] : ""
                for (user, role) in users {
                    func status(_ id: Int) async throws -> HTTPStatus { try await Self.send(app, method, path, id: id, headers: f.bearer(user)) }
                    let allowed = (rule.permission.map { role.can($0) } ?? true) && (rule.also.map { role.can($0) } ?? true)
                    let inID: Int, outID: Int?
                    switch rule.target {
                    case .none: inID = 0; outID = nil
                    case .incident: inID = inside; outID = wholeDistrict.contains(user) ? nil : outside
                    case .division: inID = inScopeDivision[user]!; outID = wholeDistrict.contains(user) ? nil : f.c3
                    case .user: inID = victim.id!; outID = nil
                    case .person: inID = personInside; outID = wholeDistrict.contains(user) ? nil : personOutside
                    case .site: inID = siteInside; outID = wholeDistrict.contains(user) ? nil : siteOutside
                    case .dispute: inID = disputeInside; outID = wholeDistrict.contains(user) ? nil : disputeOutside
                    case .alert: inID = alertInside; outID = wholeDistrict.contains(user) ? nil : alertOutside
                    case .officer: inID = f.users["officer"]!; outID = wholeDistrict.contains(user) ? nil : f.users["officer3"]!
                    case .inspection: inID = inspectionInside; outID = wholeDistrict.contains(user) ? nil : inspectionOutside
                    case .disputeAttachment:
                        // Removing is a write: every call gets a fresh attachment on the in-scope file.
                        inID = try await makeDisputeAttachment(app, f, dispute: disputeInside)
                        outID = wholeDistrict.contains(user) ? nil : attachmentOutside
                    case .team: inID = teamInside.team; outID = wholeDistrict.contains(user) ? nil : teamOutside.team
                    case .teamMember: inID = teamInside.member; outID = wholeDistrict.contains(user) ? nil : teamOutside.member
                    case .patrolPlan: inID = planInside; outID = wholeDistrict.contains(user) ? nil : planOutside
                    case .patrolLog: inID = logInside; outID = wholeDistrict.contains(user) ? nil : logOutside
                    case .training: inID = trainingInside; outID = wholeDistrict.contains(user) ? nil : trainingOutside
                    case .duty: inID = dutyInside; outID = wholeDistrict.contains(user) ? nil : dutyOutside
                    case .cadre: inID = cadreInside; outID = wholeDistrict.contains(user) ? nil : cadreOutside
                    case .letter: inID = letterInside; outID = wholeDistrict.contains(user) ? nil : letterOutside
                    case .portalRequest: inID = portalInside; outID = wholeDistrict.contains(user) ? nil : portalOutside
                    case .portalType: inID = 1; outID = nil // district-wide configuration: no scope to leave
                    case .portalNotice: inID = noticeInside; outID = wholeDistrict.contains(user) ? nil : noticeOutside
                    case .station: inID = f.stationA; outID = wholeDistrict.contains(user) ? nil : f.stationB
                    case .office: inID = officeInside; outID = wholeDistrict.contains(user) ? nil : officeOutside
                    case .gridEvent: inID = eventInside; outID = wholeDistrict.contains(user) ? nil : eventOutside
                    // District-wide configuration, kept by whole-district roles only: no scope to leave.
                    case .unit: inID = unitInside; outID = nil
                    case .patrolFinding: inID = findingInside; outID = wholeDistrict.contains(user) ? nil : findingOutside
                    case .category: inID = 0; outID = nil
                    case .pushMessage: inID = pushInside; outID = wholeDistrict.contains(user) ? nil : pushOutside
                    // Someone else's copy looks missing to everyone, whole-district roles included.
                    case .inboxCopy: inID = pushInside; outID = pushOutside
                    // A work notice is its addressee's alone: someone else's looks missing to everyone.
                    case .staffNotice:
                        let n = StaffNotice(userID: f.users[user]!, kind: .incident, title: "x", link: "/incidents/\(inside)", at: Date())
                        try await n.create(on: app.db)
                        inID = n.id!; outID = victimNotice.id!
                    case .outboxMessage: inID = outboxInside; outID = wholeDistrict.contains(user) ? nil : outboxOutside
                    case .noticeSubscription: inID = subscriptionInside; outID = wholeDistrict.contains(user) ? nil : subscriptionOutside
                    case .petition: inID = petitionInside; outID = wholeDistrict.contains(user) ? nil : petitionOutside
                    case .officeCommunity: inID = f.c1; outID = wholeDistrict.contains(user) ? nil : f.c3
                    case .group: inID = groupInside; outID = wholeDistrict.contains(user) ? nil : groupOutside
                    case .campaign: inID = campaignInside.campaign; outID = wholeDistrict.contains(user) ? nil : campaignOutside.campaign
                    case .campaignTarget: inID = campaignInside.target; outID = wholeDistrict.contains(user) ? nil : campaignOutside.target
                    case .emergencyPlan: inID = emergencyInside.plan; outID = wholeDistrict.contains(user) ? nil : emergencyOutside.plan
                    case .emergencyResource:
                        // Removing is a write: every call gets a fresh resource of the in-scope plan.
                        inID = try await insertEmergencyResource(app, f, family: emergencyInside.plan, community: f.c1)
                        outID = wholeDistrict.contains(user) ? nil : resourceOutside
                    case .emergencyDrill: inID = emergencyInside.drill; outID = wholeDistrict.contains(user) ? nil : emergencyOutside.drill
                    case .emergencyDrillAction: inID = emergencyInside.action; outID = wholeDistrict.contains(user) ? nil : emergencyOutside.action
                    case .emergencyActivation: inID = emergencyInside.activation; outID = wholeDistrict.contains(user) ? nil : emergencyOutside.activation
                    case .responseTeam: inID = teamsInside.team; outID = wholeDistrict.contains(user) ? nil : teamsOutside.team
                    // Removing is a write: every call gets a fresh member (or shift) of the in-scope team.
                    case .responseTeamMember:
                        inID = try await insertResponseTeamMember(app, f, team: teamsInside.team).member
                        outID = wholeDistrict.contains(user) ? nil : teamsOutside.member
                    case .responseTeamShift:
                        inID = try await insertResponseTeamMember(app, f, team: teamsInside.team).shift
                        outID = wholeDistrict.contains(user) ? nil : teamsOutside.shift
                    case .meeting: inID = meetingInside.meeting; outID = wholeDistrict.contains(user) ? nil : meetingOutside.meeting
                    case .meetingAction: inID = meetingInside.action; outID = wholeDistrict.contains(user) ? nil : meetingOutside.action
                    case .calendarDay:
                        // Deleting is a write: every call gets the day back first.
                        var settings = try await GridEventSettings.load(app.db)
                        GridEventSettingsInput.adding(CalendarDayEntry(day: LocalDay("2027-10-09")!, kind: .working, nameZh: "调休上班"), to: &settings)
                        try await settings.save(app.db)
                        inID = 0; outID = nil
                    case .photo:
                        // A photo is as visible as its event: roles that cannot see events get 404, like a missing photo.
                        let sees = role.can(.viewGridEvents)
                        if !sees { let s = try await status(photoInside); XCTAssertEqual(s, .notFound, "\(key) as \(user) without events"); continue }
                        inID = photoInside; outID = wholeDistrict.contains(user) ? nil : photoOutside
                    case .importJob:
                        // A job is its uploader's alone: the user's own is "in scope", someone else's is not.
                        inID = app.importJobs.start(userID: f.users[user]!, fileName: "x.csv", dryRun: true).id
                        outID = app.importJobs.start(userID: victim.id!, fileName: "y.csv", dryRun: true).id
                    case .siteImportJob, .incidentImportJob:
                        // Also the uploader's alone, and only under its own kind's page.
                        let kind: ImportJobs.Kind = rule.target == .siteImportJob ? .sites : .incidents
                        inID = app.importJobs.start(userID: f.users[user]!, fileName: "x.csv", dryRun: true, kind: kind).id
                        outID = app.importJobs.start(userID: f.users[user]!, fileName: "y.csv", dryRun: true).id
                    case .leader:
                        // Removing is the only write: every allowed call needs a fresh in-scope assignment.
                        inID = try await makeLeaderAssignment(app, f, community: f.c1, name: "挂点\(user)\(key.hashValue)")
                        outID = wholeDistrict.contains(user) ? nil : leaderOutside
                    }
                    let s = try await status(inID)
                    if allowed {
                        XCTAssertFalse([.unauthorized, .forbidden, .notFound, .internalServerError].contains(s), "\(key) as \(user) in scope gave \(s)")
                        if let outID {
                            let o = try await status(outID)
                            XCTAssertEqual(o, .notFound, "\(key) as \(user) out of scope must look missing")
                        }
                        if rule.target != .none {
                            let missing = try await status(987_654)
                            XCTAssertEqual(missing, .notFound, "\(key) as \(user) with a missing id")
                        }
                    } else {
                        XCTAssertEqual(s, .forbidden, "\(key) as \(user) lacks \(rule.permission!.rawValue)" + (rule.also.map { " or \($0.rawValue)" } ?? ""))
                    }
                }
            }
            XCTAssertEqual(seen, Set(Self.rules.keys), "rules name routes that no longer exist")
        }
    }
}
