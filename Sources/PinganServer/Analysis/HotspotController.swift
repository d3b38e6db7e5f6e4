import Fluent
import Vapor
import PinganKit

/// 热点分析 (Gi* on grid cells) and 巡逻建议 (next week's draft patrol plan): pages, CSV and JSON.
struct HotspotController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("analysis", "hotspots", use: hotspotPage)
        routes.get("analysis", "hotspots.csv", use: hotspotCSV)
        routes.get("api", "v1", "analysis", "hotspots", use: hotspotAPI)
        routes.get("api", "v1", "analysis", "hotspots.csv", use: hotspotCSV)
        routes.get("analysis", "patrols", use: patrolPage)
        routes.get("analysis", "patrols.csv", use: patrolCSV)
        routes.get("api", "v1", "analysis", "patrols", use: patrolAPI)
        routes.get("api", "v1", "analysis", "patrols.csv", use: patrolCSV)
    }

    /// Strict parameters for the API and CSV: any invalid value is a 422 with field messages.
    static func strictHotspot(_ req: Request) async throws -> HotspotParams {
        try req.require(.viewAnalysis)
        var e = FieldErrors()
        var p = HotspotParams(req, errors: &e)
        p.sub = HotspotService.checkSubcategory(req, p.sub, try await HotspotService.subcategories(req.db), &e)
        guard e.isEmpty else { throw e }
        return p
    }

    static func strictPatrol(_ req: Request) async throws -> PatrolParams {
        try req.require(.viewAnalysis)
        var e = FieldErrors()
        var p = PatrolParams(req, errors: &e)
        p.sub = HotspotService.checkSubcategory(req, p.sub, try await HotspotService.subcategories(req.db), &e)
        guard e.isEmpty else { throw e }
        return p
    }

    @Sendable func hotspotAPI(req: Request) async throws -> HotspotsDTO {
        try await HotspotService.run(req, try await Self.strictHotspot(req)).dto
    }

    @Sendable func hotspotCSV(req: Request) async throws -> Response {
        let p = try await Self.strictHotspot(req)
        let r = try await HotspotService.run(req, p)
        await req.audit("analysis.hotspots.export", entity: "analysis", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "hotspots-\(r.dto.from)-\(r.dto.to).csv", writer: HotspotService.csv(r.dto, chinese: !req.lang.isEnglish))
    }

    @Sendable func hotspotPage(req: Request) async throws -> Response {
        try req.require(.viewAnalysis)
        var errors = FieldErrors()
        var p = HotspotParams(req, errors: &errors)
        let subs = try await HotspotService.subcategories(req.db)
        p.sub = HotspotService.checkSubcategory(req, p.sub, subs, &errors)
        let result: HotspotService.Result
        do {
            result = try await HotspotService.run(req, p)
        } catch let e as FieldErrors {
            // Too many cells: show the default cell size instead, with the message.
            for (k, v) in e.fields { errors[k] = v }
            p.cellSize = HotspotGrid.defaultCellSize
            result = try await HotspotService.run(req, p)
        }
        let query = (["from=\(result.dto.from)", "to=\(result.dto.to)"] + p.jurisdictionQuery + p.incidentFilter).joined(separator: "&")
        let map = HotspotMap.render(req, result.dto, outlines: try await HotspotMap.outlines(req, units: result.units), query: query)
        let res = HotspotViews.hotspots(req, result.dto, units: result.units, params: p, errors: errors, pickers: try await AnalysisData.units(req),
                                        subcategories: subs, map: map)
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func patrolAPI(req: Request) async throws -> PatrolPlanDTO {
        try await PatrolRecommendationService.plan(req, try await Self.strictPatrol(req)).0
    }

    @Sendable func patrolCSV(req: Request) async throws -> Response {
        let p = try await Self.strictPatrol(req)
        let (d, _) = try await PatrolRecommendationService.plan(req, p)
        await req.audit("analysis.patrols.export", entity: "analysis", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "patrol-plan-\(d.week).csv", writer: PatrolRecommendationService.csv(d, chinese: !req.lang.isEnglish))
    }

    @Sendable func patrolPage(req: Request) async throws -> Response {
        try req.require(.viewAnalysis)
        var errors = FieldErrors()
        var p = PatrolParams(req, errors: &errors)
        let subs = try await HotspotService.subcategories(req.db)
        p.sub = HotspotService.checkSubcategory(req, p.sub, subs, &errors)
        let d: PatrolPlanDTO, units: AnalysisUnits
        do {
            (d, units) = try await PatrolRecommendationService.plan(req, p)
        } catch let e as FieldErrors {
            for (k, v) in e.fields { errors[k] = v }
            p.cellSize = HotspotGrid.defaultCellSize
            (d, units) = try await PatrolRecommendationService.plan(req, p)
        }
        let res = HotspotViews.patrols(req, d, units: units, params: p, errors: errors, pickers: try await AnalysisData.units(req), subcategories: subs)
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }
}
