import Fluent
import Vapor
import PinganKit

/// 合署办公 under `/governance/offices` (the district's table and each community's office) and `/api/v1/integrated-offices`.
struct OfficeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("governance", "offices")
        r.get(use: list)
        r.get(":community", use: show)
        r.post(":community", use: save)
        r.post(":community", "checks", use: saveChecks)

        let api = routes.grouped("api", "v1", "integrated-offices")
        api.get(use: apiList)
        api.get(":community", use: apiShow)
        api.put(":community", use: apiSave)
        api.put(":community", "checks", use: apiChecks)
    }

    func community(_ req: Request) async throws -> Division {
        try await OfficeService.community(req, req.parameters.get("community", as: Int.self))
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        return OfficeViews.list(req, try await OfficeService.overview(req))
    }

    func page(_ req: Request, _ c: Division, office: IntegratedOfficeInput? = nil, checks: ChecksInput? = nil, errors: FieldErrors = FieldErrors()) async throws -> Response {
        let o = try await OfficeService.office(req, community: c.id!)
        let officers = try await User.query(on: req.db).filter(\.$role == .communityOfficer).filter(\.$scopeDivisionID == c.id!).sort(\.$displayName).all()
        return OfficeViews.detail(req, try await OfficeService.dto(req, c, o), input: office ?? IntegratedOfficeInput(o), checks: checks, officers: officers, errors: errors)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        return try await page(req, try await community(req))
    }

    @Sendable func save(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let c = try await community(req)
        let input = (try? req.content.decode(IntegratedOfficeInput.self)) ?? IntegratedOfficeInput()
        do {
            _ = try await OfficeService.save(req, c, input)
            return req.redirect(to: "/governance/offices/\(c.id!)")
        } catch let e as FieldErrors { return try await page(req, c, office: input, errors: e) }
    }

    @Sendable func saveChecks(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let c = try await community(req)
        let input = (try? req.content.decode(ChecksInput.self)) ?? ChecksInput()
        do {
            try await OfficeService.saveChecks(req, c, input)
            return req.redirect(to: "/governance/offices/\(c.id!)#integrations")
        } catch let e as FieldErrors { return try await page(req, c, checks: input, errors: e) }
    }

    // MARK: API

    @Sendable func apiList(req: Request) async throws -> [IntegratedOfficeDTO] {
        try req.require(.viewGovernance)
        return try await OfficeService.overview(req)
    }

    @Sendable func apiShow(req: Request) async throws -> IntegratedOfficeDTO {
        try req.require(.viewGovernance)
        let c = try await community(req)
        return try await OfficeService.dto(req, c, try await OfficeService.office(req, community: c.id!))
    }

    @Sendable func apiSave(req: Request) async throws -> IntegratedOfficeDTO {
        try req.require(.editGovernance)
        let c = try await community(req)
        let o = try await OfficeService.save(req, c, try req.content.decode(IntegratedOfficeInput.self))
        return try await OfficeService.dto(req, c, o)
    }

    @Sendable func apiChecks(req: Request) async throws -> IntegratedOfficeDTO {
        try req.require(.editGovernance)
        let c = try await community(req)
        try await OfficeService.saveChecks(req, c, (try? req.content.decode(ChecksInput.self)) ?? ChecksInput())
        return try await OfficeService.dto(req, c, try await OfficeService.office(req, community: c.id!))
    }
}
