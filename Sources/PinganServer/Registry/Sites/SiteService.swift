import Fluent
import SQLKit
import Vapor
import PinganKit

struct SiteDTO: Content {
    var id: Int
    var kind: SiteKind
    var subtype: String?
    var name: String
    var licence: String
    var address: String
    var communityID: Int
    var gridID: Int?
    var buildingID: Int?
    var contactName: String
    var contactPhoneMasked: String?
    var status: SiteStatus
    var lastInspectedOn: String?
    var attributes: [String: String]
    var note: String
}

struct SiteMemberDTO: Content {
    var id: Int
    var role: SiteRole
    var personID: Int
    var name: String
    var idNumberMasked: String
    var unit: String
    var floor: String
}

extension Site {
    func toDTO() -> SiteDTO {
        SiteDTO(id: id ?? 0, kind: kind, subtype: subtype, name: name, licence: licence, address: address, communityID: communityID, gridID: gridID,
                buildingID: buildingID, contactName: contactName, contactPhoneMasked: contactPhoneMasked, status: status, lastInspectedOn: lastInspectedOn,
                attributes: values, note: note)
    }
}

/// Filters of the site registry, read alike by the page, the API and the CSV.
struct SiteFilter {
    var kind: SiteKind?
    var subtype: String?
    var community: Int?
    var grid: Int?
    var status: SiteStatus?
    var q: String?
    var phone: String?
    /// Not inspected within N days (or never).
    var uninspectedDays: Int?
    /// A search by the contact's exact phone: purpose-bound, audited, rate-limited (see `IdentifierSearch`).
    var identifierSearch: IdentifierSearch?
    var identifierSearchForbidden = false

    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        if let k = req.query[String.self, at: "kind"]?.nilIfEmpty { kind = SiteKind(rawValue: k); if kind == nil { e["kind"] = L.t("登记类别无效", "Unknown kind") } }
        if let s = req.query[String.self, at: "subtype"]?.nilIfEmpty {
            if let kind, kind.subtype?.options.contains(where: { $0.value == s }) == true { subtype = s } else if kind != nil { e["subtype"] = L.t("分类无效", "Unknown type") }
        }
        community = req.query[String.self, at: "community"]?.nilIfEmpty.flatMap { Int($0) }
        grid = req.query[String.self, at: "grid"]?.nilIfEmpty.flatMap { Int($0) }
        if let s = req.query[String.self, at: "status"]?.nilIfEmpty { status = SiteStatus(rawValue: s); if status == nil { e["status"] = L.t("状态无效", "Unknown status") } }
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
        if let raw = req.query[String.self, at: "phone"]?.nilIfEmpty {
            phone = PhoneNumber.normalize(raw); if phone == nil { e["phone"] = L.t("电话号码格式不正确", "Not a phone number") }
        }
        if let d = req.query[String.self, at: "uninspected"]?.nilIfEmpty {
            if let n = Int(d), (0...3650).contains(n) { uninspectedDays = n } else { e["uninspected"] = L.t("应为 0–3650 天", "Days 0–3650") }
        }
        if let p = phone {
            if !((try? req.user.role.can(.revealIdentity)) ?? false) { identifierSearchForbidden = true }
            else {
                identifierSearch = IdentifierSearch.read(req, field: .phone, masked: PhoneNumber.masked(p), errors: &e)
                if identifierSearch == nil { phone = nil }
            }
        }
    }

    func query(_ req: Request) async throws -> QueryBuilder<Site> {
        if identifierSearchForbidden { throw await IdentifierSearch.refuse(req, entity: "site") }
        try identifierSearch?.authorize(req)
        let q = try await unauditedQuery(req)
        if let s = identifierSearch { await s.audit(req, entity: "site", hits: try await q.copy().count()) }
        return q
    }

    private func unauditedQuery(_ req: Request) async throws -> QueryBuilder<Site> {
        let q = try await req.scoped(Site.self)
        if let kind { q.filter(\.$kind == kind) }
        if let subtype { q.filter(\.$subtype == subtype) }
        if let community { q.filter(\.$communityID == community) }
        if let grid { q.filter(\.$gridID == grid) }
        if let status { q.filter(\.$status == status) }
        if let text = self.q { q.group(.or) { $0.filter(\.$name ~~ text).filter(\.$address ~~ text).filter(\.$licence ~~ text) } }
        if let phone { q.filter(\.$contactPhoneIndex == req.cipher.blindIndex(phone, field: "phone")) }
        if let days = uninspectedDays {
            let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
            let limit = cal.formatDate(Date().addingTimeInterval(-Double(days) * 86400))
            q.filter(\.$status == .active).group(.or) { $0.filter(\.$lastInspectedOn == nil).filter(\.$lastInspectedOn < limit) }
            return q.sort(\.$lastInspectedOn).sort(\.$id)
        }
        return q.sort(\.$id, .descending)
    }
}

enum SiteService {
    static func scoped(_ req: Request, _ id: Int?) async throws -> Site { try await req.findScoped(Site.self, id) }

    static func create(_ req: Request, _ input: SiteInput) async throws -> Site {
        try req.require(.editRegistry)
        let s = Site()
        try await input.apply(to: s, req: req)
        s.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await s.create(on: db)
            await req.audit("site.create", entity: "site", id: s.id.map(String.init), detail: s.kind.rawValue, on: db)
        }
        return s
    }

    static func update(_ req: Request, _ s: Site, _ input: SiteInput) async throws {
        try req.require(.editRegistry)
        try await input.apply(to: s, req: req)
        try await req.db.transaction { db in
            try await s.save(on: db)
            await req.audit("site.update", entity: "site", id: s.id.map(String.init), detail: s.kind.rawValue, on: db)
        }
    }

    // MARK: members (桩钉, landlords, tenants …)

    static func members(_ req: Request, _ s: Site) async throws -> [SiteMemberDTO] {
        let rows = try await SiteMember.query(on: req.db).filter(\.$siteID == s.id!).all()
        // unscoped: members of a place in scope (a landlord may live outside it)
        let people = Dictionary(uniqueKeysWithValues: try await Person.query(on: req.db).filter(\.$id ~~ rows.map(\.personID)).all().map { ($0.id!, $0) })
        let order = Dictionary(uniqueKeysWithValues: SiteRole.allCases.enumerated().map { ($1, $0) })
        return rows.compactMap { m in
            people[m.personID].map { p in SiteMemberDTO(id: m.id!, role: m.role, personID: p.id!, name: p.name, idNumberMasked: p.idNumberMasked, unit: m.unit, floor: m.floor) }
        }.sorted { (order[$0.role]!, $0.unit, $0.floor, $0.name) < (order[$1.role]!, $1.unit, $1.floor, $1.name) }
    }

    struct MemberInput: Content {
        var role: String?
        var idNumber: String?
        var personID: String?
        var unit: String?
        var floor: String?
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            role = c.loose(AnyKey("role")); idNumber = c.loose(AnyKey("idNumber")); personID = c.loose(AnyKey("personID"))
            unit = c.loose(AnyKey("unit")); floor = c.loose(AnyKey("floor"))
        }
    }

    /// Attaches a registered person (found by ID number through the blind index, or by id) in a role.
    /// The person must be in the user's scope: out-of-scope people are "not found", as elsewhere.
    static func addMember(_ req: Request, _ s: Site, _ input: MemberInput) async throws -> SiteMember {
        try req.require(.editRegistry)
        let L = req.lang
        var e = FieldErrors()
        let role = input.role?.nilIfEmpty.flatMap(SiteRole.init(rawValue:))
        if role == nil { e["role"] = L.t("请选择角色", "Choose a role") } else if let role, !s.kind.roles.contains(role) {
            e["role"] = L.t("\(s.kind.nameZh)没有“\(role.nameZh)”这一角色", "A \(s.kind.nameEn.lowercased()) has no \(role.nameEn.lowercased())")
        }
        var person: Person? = nil
        if let raw = input.idNumber?.nilIfEmpty {
            switch ResidentID.parse(raw) {
            // unscoped: scope checked on the person just below
            case .success(let rid): person = try await Person.query(on: req.db).filter(\.$idNumberIndex == req.cipher.blindIndex(rid.value, field: "id_number")).first()
            case .failure(let p): e["idNumber"] = L.t(p.messageZh, p.messageEn)
            }
        } else if let pid = input.personID.flatMap({ Int($0) }) {
            // unscoped: scope checked on the person just below
            person = try await Person.find(pid, on: req.db)
        } else { e["idNumber"] = L.t("请填写身份号码", "Enter the ID number") }
        let scope = try await req.scope()
        if e["idNumber"] == nil, person == nil || !scope.allows(person!) {
            person = nil
            e["idNumber"] = L.t("实有人口中没有此人，请先登记", "Not in the people registry; register the person first")
        }
        let unit = (input.unit ?? "").trimmed, floor = (input.floor ?? "").trimmed
        if unit.count > 10 { e["unit"] = L.t("不能超过10字", "At most 10 characters") }
        if floor.count > 10 { e["floor"] = L.t("不能超过10字", "At most 10 characters") }
        if let role, role.needsUnit, unit.isEmpty { e["unit"] = L.t("\(role.nameZh)须填写单元", "A \(role.nameEn.lowercased()) needs the unit") }
        if let role, role.needsFloor, floor.isEmpty { e["floor"] = L.t("楼层长须填写楼层", "A floor head needs the floor") }
        if let role, let person, e.isEmpty {
            let existing = try await SiteMember.query(on: req.db).filter(\.$siteID == s.id!).filter(\.$role == role).all()
            if existing.contains(where: { $0.personID == person.id! }) { e["idNumber"] = L.t("此人已是该角色", "Already in this role") }
            else if role.isSingular, existing.contains(where: { $0.unit == unit && $0.floor == floor }) {
                e["role"] = L.t("已有\(role.nameZh)，请先移除", "There is already a \(role.nameEn.lowercased()); remove them first")
            }
        }
        guard e.isEmpty, let role, let person else { throw e }
        let m = SiteMember()
        m.siteID = s.id!; m.personID = person.id!; m.role = role; m.unit = unit; m.floor = floor
        try await req.db.transaction { db in
            try await m.create(on: db)
            await req.audit("site.member.add", entity: "site", id: "\(s.id!)", detail: "\(role.rawValue) person=\(person.id!)", on: db)
        }
        return m
    }

    static func removeMember(_ req: Request, _ s: Site, memberID: Int?) async throws {
        try req.require(.editRegistry)
        guard let memberID else { throw FieldErrors(["memberID": req.t("请指定要移除的人员", "Say which member to remove")]) }
        guard let m = try await SiteMember.find(memberID, on: req.db), m.siteID == s.id else { throw Abort(.notFound) }
        try await req.db.transaction { db in
            try await m.delete(on: db)
            await req.audit("site.member.remove", entity: "site", id: "\(s.id!)", detail: "\(m.role.rawValue) person=\(m.personID)", on: db)
        }
    }

    /// Households (户) of a building: its registered residents grouped by room.
    static func households(_ req: Request, _ s: Site) async throws -> [(room: String, people: [Person])] {
        guard let b = s.buildingID else { return [] }
        let people = try await req.scoped(Person.self).filter(\.$buildingID == b).sort(\.$room).sort(\.$name).limit(5000).all()
        return Dictionary(grouping: people, by: { $0.room.isEmpty ? "—" : $0.room }).map { ($0.key, $0.value) }
            .sorted { $0.room.localizedStandardCompare($1.room) == .orderedAscending }
    }

    // MARK: CSV

    static func csvHeader(_ kind: SiteKind?, english: Bool) -> [String] {
        var h = english ? ["Id", "Kind", "Name", "Licence", "Address", "Community", "Grid", "Contact", "Phone (masked)", "Status", "Last inspected"]
                        : ["编号", "类别", "名称", "证照编号", "地址", "社区/村", "网格", "负责人", "电话（脱敏）", "状态", "最近检查"]
        if let kind { h += kind.fields.map { english ? $0.en : $0.zh } }
        return h
    }

    static func csv(_ req: Request, _ filter: SiteFilter) async throws -> Response {
        try req.require(.viewRegistry)
        let L = req.lang
        var w = CSVWriter(header: csvHeader(filter.kind, english: L.isEnglish))
        let sites = try await filter.query(req).limit(100_000).all()
        let names = try await DivisionLookup.names(sites.flatMap { [$0.communityID, $0.gridID].compactMap { $0 } }, on: req.db)
        for s in sites {
            var row = ["\(s.id!)", L.t(s.kind.nameZh, s.kind.nameEn), s.name, s.licence, s.address, names[s.communityID] ?? "", s.gridID.flatMap { names[$0] } ?? "",
                       s.contactName, s.contactPhoneMasked ?? "", L.t(s.status.zh, s.status.en), s.lastInspectedOn ?? ""]
            if let kind = filter.kind { let v = s.values; row += kind.fields.map { f in v[f.key].map { f.display($0, english: L.isEnglish) } ?? "" } }
            w.append(row)
        }
        await req.audit("site.export", entity: "site", detail: req.url.query ?? "")
        return CSVResponse.make(filename: (filter.kind?.rawValue ?? "sites") + ".csv", writer: w)
    }
}
