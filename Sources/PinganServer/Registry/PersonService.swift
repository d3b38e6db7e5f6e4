import Fluent
import Vapor
import PinganKit
import SQLKit

struct PersonDTO: Content {
    var id: Int
    var name: String
    var sex: String
    /// Birth decade ("1980s") only: the birth date, or even its year, beside the masked number narrows it to a few
    /// dozen candidates. The year is kept for statistics; the reveal shows the whole number.
    var birthDecade: String
    var idNumberMasked: String
    var phoneMasked: String?
    var hukouAddress: String
    var category: PersonCategory
    var keyType: KeyPopulationType?
    var supervisorID: Int?
    var communityID: Int
    var gridID: Int?
    var buildingID: Int?
    var room: String
    var residenceExpiresOn: String?
    var note: String
}

struct RevealedIdentity: Content { var idNumber: String; var phone: String? }

extension Person {
    func toDTO() -> PersonDTO {
        PersonDTO(id: id ?? 0, name: name, sex: sex, birthDecade: ResidentID.birthDecade(ofYear: birthYear), idNumberMasked: idNumberMasked, phoneMasked: phoneMasked,
                  hukouAddress: hukouAddress, category: category, keyType: keyType, supervisorID: supervisorID, communityID: communityID,
                  gridID: gridID, buildingID: buildingID, room: room, residenceExpiresOn: residenceExpiresOn, note: note)
    }
}

/// Filters of the people registry, read alike by the page, the API and the CSV.
struct PersonFilter {
    var community: Int?
    var grid: Int?
    var category: PersonCategory?
    var keyType: KeyPopulationType?
    var q: String?
    var idNumber: String?
    var phone: String?
    /// Temporary residents whose registration expires within N days (or already has).
    var expiringDays: Int?
    /// Set when the filter searches by an exact identifier: purpose-bound, audited and rate-limited.
    var identifierSearch: IdentifierSearch?
    /// An identifier search by a role that may not make one: refused (403) before any query.
    var identifierSearchForbidden = false

    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        community = req.query[String.self, at: "community"]?.nilIfEmpty.flatMap { Int($0) }
        grid = req.query[String.self, at: "grid"]?.nilIfEmpty.flatMap { Int($0) }
        if let c = req.query[String.self, at: "category"]?.nilIfEmpty { category = PersonCategory(rawValue: c); if category == nil { e["category"] = L.t("人口类别无效", "Unknown category") } }
        if let k = req.query[String.self, at: "keyType"]?.nilIfEmpty { keyType = KeyPopulationType(rawValue: k); if keyType == nil { e["keyType"] = L.t("重点人口类型无效", "Unknown key-population type") } }
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
        if let raw = req.query[String.self, at: "idNumber"]?.nilIfEmpty {
            switch ResidentID.parse(raw) { case .success(let id): idNumber = id.value; case .failure(let p): e["idNumber"] = L.t(p.messageZh, p.messageEn) }
        }
        if let raw = req.query[String.self, at: "phone"]?.nilIfEmpty {
            phone = PhoneNumber.normalize(raw); if phone == nil { e["phone"] = L.t("电话号码格式不正确", "Not a phone number") }
        }
        if let d = req.query[String.self, at: "expiring"]?.nilIfEmpty {
            if let n = Int(d), (0...3650).contains(n) { expiringDays = n } else { e["expiring"] = L.t("应为 0–3650 天", "Days 0–3650") }
        }
        if idNumber != nil || phone != nil {
            if !((try? req.user.role.can(.revealIdentity)) ?? false) { identifierSearchForbidden = true }
            else {
                let masked = [idNumber.map { (try? ResidentID.parse($0).get())?.masked ?? "" }, phone.map(PhoneNumber.masked)].compactMap { $0 }.joined(separator: " ")
                identifierSearch = IdentifierSearch.read(req, field: idNumber != nil ? .idNumber : .phone, masked: masked, errors: &e)
                if identifierSearch == nil { idNumber = nil; phone = nil }  // no purpose: no search (the page says why)
            }
        }
    }

    /// Refuses or counts an identifier search before the query runs.
    func authorizeIdentifierSearch(_ req: Request) async throws {
        if identifierSearchForbidden { throw await IdentifierSearch.refuse(req, entity: "person") }
        try identifierSearch?.authorize(req)
    }

    func query(_ req: Request) async throws -> QueryBuilder<Person> {
        try await authorizeIdentifierSearch(req)
        let q = try await unauditedQuery(req)
        if let s = identifierSearch { await s.audit(req, entity: "person", hits: try await q.copy().count()) }
        return q
    }

    private func unauditedQuery(_ req: Request) async throws -> QueryBuilder<Person> {
        let q = try await req.scoped(Person.self)
        if let community { q.filter(\.$communityID == community) }
        if let grid { q.filter(\.$gridID == grid) }
        if let category { q.filter(\.$category == category) }
        if let keyType { q.filter(\.$keyType == keyType) }
        if let text = self.q { q.filter(\.$name ~~ text) }
        if let idNumber { q.filter(\.$idNumberIndex == req.cipher.blindIndex(idNumber, field: "id_number")) }
        if let phone { q.filter(\.$phoneIndex == req.cipher.blindIndex(phone, field: "phone")) }
        if let days = expiringDays {
            let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
            let limit = cal.formatDate(Date().addingTimeInterval(Double(days) * 86400))
            q.filter(\.$category == .temporary).filter(\.$residenceExpiresOn <= limit)
            return q.sort(\.$residenceExpiresOn).sort(\.$id)
        }
        return q.sort(\.$id, .descending)
    }
}

enum PersonService {
    static func scoped(_ req: Request, _ id: Int?) async throws -> Person { try await req.findScoped(Person.self, id) }

    static func create(_ req: Request, _ input: PersonInput) async throws -> Person {
        try req.require(.editRegistry)
        let p = Person()
        try await input.apply(to: p, req: req)
        p.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await p.create(on: db)
            await req.audit("person.create", entity: "person", id: p.id.map(String.init), detail: p.category.rawValue, on: db)
        }
        return p
    }

    static func update(_ req: Request, _ p: Person, _ input: PersonInput) async throws {
        try req.require(.editRegistry)
        try await input.apply(to: p, req: req)
        try await req.db.transaction { db in
            try await p.save(on: db)
            await req.audit("person.update", entity: "person", id: p.id.map(String.init), on: db)
        }
    }

    /// Why an identity number is being unmasked (查询事由); the audit log keeps it with the read.
    static let purposes: [(String, String, String)] = [
        ("identity_check", "核查身份", "Identity check"), ("service", "办理业务", "Handling a service request"),
        ("case", "案件侦办", "Case investigation"), ("supervision", "重点人口管控", "Key-population supervision"), ("other", "其他", "Other"),
    ]

    struct RevealInput: Content { var purpose: String?; var detail: String? }

    /// Unmasks identity data for a user whose role allows it; every unmasked read is audited with its purpose.
    static func reveal(_ req: Request, _ p: Person, _ input: RevealInput) async throws -> RevealedIdentity {
        try req.require(.revealIdentity)
        let L = req.lang
        let purpose = input.purpose?.nilIfEmpty
        let detail = (input.detail ?? "").trimmed
        var e = FieldErrors()
        if purpose == nil || !purposes.contains(where: { $0.0 == purpose }) { e["purpose"] = L.t("请选择查看事由", "Say why you need the full numbers") }
        if purpose == "other" && detail.isEmpty { e["detail"] = L.t("选择“其他”时请写明事由", "Describe the purpose") }
        if detail.count > 200 { e["detail"] = L.t("不能超过200字", "At most 200 characters") }
        guard e.isEmpty else { throw e }
        let c = req.cipher
        let out = RevealedIdentity(idNumber: try c.open(p.idNumberSealed), phone: try p.phoneSealed.map { try c.open($0) })
        await req.audit("person.reveal", entity: "person", id: p.id.map(String.init), detail: "purpose=\(purpose!)" + (detail.isEmpty ? "" : "; \(detail)"))
        return out
    }

    /// "1980年代" / "1980s".
    static func decade(_ birthYear: String, _ L: Lang) -> String {
        let d = ResidentID.birthDecade(ofYear: birthYear)
        return d == "—" ? d : L.t(String(d.dropLast()) + "年代", d)
    }

    static let csvHeaderZh = ["编号", "姓名", "性别", "出生年代", "身份号码（脱敏）", "电话（脱敏）", "户籍地", "类别", "重点人口类型", "社区/村", "网格", "房号", "暂住有效期至"]
    static let csvHeaderEn = ["Id", "Name", "Sex", "Born (decade)", "ID number (masked)", "Phone (masked)", "Household registration", "Category", "Key type", "Community", "Grid", "Room", "Residence expires"]

    /// Exports are masked: a spreadsheet leaves the system's access control behind.
    static func csv(_ req: Request, _ filter: PersonFilter) async throws -> Response {
        try req.require(.viewRegistry)
        let L = req.lang
        var w = CSVWriter(header: L.isEnglish ? csvHeaderEn : csvHeaderZh)
        let people = try await filter.query(req).limit(100_000).all()
        let names = try await divisionNames(req, people)
        for p in people {
            w.append(["\(p.id!)", p.name, p.sex == "M" ? L.t("男", "M") : L.t("女", "F"), decade(p.birthYear, L), p.idNumberMasked, p.phoneMasked ?? "", p.hukouAddress,
                      L.t(p.category.nameZh, p.category.nameEn), p.keyType.map { L.t($0.nameZh, $0.nameEn) } ?? "",
                      names[p.communityID] ?? "", p.gridID.flatMap { names[$0] } ?? "", p.room, p.residenceExpiresOn ?? ""])
        }
        await req.audit("person.export", entity: "person", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "people.csv", writer: w)
    }

    static func divisionNames(_ req: Request, _ people: [Person]) async throws -> [Int: String] {
        try await DivisionLookup.names(people.flatMap { [$0.communityID, $0.gridID, $0.buildingID].compactMap { $0 } }, on: req.db)
    }
}

/// One row of a people list read with SQLKit: the API list answered a lookup by ID number with two Fluent model
/// queries whose reflection (Mirror over every field) was most of its CPU at 2 million rows.
struct PersonRow: Decodable {
    var id: Int, name: String, sex: String, birthYear: String, idNumberMasked: String, phoneMasked: String?, hukouAddress: String
    var category: PersonCategory, keyType: KeyPopulationType?, supervisorID: Int?, communityID: Int, gridID: Int?, buildingID: Int?
    var room: String, residenceExpiresOn: String?, note: String

    enum CodingKeys: String, CodingKey {
        case id, name, sex, category, room, note
        case birthYear = "birth_date", idNumberMasked = "id_number_masked", phoneMasked = "phone_masked", hukouAddress = "hukou_address"
        case keyType = "key_type", supervisorID = "supervisor_id", communityID = "community_id", gridID = "grid_id", buildingID = "building_id"
        case residenceExpiresOn = "residence_expires_on"
    }
    static let columns = ["id", "name", "sex", "birth_date", "id_number_masked", "phone_masked", "hukou_address", "category", "key_type",
                          "supervisor_id", "community_id", "grid_id", "building_id", "room", "residence_expires_on", "note"]

    var dto: PersonDTO {
        PersonDTO(id: id, name: name, sex: sex, birthDecade: ResidentID.birthDecade(ofYear: birthYear), idNumberMasked: idNumberMasked, phoneMasked: phoneMasked,
                  hukouAddress: hukouAddress, category: category, keyType: keyType, supervisorID: supervisorID, communityID: communityID,
                  gridID: gridID, buildingID: buildingID, room: room, residenceExpiresOn: residenceExpiresOn, note: note)
    }
}

extension PersonFilter {
    /// The same conditions as `query(_:)`, as SQL.
    func restrict<B: SQLPredicateBuilder>(_ b: B, _ req: Request, scope: Scope) -> B {
        var b = b
        b = scope.restrict(b)
        if let community { b = b.where("community_id", .equal, community) }
        if let grid { b = b.where("grid_id", .equal, grid) }
        if let category { b = b.where("category", .equal, category.rawValue) }
        if let keyType { b = b.where("key_type", .equal, keyType.rawValue) }
        if let text = q { b = b.where("name", .like, "%\(text)%") }
        if let idNumber { b = b.where("id_number_index", .equal, req.cipher.blindIndex(idNumber, field: "id_number")) }
        if let phone { b = b.where("phone_index", .equal, req.cipher.blindIndex(phone, field: "phone")) }
        if let days = expiringDays {
            let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
            b = b.where("category", .equal, PersonCategory.temporary.rawValue)
                .where("residence_expires_on", .lessThanOrEqual, cal.formatDate(Date().addingTimeInterval(Double(days) * 86400)))
        }
        return b
    }

    /// One page of people in scope, newest first (the expiring worklist: soonest first), with the total.
    func page(_ req: Request, _ page: PinganKit.PageRequest) async throws -> (total: Int, rows: [PersonRow]) {
        try await authorizeIdentifierSearch(req)
        let scope = try await req.scope()
        let sql = req.db as! any SQLDatabase
        let total = try await restrict(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("people"), req, scope: scope)
            .first()?.decode(column: "n", as: Int.self) ?? 0
        if let s = identifierSearch { await s.audit(req, entity: "person", hits: total) }
        var q = restrict(sql.select().columns(PersonRow.columns.map { SQLColumn($0, table: "people") }).from("people"), req, scope: scope)
        q = expiringDays != nil ? q.orderBy("residence_expires_on").orderBy("id") : q.orderBy("id", .descending)
        let rows = total > page.offset ? try await q.offset(page.offset).limit(page.per).all(decoding: PersonRow.self) : []
        return (total, rows)
    }
}
