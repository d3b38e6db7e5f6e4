import Fluent
import Vapor
import PinganKit

/// A petition names its dispute file and incident by the numbers printed on them (TJ2026-000123, J20261203-000045),
/// offered in a list of recent records in scope; a plain row id is still taken, for API clients.
enum PetitionLinks {
    static let recentDays = 180, listLimit = 200

    /// The dispute file's row id, or nil when the text names no file the user may see (a wrong year counts as wrong).
    static func dispute(_ req: Request, _ raw: String) async -> Int? {
        let text = raw.trimmed
        if let id = Int(text) { return (try? await DisputeService.scoped(req, id)) != nil ? id : nil }
        guard let n = RecordNumber(text), n.kind == .dispute, let d = try? await DisputeService.scoped(req, n.id),
              sameDate(d.fileNumber(req.localCalendar), n.canonical) else { return nil }
        return n.id
    }

    static func incident(_ req: Request, _ raw: String) async throws -> Int? {
        let text = raw.trimmed
        if let id = Int(text) { return try await req.visible(Incident.self, id) != nil ? id : nil }
        guard let n = RecordNumber(text), n.kind == .incident, let i = try await req.visible(Incident.self, n.id),
              sameDate(i.number(req.localCalendar), n.canonical) else { return nil }
        return n.id
    }

    /// The typed number's year or date must be the record's; its serial may be written without the leading zeros.
    private static func sameDate(_ printed: String, _ typed: String) -> Bool {
        printed.split(separator: "-").first == typed.split(separator: "-").first
    }

    /// What the form shows for a stored link: the record's number (the id when the record is no longer in scope).
    static func disputeNumber(_ req: Request, _ id: Int?) async -> String? {
        guard let id else { return nil }
        return (try? await DisputeService.scoped(req, id)).map { $0.fileNumber(req.localCalendar) } ?? String(id)
    }

    /// File numbers of the linked disputes the user may see, for a list or the CSV (others keep their id, as on the form).
    static func disputeNumbers(_ req: Request, _ ids: [Int]) async throws -> [Int: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let cal = req.localCalendar
        return Dictionary(uniqueKeysWithValues: try await req.scoped(Dispute.self).filter(\.$id ~~ unique).all().map { ($0.id!, $0.fileNumber(cal)) })
    }

    static func incidentNumber(_ req: Request, _ id: Int?) async throws -> String? {
        guard let id else { return nil }
        return try await req.visible(Incident.self, id).map { $0.number(req.localCalendar) } ?? String(id)
    }

    struct Choice { var value: String; var label: String }

    /// Recent dispute files and incidents in the user's scope, newest first, for the form's suggestion lists.
    static func choices(_ req: Request) async throws -> (disputes: [Choice], incidents: [Choice]) {
        let cal = req.localCalendar, L = req.lang
        let since = Date().addingTimeInterval(-Double(recentDays) * 86_400)
        let disputes = try await req.scoped(Dispute.self).filter(\.$registeredAt >= since).sort(\.$registeredAt, .descending).limit(listLimit).all()
        let incidents = try await req.scoped(Incident.self).filter(\.$reportedAt >= since).sort(\.$reportedAt, .descending).limit(listLimit).all()
        return (disputes.map { Choice(value: $0.fileNumber(cal), label: L.t($0.type.nameZh, $0.type.nameEn) + " · " + String($0.summary.prefix(24))) },
                incidents.map { Choice(value: $0.number(cal), label: cal.formatDate($0.occurredAt) + " · " + String($0.address.prefix(24))) })
    }

    static func datalist(_ id: String, _ choices: [Choice]) -> Node {
        .element("datalist", [.id(id)] + choices.map { .element("option", [.attr("value", $0.value), .attr("label", $0.label)]) })
    }
}
