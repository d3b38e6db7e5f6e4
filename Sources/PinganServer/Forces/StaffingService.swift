import Fluent
import SQLKit
import Vapor
import PinganKit

/// A community officer (社区民警) as the forces pages show them: an active user with the community-officer
/// role, scoped to one community.
struct OfficerDTO: Content {
    var id: Int
    var name: String
    var username: String
    var communityID: Int
    var communityName: String
    var stationName: String?
    var concurrentPost: String
}

/// Loads the staffing planner's input from the jurisdiction tree, the users and the incident ledger,
/// and keeps the district's rules. The arithmetic is PinganKit's (`StaffingPlanner`, `StaffingWhatIf`).
enum StaffingService {
    // MARK: officers

    /// Active community officers in the user's scope, by community code then name.
    static func officers(_ req: Request) async throws -> [OfficerDTO] {
        let scope = try await req.scope()
        let q = scope.restrictCommunities(User.query(on: req.db).filter(\.$role == .communityOfficer).filter(\.$active == true)
            .filter(\.$scopeDivisionID != nil), by: \.$scopeDivisionID)
        let users = try await q.all()
        return try await dtos(req, users)
    }

    static func dtos(_ req: Request, _ users: [User]) async throws -> [OfficerDTO] {
        let communityIDs = Set(users.compactMap(\.scopeDivisionID))
        let communities = communityIDs.isEmpty ? [] : try await Division.query(on: req.db).filter(\.$id ~~ Array(communityIDs)).all()
        let byID = Dictionary(uniqueKeysWithValues: communities.map { ($0.id!, $0) })
        let stations = Dictionary(uniqueKeysWithValues: try await Station.query(on: req.db).all().map { ($0.id!, $0.name) })
        let posts = try await profiles(req.db, users.compactMap(\.id))
        return users.compactMap { u -> OfficerDTO? in
            guard let cid = u.scopeDivisionID, let c = byID[cid], c.level == .community else { return nil }
            return OfficerDTO(id: u.id!, name: u.displayName, username: u.username, communityID: cid, communityName: c.name,
                              stationName: c.stationID.flatMap { stations[$0] }, concurrentPost: posts[u.id!] ?? "")
        }.sorted { (byID[$0.communityID]!.code, $0.name, $0.id) < (byID[$1.communityID]!.code, $1.name, $1.id) }
    }

    static func profiles(_ db: any Database, _ userIDs: [Int]) async throws -> [Int: String] {
        guard !userIDs.isEmpty else { return [:] }
        var out: [Int: String] = [:]
        for p in try await OfficerProfile.query(on: db).filter(\.$userID ~~ userIDs).all() { out[p.userID] = p.concurrentPost }
        return out
    }

    /// A community officer in scope, or 404 (missing and out of scope look alike).
    static func scopedOfficer(_ req: Request, _ id: Int?) async throws -> User {
        guard let id, let u = try await User.find(id, on: req.db), u.role == .communityOfficer, let cid = u.scopeDivisionID,
              try await req.scope().allowsWholeCommunity(cid) else { throw Abort(.notFound) }
        return u
    }

    /// Sets an officer's concurrent community post (empty clears it).
    static func setConcurrentPost(_ req: Request, _ officer: User, post raw: String?) async throws -> String {
        try req.require(.manageOfficers)
        let post = (raw ?? "").trimmed
        if post.count > 50 { throw FieldErrors(["concurrentPost": req.t("不能超过50字", "At most 50 characters")]) }
        try await req.db.transaction { db in
            let p = try await OfficerProfile.query(on: db).filter(\.$userID == officer.id!).first() ?? { let n = OfficerProfile(); n.userID = officer.id!; return n }()
            p.concurrentPost = post
            try await p.save(on: db)
            await req.audit("officer.post", entity: "user", id: "\(officer.id!)", detail: post, on: db)
        }
        return post
    }

    // MARK: rules

    static func districtID(_ db: any Database) async throws -> Int? {
        try await Division.query(on: db).filter(\.$level == .district).sort(\.$code).first()?.id
    }

    /// The stored rules of the district, or the seed-001 defaults.
    static func rules(_ db: any Database) async throws -> StaffingRules {
        guard let d = try await districtID(db), let r = try await StaffingRulesRecord.query(on: db).filter(\.$districtID == d).first(),
              let decoded = try? JSONDecoder().decode(StaffingRules.self, from: Data(r.rules.utf8)) else { return .seed001 }
        return decoded
    }

    static func saveRules(_ req: Request, _ rules: StaffingRules) async throws {
        try req.require(.configureStaffing)
        guard let d = try await districtID(req.db) else { throw Abort(.notFound) }
        let enc = JSONEncoder(); enc.outputFormatting = .sortedKeys
        let json = String(decoding: try enc.encode(rules), as: UTF8.self)
        try await req.db.transaction { db in
            let r = try await StaffingRulesRecord.query(on: db).filter(\.$districtID == d).first() ?? { let n = StaffingRulesRecord(); n.districtID = d; return n }()
            r.rules = json
            r.updatedByID = try req.user.requireID()
            try await r.save(on: db)
            await req.audit("staffing.rules", entity: "staffing_rules", id: "\(d)", detail: json, on: db)
        }
    }

    // MARK: plan

    struct Options {
        /// Incidents and disputes counted over the last `months` months (workload view).
        var months = 12
        var station: Int?
        /// The whole district whoever asks (the assessment's indicators are district-wide, then narrowed).
        var everything = false
    }

    struct Loaded {
        var input: [CommunityStaffingInput]
        var plan: StaffingPlan
        /// Station name (the plan's station code) → station id, for links and the station filter.
        var stationIDs: [String: Int]
        var communityIDs: [String: Int]
        var rules: StaffingRules
    }


    /// Builds the planner's rows for the communities in scope and runs `StaffingPlanner.validatedPlan`.
    /// - Rural villages that share a police-area office (警务区警务室) form one police area, so their officers pool.
    /// - An office shared by several villages counts once, on the first of them by code.
    /// - Officers in place: active community-officer users assigned to the community.
    static func load(_ req: Request, _ o: Options) async throws -> Loaded {
        let scope: Scope = o.everything ? .everything : try await req.scope()
        let q = scope.restrictCommunities(Division.query(on: req.db).filter(\.$level == .community))
        if let s = o.station { q.filter(\.$stationID == s) }
        let communities = try await q.sort(\.$code).all()
        let ids = communities.compactMap(\.id)
        let offices = Dictionary(uniqueKeysWithValues: try await PoliceOffice.query(on: req.db).all().map { ($0.id!, $0) })
        // Officers in place and their concurrent posts.
        var officers: [Int: Int] = [:], posts: [Int: Int] = [:]
        if !ids.isEmpty {
            let users = try await User.query(on: req.db).filter(\.$role == .communityOfficer).filter(\.$active == true).filter(\.$scopeDivisionID ~~ ids).all()
            let profile = try await profiles(req.db, users.compactMap(\.id))
            for u in users {
                officers[u.scopeDivisionID!, default: 0] += 1
                if !(profile[u.id!] ?? "").isEmpty { posts[u.scopeDivisionID!, default: 0] += 1 }
            }
        }
        // Incidents and disputes of the period, one grouped query.
        var incidents: [Int: Int] = [:], disputes: [Int: Int] = [:]
        if !ids.isEmpty {
            let since = Calendar(identifier: .gregorian).date(byAdding: .month, value: -o.months, to: Date()) ?? Date()
            let sql = req.db as! any SQLDatabase
            // unscoped: ids are the communities loaded in scope above
            let rows = try await sql.select().column("community_id").column("category").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("incidents").where("occurred_at", .greaterThanOrEqual, since).where("community_id", .in, ids)
                .groupBy("community_id").groupBy("category").all()
            for r in rows {
                let c = try r.decode(column: "community_id", as: Int.self), n = try r.decode(column: "n", as: Int.self)
                incidents[c, default: 0] += n
                if try r.decode(column: "category", as: String.self) == IncidentCategory.dispute.rawValue { disputes[c, default: 0] += n }
            }
        }
        // Stations are shown (and the CSV written) by name, so the plan's station code is the name.
        let stations = try await Station.query(on: req.db).all()
        let stationNames = Dictionary(uniqueKeysWithValues: stations.map { ($0.id!, $0.name) })
        let noStation = req.t("未指定派出所", "No station")
        var officeCounted = Set<Int>()
        var input: [CommunityStaffingInput] = []
        var codes: [String: Int] = [:]
        for c in communities {
            let kind = c.kind ?? .urban
            var area: String? = nil
            var officesIn = 0
            if let oid = c.officeID, let office = offices[oid] {
                if office.kind == .ruralArea && kind == .rural { area = office.name }
                if officeCounted.insert(oid).inserted { officesIn = 1 }
            }
            let n = officers[c.id!] ?? 0
            input.append(CommunityStaffingInput(code: c.code, name: c.name, stationCode: c.stationID.flatMap { stationNames[$0] } ?? noStation, kind: kind,
                                                population: max(0, c.residentPopulation), policeArea: area, officesInPlace: officesIn,
                                                officersInPlace: n, concurrentPosts: min(n, posts[c.id!] ?? 0),
                                                incidents: incidents[c.id!] ?? 0, disputes: disputes[c.id!] ?? 0))
            codes[c.code] = c.id!
        }
        let rules = try await Self.rules(req.db)
        let plan: StaffingPlan
        do { plan = try StaffingPlanner.validatedPlan(input, rules: rules) } catch {
            // Stored rules are validated on save; a plan that still fails is a data problem, said plainly.
            throw Abort(.conflict, reason: req.t("配置测算失败：\(error)", "The staffing plan failed: \(error)"))
        }
        return Loaded(input: input, plan: plan, stationIDs: Dictionary(stations.map { ($0.name, $0.id!) }, uniquingKeysWith: { a, _ in a }),
                      communityIDs: codes, rules: rules)
    }

    static func empty(_ req: Request) async throws -> Loaded {
        let rules = try await Self.rules(req.db)
        return Loaded(input: [], plan: StaffingPlanner.plan([], rules: rules), stationIDs: [:], communityIDs: [:], rules: rules)
    }

    static func months(_ req: Request, errors e: inout FieldErrors) -> Int {
        guard let raw = req.query[String.self, at: "months"]?.nilIfEmpty else { return 12 }
        if let n = Int(raw), (1...60).contains(n) { return n }
        e["months"] = req.t("统计月数应为 1–60", "Months must be 1–60")
        return 12
    }

    static func newOfficers(_ req: Request, errors e: inout FieldErrors) -> Int? {
        guard let raw = req.query[String.self, at: "officers"]?.nilIfEmpty else { return nil }
        if let n = Int(raw), (1...10_000).contains(n) { return n }
        e["officers"] = req.t("新增民警数应为 1–10000 的整数", "New officers must be a whole number 1–10000")
        return nil
    }
}

/// The rules form and API body: every field optional (absent = keep the stored value); bands as
/// "5000:1, 8000:2" text (form) or `[{"population":5000,"officers":1}, …]` (API).
struct StaffingRulesInput: Content {
    var urbanBands: String?
    var urbanStepAbove: String?
    var townOfficersPerCommunity: String?
    var ruralPopulationPerOfficer: String?
    var tolerancePercent: String?
    var minimumOfficers: String?
    var officesPerCommittee: String?
    var ruralOfficePerPoliceArea: String?
    /// The form always sends the checkbox's companion so an unticked box means false.
    var complete = false

    init() {}
    init(_ r: StaffingRules) {
        urbanBands = Self.bandsText(r.urbanBands)
        urbanStepAbove = r.urbanStepAbove.map(String.init) ?? ""
        townOfficersPerCommunity = "\(r.townOfficersPerCommunity)"
        ruralPopulationPerOfficer = "\(r.ruralPopulationPerOfficer)"; tolerancePercent = "\(r.tolerancePercent)"
        minimumOfficers = "\(r.minimumOfficers)"; officesPerCommittee = "\(r.officesPerCommittee)"
        ruralOfficePerPoliceArea = r.ruralOfficePerPoliceArea ? "1" : nil
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        if let bands = try? c.decode([StaffingRules.Band].self, forKey: AnyKey("urbanBands")) { urbanBands = Self.bandsText(bands) }
        else { urbanBands = c.loose(AnyKey("urbanBands")) }
        if (try? c.decodeNil(forKey: AnyKey("urbanStepAbove"))) == true { urbanStepAbove = "" } else { urbanStepAbove = c.loose(AnyKey("urbanStepAbove")) }
        townOfficersPerCommunity = c.loose(AnyKey("townOfficersPerCommunity"))
        ruralPopulationPerOfficer = c.loose(AnyKey("ruralPopulationPerOfficer")); tolerancePercent = c.loose(AnyKey("tolerancePercent"))
        minimumOfficers = c.loose(AnyKey("minimumOfficers")); officesPerCommittee = c.loose(AnyKey("officesPerCommittee"))
        ruralOfficePerPoliceArea = c.loose(AnyKey("ruralOfficePerPoliceArea"))
        complete = ["1", "true"].contains(c.loose(AnyKey("complete")) ?? "")
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encodeIfPresent(urbanBands, forKey: AnyKey("urbanBands"))
    }

    static func bandsText(_ b: [StaffingRules.Band]) -> String { b.map { "\($0.population):\($0.officers)" }.joined(separator: ", ") }

    /// Validated rules, or every problem as a field message.
    func apply(to old: StaffingRules, _ L: Lang) throws -> StaffingRules {
        var r = old
        var e = FieldErrors()
        func int(_ raw: String?, _ key: String, _ range: ClosedRange<Int>, _ zh: String, _ en: String) -> Int? {
            guard let raw else { return nil }
            guard let n = Int(raw.trimmed), range.contains(n) else { e[key] = L.t(zh, en); return nil }
            return n
        }
        if let raw = urbanBands {
            var bands: [StaffingRules.Band] = []
            let parts = raw.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == ";" || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for p in parts {
                let xy = p.split(whereSeparator: { $0 == ":" || $0 == "：" }).map { Int($0.trimmingCharacters(in: .whitespaces)) }
                if xy.count == 2, let pop = xy[0], let n = xy[1], (1...1_000_000).contains(pop), (0...100).contains(n) { bands.append(.init(population: pop, officers: n)) }
                else { e["urbanBands"] = L.t("格式应为“人口:民警数”，用逗号分隔，如 5000:1, 8000:2", "Write population:officers pairs separated by commas, e.g. 5000:1, 8000:2"); break }
            }
            if e["urbanBands"] == nil {
                if bands.isEmpty { e["urbanBands"] = L.t("至少填写一档", "Give at least one band") }
                else if zip(bands, bands.dropFirst()).contains(where: { $1.population <= $0.population }) { e["urbanBands"] = L.t("各档人口须由小到大", "Bands must ascend by population") }
                else if zip(bands, bands.dropFirst()).contains(where: { $1.officers < $0.officers }) { e["urbanBands"] = L.t("人口越多，民警数不能越少", "Officers must not fall as population rises") }
                else { r.urbanBands = bands }
            }
        }
        if let raw = urbanStepAbove {
            if raw.trimmed.isEmpty || raw.trimmed == "0" { r.urbanStepAbove = nil }
            else if let n = int(raw, "urbanStepAbove", 100...1_000_000, "应为 100–1000000 的整数，或留空表示不再增加", "A whole number 100–1000000, or empty for no further officers") { r.urbanStepAbove = n }
        }
        if let n = int(townOfficersPerCommunity, "townOfficersPerCommunity", 0...10, "应为 0–10", "Must be 0–10") { r.townOfficersPerCommunity = n }
        if let n = int(ruralPopulationPerOfficer, "ruralPopulationPerOfficer", 100...1_000_000, "应为 100–1000000 的整数", "A whole number 100–1000000") { r.ruralPopulationPerOfficer = n }
        if let n = int(tolerancePercent, "tolerancePercent", 0...50, "“左右”容差应为 0–50（%）", "Tolerance must be 0–50 (%)") { r.tolerancePercent = n }
        if let n = int(minimumOfficers, "minimumOfficers", 0...10, "应为 0–10", "Must be 0–10") { r.minimumOfficers = n }
        if let n = int(officesPerCommittee, "officesPerCommittee", 0...10, "应为 0–10", "Must be 0–10") { r.officesPerCommittee = n }
        if let raw = ruralOfficePerPoliceArea { r.ruralOfficePerPoliceArea = ["1", "true", "on", "yes"].contains(raw.trimmed.lowercased()) }
        else if complete { r.ruralOfficePerPoliceArea = false }
        if e.isEmpty, !r.problems.isEmpty { e["rules"] = r.problems.joined(separator: "; ") }
        guard e.isEmpty else { throw e }
        return r
    }
}
