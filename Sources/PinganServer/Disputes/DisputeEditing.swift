import Fluent
import Foundation
import PinganKit
import Vapor

extension DisputeInput {
    /// The form as the file stands now (the edit page starts from it; a PATCH fills what it omits from it).
    init(_ d: Dispute, parties: [DisputeParty]) {
        self.init()
        type = d.type.rawValue; source = d.source.rawValue; summary = d.summary; peopleInvolved = "\(d.peopleInvolved)"
        communityID = "\(d.communityID)"; gridID = d.gridID.map { "\($0)" } ?? ""; address = d.address
        riskMassPetition = d.riskMassPetition ? "1" : "0"; riskGroupFight = d.riskGroupFight ? "1" : "0"; riskCriminal = d.riskCriminal ? "1" : "0"
        self.parties = parties.map { DisputePartyInput(name: $0.name, personID: $0.personID.map { "\($0)" }, side: $0.side.rawValue) }
    }

    /// A partial update (PATCH): what was sent replaces, what was left out stays.
    func overlaid(on base: DisputeInput) -> DisputeInput {
        var out = base
        if let type { out.type = type }
        if let source { out.source = source }
        if let summary { out.summary = summary }
        if let peopleInvolved { out.peopleInvolved = peopleInvolved }
        if let communityID {
            out.communityID = communityID
            // A new community without a grid clears the old community's grid.
            if gridID == nil, communityID != base.communityID { out.gridID = "" }
        }
        if let gridID { out.gridID = gridID }
        if let address { out.address = address }
        if let riskMassPetition { out.riskMassPetition = riskMassPetition }
        if let riskGroupFight { out.riskGroupFight = riskGroupFight }
        if let riskCriminal { out.riskCriminal = riskCriminal }
        if !parties.isEmpty { out.parties = parties }
        return out
    }
}

extension DisputeService {
    /// Corrects a registered file's details while it is not finished, validated like registration.
    /// The routed level and the workflow are not touched (assignment and escalation do that). Each
    /// change is named on the timeline and in the audit; nothing changed = nothing written.
    /// Returns the names of the changed fields.
    @discardableResult
    static func update(_ req: Request, _ d: Dispute, _ input: DisputeInput) async throws -> [String] {
        try req.require(.editDisputes)
        let L = req.lang
        guard d.status.detailsEditable else {
            throw FieldErrors(["status": L.t("“\(d.status.nameZh)”的档案不能再修改", "A file that is \(d.status.nameEn.lowercased()) can no longer be edited")])
        }
        var input = input
        input.level = nil
        let c = try await input.check(req)
        let old = try await DisputeParty.query(on: req.db).filter(\.$disputeID == d.id!).sort(\.$id).all()
        let places = try await DivisionLookup.names([d.communityID, d.gridID, c.place.communityID, c.place.gridID].compactMap { $0 }, on: req.db)
        func place(_ cid: Int, _ gid: Int?) -> String { (places[cid] ?? "\(cid)") + (gid.map { " / " + (places[$0] ?? "\($0)") } ?? "") }
        func risk(_ m: Bool, _ f: Bool, _ k: Bool) -> String {
            var r: [String] = []
            if m { r.append(L.t("群体性上访", "mass petition")) }
            if f { r.append(L.t("群体性械斗", "group fight")) }
            if k { r.append(L.t("民转刑", "may turn criminal")) }
            return r.isEmpty ? L.t("无", "none") : r.joined(separator: L.t("、", ", "))
        }
        func partyText(_ ps: [(DisputeSide, String, Int?)]) -> String {
            ps.map { L.t($0.0.zh, $0.0.en) + "：" + $0.1 }.joined(separator: L.t("；", "; "))
        }
        var changes: [(key: String, text: String)] = []
        func note(_ key: String, _ zh: String, _ en: String, _ from: String, _ to: String, quote: Bool = true) {
            guard from != to else { return }
            changes.append((key, quote ? L.t("\(zh)（\(from) → \(to)）", "\(en) (\(from) → \(to))") : L.t(zh, en)))
        }
        note("type", "类型", "type", L.t(d.type.nameZh, d.type.nameEn), L.t(c.type.nameZh, c.type.nameEn))
        note("source", "来源", "source", L.t(d.source.nameZh, d.source.nameEn), L.t(c.source.nameZh, c.source.nameEn))
        note("summary", "简要情况", "summary", d.summary, c.summary, quote: false)
        note("peopleInvolved", "涉及人数", "people involved", "\(d.peopleInvolved)", "\(c.people)")
        note("place", "地点", "place", place(d.communityID, d.gridID), place(c.place.communityID, c.place.gridID))
        note("address", "地址", "address", d.address.isEmpty ? "—" : d.address, c.address.isEmpty ? "—" : c.address)
        note("risk", "激化风险", "risk flags", risk(d.riskMassPetition, d.riskGroupFight, d.riskCriminal), risk(c.mass, c.fight, c.criminal))
        let oldParties = old.map { ($0.side, $0.name, $0.personID) }, newParties = c.parties.map { ($0.side, $0.name, $0.personID) }
        if oldParties.map({ "\($0.0.rawValue)|\($0.1)|\($0.2 ?? 0)" }) != newParties.map({ "\($0.0.rawValue)|\($0.1)|\($0.2 ?? 0)" }) {
            changes.append(("parties", L.t("当事人（\(partyText(oldParties)) → \(partyText(newParties))）", "parties (\(partyText(oldParties)) → \(partyText(newParties)))")))
        }
        guard !changes.isEmpty else { return [] }

        d.type = c.type; d.source = c.source; d.summary = c.summary; d.peopleInvolved = c.people
        d.communityID = c.place.communityID; d.gridID = c.place.gridID; d.address = c.address
        d.riskMassPetition = c.mass; d.riskGroupFight = c.fight; d.riskCriminal = c.criminal
        let userID = try req.user.requireID()
        let detail = L.t("修改档案：", "Edited: ") + changes.map(\.text).joined(separator: L.t("；", "; "))
        let keys = changes.map(\.key)
        try await req.db.transaction { db in
            try await d.save(on: db)
            if keys.contains("parties") {
                try await DisputeParty.query(on: db).filter(\.$disputeID == d.id!).delete()
                for p in c.parties {
                    let row = DisputeParty(); row.disputeID = d.id!; row.side = p.side; row.name = p.name; row.personID = p.personID
                    try await row.create(on: db)
                }
            }
            try await DisputeEvent(disputeID: d.id!, action: "edit", from: d.status, to: d.status, level: d.level, detail: String(detail.prefix(4000)), userID: userID, at: Date()).create(on: db)
            await req.audit("dispute.update", entity: "dispute", id: d.id.map(String.init), detail: "changed=" + keys.joined(separator: ","), on: db)
        }
        return keys
    }
}

// MARK: routes (registered from DisputeController / DisputeAPIController)

extension DisputeController {
    struct UploadForm: Content { var file: File? }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        let parties = try await DisputeParty.query(on: req.db).filter(\.$disputeID == d.id!).sort(\.$id).all()
        guard d.status.detailsEditable else { return req.redirect(to: "/disputes/\(d.id!)") }
        var input = DisputeInput(d, parties: parties)
        // The form links by the ID number's last four, as the masked number shows them.
        for i in input.parties.indices {
            guard let pid = input.parties[i].personID.flatMap({ Int($0) }), let person = try await req.visible(Person.self, pid) else { continue }
            input.parties[i].idTail = PersonLink.tail(of: person); input.parties[i].personID = nil
        }
        return try await formPage(req, input, FieldErrors(), editing: d)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(DisputeInput.self)) ?? DisputeInput()
        do {
            try await DisputeService.update(req, d, input)
            return req.redirect(to: "/disputes/\(d.id!)")
        } catch let e as FieldErrors {
            let fresh = try await DisputeService.scoped(req, d.id)
            return try await formPage(req, input, e, editing: fresh)
        }
    }

    @Sendable func upload(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        let form = try? req.content.decode(UploadForm.self)
        do {
            _ = try await DisputeAttachmentService.upload(req, d, file: form?.file)
            return req.redirect(to: "/disputes/\(d.id!)#attachments")
        } catch let e as FieldErrors {
            let res = DisputeViews.detail(req, try await Self.detailData(req, try await DisputeService.scoped(req, d.id)), canEdit: true, errors: e)
            res.status = e.status
            return res
        }
    }

    @Sendable func download(req: Request) async throws -> Response {
        try req.require(.viewDisputes)
        let (a, d) = try await DisputeAttachmentService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await DisputeAttachmentService.download(req, a, d)
    }

    @Sendable func removeAttachment(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let (a, d) = try await DisputeAttachmentService.scoped(req, req.parameters.get("id", as: Int.self))
        do {
            try await DisputeAttachmentService.delete(req, a, d)
            return req.redirect(to: "/disputes/\(d.id!)#attachments")
        } catch let e as FieldErrors {
            return DisputeViews.detail(req, try await Self.detailData(req, d), canEdit: true, errors: e)
        }
    }
}

extension DisputeAPIController {
    @Sendable func update(req: Request) async throws -> DisputeDTO {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        let sent = try req.content.decode(DisputeInput.self)
        let parties = try await DisputeParty.query(on: req.db).filter(\.$disputeID == d.id!).sort(\.$id).all()
        try await DisputeService.update(req, d, sent.overlaid(on: DisputeInput(d, parties: parties)))
        return try await DisputeService.full(req, d)
    }

    @Sendable func upload(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        let form = try? req.content.decode(DisputeController.UploadForm.self)
        let a = try await DisputeAttachmentService.upload(req, d, file: form?.file)
        let dto = try await DisputeAttachmentService.list(req, d).first { $0.id == a.id }!
        let res = try await dto.encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/dispute-attachments/\(a.id!)")
        return res
    }

    @Sendable func attachments(req: Request) async throws -> [DisputeAttachmentDTO] {
        try req.require(.viewDisputes)
        return try await DisputeAttachmentService.list(req, try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func download(req: Request) async throws -> Response { try await DisputeController().download(req: req) }

    @Sendable func removeAttachment(req: Request) async throws -> HTTPStatus {
        try req.require(.editDisputes)
        let (a, d) = try await DisputeAttachmentService.scoped(req, req.parameters.get("id", as: Int.self))
        try await DisputeAttachmentService.delete(req, a, d)
        return .noContent
    }
}
