import Fluent
import Vapor
import PinganKit

/// A plan's resources: added from the plan page (`/governance/plans/{id}/resources`), edited and removed under
/// `/governance/resources/{id}`; JSON under `/api/v1/emergency-plans/{id}/resources` and `/api/v1/emergency-resources/{id}`.
struct EmergencyResourceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("governance", "plans", ":id", "resources", use: add)
        let r = routes.grouped("governance", "resources")
        r.get(":id", use: open)
        r.get(":id", "edit", use: editPage)
        r.post(":id", use: update)
        r.post(":id", "delete", use: delete)
        routes.get("api", "v1", "emergency-plans", ":id", "resources", use: apiList)
        routes.post("api", "v1", "emergency-plans", ":id", "resources", use: apiAdd)
        routes.patch("api", "v1", "emergency-resources", ":id", use: apiUpdate)
        routes.delete("api", "v1", "emergency-resources", ":id", use: apiDelete)
    }

    func plan(_ req: Request) async throws -> EmergencyPlan { try await EmergencyPlanService.find(req, req.parameters.get("id", as: Int.self)) }
    func resource(_ req: Request) async throws -> (EmergencyResource, EmergencyPlan) { try await EmergencyResourceService.find(req, req.parameters.get("id", as: Int.self)) }

    @Sendable func add(req: Request) async throws -> Response {
        let p = try await plan(req)
        let input = (try? req.content.decode(EmergencyResourceService.Input.self)) ?? EmergencyResourceService.Input()
        do {
            let r = try await EmergencyResourceService.add(req, p, input)
            return req.redirect(to: "/governance/plans/\(p.id!)#resource-\(r.id!)")
        } catch let e as FieldErrors {
            return try await EmergencyPlanController().detailPage(req, p, resource: (input, e))
        }
    }

    /// A resource's link (the map's card): its plan's page, at the resource.
    @Sendable func open(req: Request) async throws -> Response {
        let (r, p) = try await resource(req)
        return req.redirect(to: "/governance/plans/\(p.id!)#resource-\(r.id!)")
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        let (r, p) = try await resource(req)
        try await EmergencyPlanService.requireManage(req, p)
        return try await EmergencyResourceViews.editPage(req, r, plan: p, input: .init(r), errors: FieldErrors())
    }

    @Sendable func update(req: Request) async throws -> Response {
        let (r, p) = try await resource(req)
        let input = (try? req.content.decode(EmergencyResourceService.Input.self)) ?? EmergencyResourceService.Input()
        do {
            try await EmergencyResourceService.update(req, r, p, input)
            return req.redirect(to: "/governance/plans/\(p.id!)#resource-\(r.id!)")
        } catch let e as FieldErrors {
            return try await EmergencyResourceViews.editPage(req, r, plan: p, input: input, errors: e)
        }
    }

    @Sendable func delete(req: Request) async throws -> Response {
        let (r, p) = try await resource(req)
        try await EmergencyResourceService.delete(req, r, p)
        return req.redirect(to: "/governance/plans/\(p.id!)#resources")
    }

    // MARK: JSON

    @Sendable func apiList(req: Request) async throws -> [EmergencyResourceDTO] {
        let p = try await plan(req)
        return try await EmergencyResourceService.dtos(req, try await EmergencyResourceService.list(req.db, family: p.familyID))
    }

    @Sendable func apiAdd(req: Request) async throws -> Response {
        let p = try await plan(req)
        let r = try await EmergencyResourceService.add(req, p, try req.content.decode(EmergencyResourceService.Input.self))
        let res = Response(status: .created)
        try res.content.encode(try await EmergencyResourceService.dtos(req, [r])[0])
        return res
    }

    /// PATCH: fields left out keep their values; the result is checked whole.
    @Sendable func apiUpdate(req: Request) async throws -> EmergencyResourceDTO {
        let (r, p) = try await resource(req)
        let sent = try req.content.decode(EmergencyResourceService.Input.self)
        var input = EmergencyResourceService.Input(r)
        input.kind = sent.kind ?? input.kind; input.name = sent.name ?? input.name; input.capacity = sent.capacity ?? input.capacity
        input.keeper = sent.keeper ?? input.keeper; input.address = sent.address ?? input.address; input.note = sent.note ?? input.note
        input.lat = sent.lat ?? input.lat; input.lon = sent.lon ?? input.lon
        try await EmergencyResourceService.update(req, r, p, input)
        return try await EmergencyResourceService.dtos(req, [r])[0]
    }

    struct Deleted: Content { var deleted: Int }
    @Sendable func apiDelete(req: Request) async throws -> Deleted {
        let (r, p) = try await resource(req)
        let id = r.id!
        try await EmergencyResourceService.delete(req, r, p)
        return Deleted(deleted: id)
    }
}
