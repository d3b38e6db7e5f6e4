import Fluent
import SQLKit
import Vapor
import PinganKit

struct IntegratedOfficeInput: Content {
    var director: String?, deputyID: String?, members: String?, establishedOn: String?, note: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        director = c.loose(AnyKey("director")); deputyID = c.loose(AnyKey("deputyID")); members = c.loose(AnyKey("members"))
        establishedOn = c.loose(AnyKey("establishedOn")); note = c.loose(AnyKey("note"))
    }
    init(_ o: IntegratedOffice?) {
        director = o?.director; deputyID = o?.deputyID.map(String.init); members = o?.members; establishedOn = o?.establishedOn; note = o?.note
    }
}

/// The self-assessment as submitted: `status[command]=met&evidence[command]=…` from the form, or
/// `{"items": {"command": {"status": "met", "evidence": "…"}}}` as JSON.
struct ChecksInput: Content {
    var items: [String: (status: String?, evidence: String?)] = [:]
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        if c.contains(AnyKey("items")), let nested = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("items")) {
            for k in nested.allKeys {
                let i = try? nested.nestedContainer(keyedBy: AnyKey.self, forKey: k)
                items[k.stringValue] = (i?.loose(AnyKey("status")), i?.loose(AnyKey("evidence")))
            }
        } else {
            let s = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("status"))
            let e = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("evidence"))
            for k in Set((s?.allKeys ?? []).map(\.stringValue) + (e?.allKeys ?? []).map(\.stringValue)) {
                items[k] = (s?.loose(AnyKey(k)), e?.loose(AnyKey(k)))
            }
        }
    }
    func encode(to encoder: any Encoder) throws {}
}

enum OfficeService {
    /// A community the user sees as a whole, or 404 (a grid worker's part of one is not enough).
    static func community(_ req: Request, _ id: Int?) async throws -> Division {
        try req.require(.viewGovernance)
        guard let id, let d = try await Division.find(id, on: req.db), d.level == .community, try await req.scope().allowsWholeCommunity(id) else { throw Abort(.notFound) }
        return d
    }

    static func office(_ req: Request, community: Int) async throws -> IntegratedOffice? {
        try await req.scoped(IntegratedOffice.self).filter(\.$communityID == community).first()
    }

    /// The 检查考核 integration, from the deputy's dual-assessment scores.
    static func assessment(_ req: Request, deputy: Int?) async throws -> (IntegrationStatus, String) {
        let L = req.lang
        guard let deputy else { return (.notMet, L.t("未指定副主任（社区民警），无法读取双考核记录", "No deputy (community officer) named: no dual-assessment record to read")) }
        let last = YearMonth(year: WorkLogService.today(req).components.year, month: WorkLogService.today(req).components.month).previous
        let scores = try await PersonnelScore.query(on: req.db).filter(\.$subjectID == deputy).filter(\.$month >= last.adding(months: -2).description).all()
        let station = Set(scores.filter { $0.kind == .station }.map(\.month)), gov = Set(scores.filter { $0.kind == .governance }.map(\.month))
        let status = IntegrationRules.assessmentStatus(stationMonths: station, governanceMonths: gov, lastMonth: last)
        let text = L.t("\(last) 月：派出所评分" + (station.contains(last.description) ? "已评" : "未评") + "，综治办评分" + (gov.contains(last.description) ? "已评" : "未评"),
                       "\(last): station score " + (station.contains(last.description) ? "given" : "missing") + ", governance office score " + (gov.contains(last.description) ? "given" : "missing"))
        return (status, text)
    }

    static func dto(_ req: Request, _ c: Division, _ o: IntegratedOffice?) async throws -> IntegratedOfficeDTO {
        let L = req.lang
        var checks: [Integration: IntegrationCheck] = [:]
        if let oid = o?.id { for x in try await IntegrationCheck.query(on: req.db).filter(\.$officeID == oid).all() { checks[x.item] = x } }
        var deputy: User? = nil
        if let id = o?.deputyID { deputy = try await User.find(id, on: req.db) }
        let (aStatus, aText) = try await assessment(req, deputy: o?.deputyID)
        var statuses: [Integration: IntegrationStatus] = [:]
        let items = Integration.allCases.map { i -> IntegrationDTO in
            let status: IntegrationStatus? = i.isComputed ? (o == nil ? nil : aStatus) : checks[i]?.status
            statuses[i] = status
            return IntegrationDTO(item: i, name: L.t(i.nameZh, i.nameEn), expectation: L.t(i.expectationZh, i.expectationEn), status: status,
                                  statusName: status.map { L.t($0.nameZh, $0.nameEn) }, evidence: i.isComputed ? aText : (checks[i]?.evidence ?? ""),
                                  checkedOn: i.isComputed ? nil : checks[i]?.checkedOn, computed: i.isComputed)
        }
        return IntegratedOfficeDTO(communityID: c.id!, community: c.name, established: o != nil, director: o?.director ?? "", deputyID: o?.deputyID, deputy: deputy?.displayName,
                         members: o?.members ?? "", establishedOn: o?.establishedOn, note: o?.note ?? "", inPlace: IntegrationRules.score(statuses), integrations: items)
    }

    static func save(_ req: Request, _ c: Division, _ input: IntegratedOfficeInput) async throws -> IntegratedOffice {
        try req.require(.editGovernance)
        let L = req.lang
        var e = FieldErrors()
        let director = (input.director ?? "").trimmed
        if director.isEmpty { e["director"] = L.t("请填写主任（社区书记）姓名", "Enter the director (the community secretary)") } else if director.count > 30 { e["director"] = L.t("不能超过30字", "At most 30 characters") }
        var deputy: Int? = nil
        if let raw = input.deputyID?.nilIfEmpty {
            if let id = Int(raw), let u = try await User.find(id, on: req.db), u.role == .communityOfficer, u.scopeDivisionID == c.id { deputy = id }
            else { e["deputyID"] = L.t("副主任应为本社区的社区民警", "The deputy is one of the community's officers") }
        }
        let members = (input.members ?? "").trimmed
        if members.count > 2000 { e["members"] = L.t("不能超过2000字", "At most 2000 characters") }
        var established: String? = nil
        if let raw = input.establishedOn?.nilIfEmpty {
            if let d = LocalDay(raw), d <= WorkLogService.today(req) { established = d.description } else { e["establishedOn"] = L.t("日期无效或晚于今天", "Not a date, or in the future") }
        }
        let note = (input.note ?? "").trimmed
        if note.count > 1000 { e["note"] = L.t("不能超过1000字", "At most 1000 characters") }
        guard e.isEmpty else { throw e }
        let existing = try await office(req, community: c.id!)
        let o = existing ?? IntegratedOffice()
        o.communityID = c.id!; o.director = director; o.deputyID = deputy; o.members = members; o.establishedOn = established; o.note = note
        try await req.db.transaction { db in
            try await o.save(on: db)
            await req.audit(existing == nil ? "office.create" : "office.update", entity: "integrated_office", id: o.id.map(String.init), detail: "community=\(c.id!)", on: db)
        }
        return o
    }

    /// Saves the five self-assessed integrations at once (检查考核 is read off the dual assessment and cannot be set).
    static func saveChecks(_ req: Request, _ c: Division, _ input: ChecksInput) async throws {
        try req.require(.editGovernance)
        let L = req.lang
        guard let o = try await office(req, community: c.id!) else {
            throw FieldErrors(["director": L.t("请先登记合署办公的主任和副主任", "Record the office's director and deputy first")])
        }
        var e = FieldErrors()
        var rows: [(Integration, IntegrationStatus, String)] = []
        for i in Integration.allCases where !i.isComputed {
            guard let (s, ev) = input.items[i.rawValue], let raw = s?.nilIfEmpty else { continue }
            guard let status = IntegrationStatus(rawValue: raw) else { e["status.\(i.rawValue)"] = L.t("状态无效", "Unknown status"); continue }
            let evidence = (ev ?? "").trimmed
            if evidence.count > 500 { e["evidence.\(i.rawValue)"] = L.t("不能超过500字", "At most 500 characters") }
            if status != .notMet && evidence.isEmpty { e["evidence.\(i.rawValue)"] = L.t("已落实或部分落实的请写明依据", "Say what shows it is in place") }
            rows.append((i, status, evidence))
        }
        if input.items[Integration.assessment.rawValue]?.status?.nilIfEmpty != nil {
            e["status.assessment"] = L.t("检查考核一体化由双考核记录计算，不能手工填写", "One assessment is read off the dual-assessment records and cannot be set")
        }
        guard e.isEmpty else { throw e }
        let today = WorkLogService.today(req).description, me = try req.user.requireID()
        try await req.db.transaction { db in
            let existing = Dictionary(uniqueKeysWithValues: try await IntegrationCheck.query(on: db).filter(\.$officeID == o.id!).all().map { ($0.item, $0) })
            for (i, s, ev) in rows {
                let x = existing[i] ?? IntegrationCheck()
                x.officeID = o.id!; x.item = i; x.status = s; x.evidence = ev; x.checkedOn = today; x.checkedByID = me
                try await x.save(on: db)
            }
            await req.audit("office.checks", entity: "integrated_office", id: o.id.map(String.init), detail: "items=\(rows.count)", on: db)
        }
    }

    /// The district's view: each community the user sees as a whole, with its office and integrations in place.
    static func overview(_ req: Request) async throws -> [IntegratedOfficeDTO] {
        try req.require(.viewGovernance)
        let scope = try await req.scope()
        let communities = try await DivisionLookup.communities(req).filter { scope.allowsWholeCommunity($0.id) }
        let offices = Dictionary(uniqueKeysWithValues: try await req.scoped(IntegratedOffice.self).all().map { ($0.communityID, $0) })
        var out: [IntegratedOfficeDTO] = []
        // Communities with an office in full; the others without reading their (absent) checks.
        for c in communities {
            if let o = offices[c.id] {
                let d = Division(); d.id = c.id; d.name = c.name
                out.append(try await dto(req, d, o))
            } else {
                out.append(IntegratedOfficeDTO(communityID: c.id, community: c.name, established: false, director: "", deputyID: nil, deputy: nil, members: "",
                                     establishedOn: nil, note: "", inPlace: 0, integrations: []))
            }
        }
        return out
    }
}
