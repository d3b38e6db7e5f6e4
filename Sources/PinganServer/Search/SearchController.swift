import Vapor
import PinganKit

/// `/search` (the header's box) and `/api/v1/search`: a record number opens its record; other text lists what matches,
/// grouped by kind, within the user's scope (issue 21 §2).
struct SearchController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("search", use: page)
        routes.get("api", "v1", "search", use: api)
    }

    /// What the request asks for, read and checked once for both the page and the API.
    struct Ask {
        var query: SearchQuery?
        var only: SearchKind?
        var page: PageRequest
        var errors = FieldErrors()
        var kinds: [SearchKind]

        init(_ req: Request) throws {
            let L = req.lang
            kinds = SearchService.kinds(for: try req.user)
            let raw = req.query[String.self, at: "q"] ?? ""
            query = SearchQuery(raw)
            if raw.split(whereSeparator: \.isWhitespace).joined(separator: " ").count > SearchQuery.maxLength { errors["q"] = L.t("查询内容不能超过\(SearchQuery.maxLength)字", "At most \(SearchQuery.maxLength) characters") }
            if let k = req.query[String.self, at: "in"]?.nilIfEmpty {
                if let kind = SearchKind(rawValue: k), kinds.contains(kind) { only = kind }
                else { errors["in"] = L.t("没有这一类记录可查", "No such kind of record to search") }
            }
            let pageNumber = req.query[String.self, at: "page"].flatMap { Int($0) }
            page = PageRequest(page: pageNumber, per: SearchService.pageSize, defaultPer: SearchService.pageSize, maxPer: SearchService.pageSize)
        }
    }

    struct Result {
        var groups: [SearchGroup] = []
        /// A record-shaped query that names nothing the user may open.
        var missingNumber: String?
        var identifierRefused = false
    }

    static func run(_ req: Request, _ ask: Ask) async throws -> (jump: String?, result: Result) {
        var r = Result()
        guard let q = ask.query, ask.errors.isEmpty else { return (nil, r) }
        if let n = q.record {
            if let url = try await SearchService.jump(req, n) { return (url, r) }
            r.missingNumber = n.canonical
        }
        if q.looksLikeIdentifier { r.identifierRefused = true; return (nil, r) }
        if let only = ask.only {
            r.groups = [try await SearchService.find(req, only, q, offset: ask.page.offset, limit: ask.page.per)]
        } else {
            for kind in ask.kinds { r.groups.append(try await SearchService.find(req, kind, q, offset: 0, limit: SearchService.groupSize)) }
        }
        return (nil, r)
    }

    func page(req: Request) async throws -> Response {
        let ask = try Ask(req)
        let (jump, result) = try await Self.run(req, ask)
        if let jump { return req.redirect(to: jump) }
        return Response.page(req, title: req.t("搜索", "Search"), status: ask.errors.isEmpty ? .ok : .unprocessableEntity,
                             SearchViews.page(req, ask, result))
    }

    struct APIResult: Content {
        var query: String
        /// Set when the query was a record number the user may open: the record's page.
        var record: String?
        var groups: [SearchGroup]
        var page: PageInfo?
        var notice: String?
    }

    func api(req: Request) async throws -> Response {
        let ask = try Ask(req)
        guard ask.errors.isEmpty else { throw ask.errors }
        guard let q = ask.query else {
            throw FieldErrors(["q": req.t("请输入要查找的内容", "Enter something to search for")])
        }
        let (jump, r) = try await Self.run(req, ask)
        let info = ask.only.flatMap { _ in r.groups.first.map { PageInfo(page: ask.page.page, per: ask.page.per, total: $0.total) } }
        return try await APIResult(query: q.text, record: jump, groups: r.groups, page: info,
                                   notice: SearchViews.notice(req.lang, r)).encodeResponse(for: req)
    }
}
