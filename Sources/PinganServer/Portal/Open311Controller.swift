import Fluent
import Vapor
import PinganKit

/// Open311 GeoReport v2 at `/open311/v2` (JSON and XML by the path's extension). Requests are public
/// by design, so only coarse data leaves: the community as the address, no coordinates, no description,
/// never the reporter. `POST requests` needs an api_key (table `open311_keys`).
struct Open311Controller: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("open311", "v2")
        r.get(":resource", use: resource)
        r.on(.POST, ":resource", body: .collect(maxSize: "16kb"), use: post)
        r.get("services", ":file", use: serviceDefinition)
        r.get("requests", ":file", use: request)
        r.get("tokens", ":file", use: token)
        // Anything else under /open311/v2 answers in the spec's error format too (JSON, or XML for a .xml path),
        // never the site's HTML 404 page.
        r.get(use: unknown)
        r.get("**", use: unknown)
        for m: HTTPMethod in [.POST, .PUT, .PATCH, .DELETE] { r.on(m, "**", body: .stream, use: unknown) }
    }

    /// A path or method GeoReport v2 does not have: 404 (405 for methods other than GET and POST) in the error format.
    @Sendable func unknown(req: Request) async throws -> Response {
        let last = req.url.path.split(separator: "/").last.map(String.init) ?? ""
        let fmt: Format = last.hasSuffix(".xml") ? .xml : .json
        return await Self.run(req, fmt) { _ in
            if req.method != .GET && req.method != .POST {
                throw O311Error(status: .methodNotAllowed, description: "GeoReport v2 answers GET and POST only")
            }
            throw O311Error(status: .notFound, description: "no such resource: see discovery.json for the endpoints")
        }
    }

    /// Our form fields → the GeoReport v2 names a client sent (errors must name what the client knows).
    static func open311Field(_ key: String) -> String {
        switch key {
        case "type": "service_code"
        case "communityID": "address_id"
        case "address": "address_string"
        case "lon": "long"
        case "name": "first_name"
        default: key.hasPrefix("attribute.") ? "attribute[\(key.dropFirst("attribute.".count))]" : key
        }
    }

    enum Format { case json, xml }
    struct O311Error: Error { var status: HTTPResponseStatus; var description: String }

    /// "services.json" → ("services", .json). No extension means JSON.
    static func split(_ s: String?) throws -> (String, Format) {
        guard let s else { throw O311Error(status: .notFound, description: "not found") }
        if s.hasSuffix(".json") { return (String(s.dropLast(5)), .json) }
        if s.hasSuffix(".xml") { return (String(s.dropLast(4)), .xml) }
        if s.contains(".") { throw O311Error(status: .badRequest, description: "format must be json or xml") }
        return (s, .json)
    }

    /// Every handler answers errors in the spec's shape: `[{"code":400,"description":"…"}]` or `<errors><error>…`.
    static func run(_ req: Request, _ format: Format?, _ body: (Format) async throws -> Response) async -> Response {
        let fmt = format ?? .json
        do { return try await body(fmt) } catch {
            var status = HTTPResponseStatus.internalServerError, description = "internal error"
            var headers = HTTPHeaders()
            switch error {
            case let e as O311Error: status = e.status; description = e.description
            case let e as FieldErrors:
                // One error per field, each named as GeoReport v2 names it (service_code, not our internal `type`).
                let list = e.fields.keys.map { (open311Field($0), e.fields[$0]!) }.sorted { $0.0 < $1.0 }
                    .map { (400, "\($0.0): " + ($0.0 == "service_code" && e.fields["type"] != nil ? "not a known service_code" : $0.1)) }
                let res = errors(list.isEmpty ? [(400, "bad request")] : list, fmt)
                res.status = .badRequest
                return res
            case let e as any AbortError: status = e.status; description = e.reason; headers = e.headers
            default: req.logger.report(error: error)
            }
            let res = errors([(Int(status.code), description)], fmt)
            res.status = status
            for (n, v) in headers where n.lowercased() == "retry-after" { res.headers.replaceOrAdd(name: n, value: v) }
            return res
        }
    }

    static func errors(_ list: [(Int, String)], _ fmt: Format) -> Response {
        switch fmt {
        case .json: return json(list.map { ["code": AnyEncodable($0.0), "description": AnyEncodable($0.1)] })
        case .xml: return xml("<errors>" + list.map { "<error><code>\($0.0)</code><description>\(x($0.1))</description></error>" }.joined() + "</errors>")
        }
    }

    // MARK: output helpers

    struct AnyEncodable: Encodable {
        let f: (any Encoder) throws -> Void
        init<T: Encodable>(_ v: T) { f = v.encode }
        func encode(to encoder: any Encoder) throws { try f(encoder) }
    }
    static func json<T: Encodable>(_ v: T) -> Response {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let res = Response(status: .ok, body: .init(data: (try? enc.encode(v)) ?? Data("[]".utf8)))
        res.headers.contentType = .json
        return res
    }
    static func xml(_ s: String) -> Response {
        let res = Response(status: .ok, body: .init(string: "<?xml version=\"1.0\" encoding=\"utf-8\"?>" + s))
        res.headers.replaceOrAdd(name: .contentType, value: "text/xml; charset=utf-8")
        return res
    }
    static func x(_ s: String) -> String {
        var r = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": r += "&amp;"; case "<": r += "&lt;"; case ">": r += "&gt;"; case "\"": r += "&quot;"; case "'": r += "&apos;"
            default:
                // XML 1.0 forbids most control characters even escaped.
                if c.value < 0x20 && c != "\n" && c != "\r" && c != "\t" { continue }
                r.unicodeScalars.append(c)
            }
        }
        return r
    }
    /// One element per field, `nil` as an empty element.
    static func xmlFields(_ fields: [(String, String?)]) -> String {
        fields.map { k, v in v.map { "<\(k)>\(x($0))</\(k)>" } ?? "<\(k)/>" }.joined()
    }

    static let iso: ISO8601DateFormatter = { let f = ISO8601DateFormatter(); f.formatOptions = [.withInternetDateTime]; return f }()
    static func date(_ d: Date?) -> String? { d.map { iso.string(from: $0) } }

    // MARK: resources

    @Sendable func resource(req: Request) async throws -> Response {
        let parsed = try? Self.split(req.parameters.get("resource"))
        return await Self.run(req, parsed?.1) { fmt in
            guard let (name, _) = parsed else { throw O311Error(status: .badRequest, description: "format must be json or xml") }
            switch name {
            case "discovery": return try await discovery(req, fmt)
            case "services": return try await services(req, fmt)
            case "requests": return try await requests(req, fmt)
            default: throw O311Error(status: .notFound, description: "no such resource")
            }
        }
    }

    func discovery(_ req: Request, _ fmt: Format) async throws -> Response {
        // No trailing slash: clients append "/services.json" (a slash here gave "…/v2//services.json").
        // From configuration, never from the Host header (a forged Host would hand clients another server's address).
        let base = req.config.siteBase + "/open311/v2"
        let changeset = "2026-11-01T00:00:00Z"
        switch fmt {
        case .json:
            struct Endpoint: Encodable { var specification: String; var url: String; var changeset: String; var type: String; var formats: [String] }
            struct Discovery: Encodable { var changeset: String; var contact: String; var key_service: String; var endpoints: [Endpoint] }
            return Self.json(Discovery(changeset: changeset, contact: "网上社区警务室 / online community police office; emergencies: 110", key_service: "Ask the district's public-security bureau for an api_key",
                                       endpoints: [Endpoint(specification: "http://wiki.open311.org/GeoReport_v2", url: base, changeset: changeset, type: "production", formats: ["application/json", "text/xml"])]))
        case .xml:
            return Self.xml("<discovery>" + Self.xmlFields([("changeset", changeset), ("contact", "网上社区警务室; emergencies: 110"), ("key_service", "Ask the district's public-security bureau for an api_key")])
                + "<endpoints><endpoint>" + Self.xmlFields([("specification", "http://wiki.open311.org/GeoReport_v2"), ("url", base), ("changeset", changeset), ("type", "production")])
                + "<formats><format>application/json</format><format>text/xml</format></formats></endpoint></endpoints></discovery>")
        }
    }

    struct ServiceDoc: Encodable {
        var service_code: String; var service_name: String; var description: String; var metadata: Bool; var type: String; var keywords: String; var group: String
    }

    func services(_ req: Request, _ fmt: Format) async throws -> Response {
        let types = try await PortalService.types(req.db)
        let L = req.lang
        let docs = types.map { ServiceDoc(service_code: $0.code, service_name: L.t($0.nameZh, $0.nameEn), description: $0.description, metadata: !$0.attributes.isEmpty,
                                          type: "realtime", keywords: $0.kind.rawValue, group: L.t($0.kind.nameZh, $0.kind.nameEn)) }
        switch fmt {
        case .json: return Self.json(docs)
        case .xml:
            return Self.xml("<services>" + docs.map { d in "<service>" + Self.xmlFields([("service_code", d.service_code), ("service_name", d.service_name), ("description", d.description),
                ("metadata", d.metadata ? "true" : "false"), ("type", d.type), ("keywords", d.keywords), ("group", d.group)]) + "</service>" }.joined() + "</services>")
        }
    }

    @Sendable func serviceDefinition(req: Request) async throws -> Response {
        let parsed = try? Self.split(req.parameters.get("file"))
        return await Self.run(req, parsed?.1) { fmt in
            guard let (code, _) = parsed, let t = try await PortalRequestType.query(on: req.db).filter(\.$code == code).filter(\.$active == true).first() else {
                throw O311Error(status: .notFound, description: "service_code not found")
            }
            struct Attr: Encodable {
                var variable = true; var code: String; var datatype: String; var required: Bool; var datatype_description: String?; var order: Int; var description: String
                var values: [PortalAttribute.Value]?
            }
            struct Def: Encodable { var service_code: String; var attributes: [Attr] }
            let attrs = t.attributes.sorted { $0.order < $1.order }.map { Attr(code: $0.code, datatype: $0.datatype, required: $0.required, datatype_description: nil, order: $0.order, description: $0.description, values: $0.values) }
            switch fmt {
            case .json: return Self.json(Def(service_code: t.code, attributes: attrs))
            case .xml:
                return Self.xml("<service_definition><service_code>\(Self.x(t.code))</service_code><attributes>" + attrs.map { a in
                    "<attribute>" + Self.xmlFields([("variable", "true"), ("code", a.code), ("datatype", a.datatype), ("required", a.required ? "true" : "false"),
                                                    ("datatype_description", nil), ("order", String(a.order)), ("description", a.description)])
                    + (a.values.map { "<values>" + $0.map { "<value><key>\(Self.x($0.key))</key><name>\(Self.x($0.name))</name></value>" }.joined() + "</values>" } ?? "")
                    + "</attribute>" }.joined() + "</attributes></service_definition>")
            }
        }
    }

    struct RequestDoc: Encodable {
        var service_request_id: String; var status: String; var status_notes: String?; var service_name: String?; var service_code: String
        var description: String?; var agency_responsible: String?; var service_notice: String?; var requested_datetime: String; var updated_datetime: String?
        var expected_datetime: String?; var address: String?; var address_id: String?; var zipcode: String?; var lat: Double?; var long: Double?; var media_url: String?

        // Every key is written, null included (clients index them).
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: AnyKey.self)
            try c.encode(service_request_id, forKey: AnyKey("service_request_id")); try c.encode(status, forKey: AnyKey("status"))
            try c.encode(service_code, forKey: AnyKey("service_code")); try c.encode(requested_datetime, forKey: AnyKey("requested_datetime"))
            for (k, v) in [("status_notes", status_notes), ("service_name", service_name), ("description", description), ("agency_responsible", agency_responsible),
                           ("service_notice", service_notice), ("updated_datetime", updated_datetime), ("expected_datetime", expected_datetime), ("address", address),
                           ("address_id", address_id), ("zipcode", zipcode), ("media_url", media_url)] { try c.encode(v, forKey: AnyKey(k)) }
            try c.encode(lat, forKey: AnyKey("lat")); try c.encode(long, forKey: AnyKey("long"))
        }
        var xmlBody: String {
            "<request>" + Open311Controller.xmlFields([("service_request_id", service_request_id), ("status", status), ("status_notes", status_notes), ("service_name", service_name),
                ("service_code", service_code), ("description", description), ("agency_responsible", agency_responsible), ("service_notice", service_notice),
                ("requested_datetime", requested_datetime), ("updated_datetime", updated_datetime), ("expected_datetime", expected_datetime), ("address", address),
                ("address_id", address_id), ("zipcode", zipcode), ("lat", lat.map { "\($0)" }), ("long", long.map { "\($0)" }), ("media_url", media_url)]) + "</request>"
        }
    }

    static func docs(_ req: Request, _ rows: [PortalRequest]) async throws -> [RequestDoc] {
        let L = req.lang
        let types = Dictionary(uniqueKeysWithValues: try await PortalService.types(req.db, activeOnly: false).map { ($0.code, L.t($0.nameZh, $0.nameEn)) })
        let places = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        let codes = try await Division.query(on: req.db).filter(\.$id ~~ Array(Set(rows.map(\.communityID)))).all()
        let codeOf = Dictionary(uniqueKeysWithValues: codes.map { ($0.id!, $0.code) })
        return rows.map { r in
            RequestDoc(service_request_id: String(r.id!), status: r.status.open311, status_notes: r.statusNotes.isEmpty ? L.t(r.status.nameZh, r.status.nameEn) : PortalRedact.phones(r.statusNotes),
                       service_name: types[r.typeCode], service_code: r.typeCode, description: nil, agency_responsible: L.t("社区民警", "Community police"), service_notice: nil,
                       requested_datetime: date(r.requestedAt)!, updated_datetime: date(r.updatedAt), expected_datetime: date(r.dueAt),
                       address: places[r.communityID], address_id: codeOf[r.communityID], zipcode: nil, lat: nil, long: nil, media_url: nil)
        }
    }

    static func out(_ docs: [RequestDoc], _ fmt: Format) -> Response {
        switch fmt {
        case .json: return json(docs)
        case .xml: return xml("<service_requests>" + docs.map(\.xmlBody).joined() + "</service_requests>")
        }
    }

    /// GET requests: `service_request_id` (comma list; overrides the rest), `service_code` (comma list), `start_date`/`end_date`
    /// (W3C; at most 90 days apart; default the last 90 days), `status` (open, closed); at most 1000, newest first.
    func requests(_ req: Request, _ fmt: Format) async throws -> Response {
        // unscoped: Open311 lists public requests (public fields only) by design
        let q = PortalRequest.query(on: req.db)
        if let ids = req.query[String.self, at: "service_request_id"]?.nilIfEmpty {
            let list = ids.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !list.isEmpty else { throw O311Error(status: .badRequest, description: "service_request_id must be numbers") }
            q.filter(\.$id ~~ list)
        } else {
            func parse(_ key: String) throws -> Date? {
                guard let s = req.query[String.self, at: key]?.nilIfEmpty else { return nil }
                guard let d = try? Date(s, strategy: .iso8601) else { throw O311Error(status: .badRequest, description: "\(key) must be a W3C date-time such as 2026-01-01T00:00:00Z") }
                return d
            }
            var start = try parse("start_date"), end = try parse("end_date")
            let day = 86_400.0
            switch (start, end) {
            case (nil, nil): end = Date(); start = end!.addingTimeInterval(-90 * day)
            case (let s?, nil): end = s.addingTimeInterval(90 * day)
            case (nil, let e?): start = e.addingTimeInterval(-90 * day)
            case (let s?, let e?):
                if e < s { throw O311Error(status: .badRequest, description: "end_date is before start_date") }
                if e.timeIntervalSince(s) > 90 * day { throw O311Error(status: .badRequest, description: "start_date and end_date may not span more than 90 days") }
            }
            q.filter(\.$requestedAt >= start!).filter(\.$requestedAt <= end!)
            if let codes = req.query[String.self, at: "service_code"]?.nilIfEmpty { q.filter(\.$typeCode ~~ codes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
            if let st = req.query[String.self, at: "status"]?.nilIfEmpty {
                let wanted = Set(st.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
                guard wanted.isSubset(of: ["open", "closed"]) else { throw O311Error(status: .badRequest, description: "status must be open or closed") }
                q.filter(\.$status ~~ PortalStatus.allCases.filter { wanted.contains($0.open311) })
            }
        }
        let rows = try await q.sort(\.$requestedAt, .descending).sort(\.$id, .descending).limit(1000).all()
        return Self.out(try await Self.docs(req, rows), fmt)
    }

    @Sendable func request(req: Request) async throws -> Response {
        let parsed = try? Self.split(req.parameters.get("file"))
        return await Self.run(req, parsed?.1) { fmt in
            // unscoped: Open311 shows one public request (public fields only) by design
            guard let (id, _) = parsed, let n = Int(id), let r = try await PortalRequest.find(n, on: req.db) else { throw O311Error(status: .notFound, description: "service_request_id not found") }
            return Self.out(try await Self.docs(req, [r]), fmt)
        }
    }

    @Sendable func token(req: Request) async throws -> Response {
        let parsed = try? Self.split(req.parameters.get("file"))
        return await Self.run(req, parsed?.1) { fmt in
            guard let (t, _) = parsed, let r = try? await PortalService.byToken(req.db, t) else { throw O311Error(status: .notFound, description: "token not found") }
            switch fmt {
            case .json: return Self.json([["service_request_id": String(r.id!), "token": r.token]])
            case .xml: return Self.xml("<service_requests><request><service_request_id>\(r.id!)</service_request_id><token>\(Self.x(r.token))</token></request></service_requests>")
            }
        }
    }

    /// POST requests (form or JSON): api_key, service_code, lat/long or address_string or address_id (a community code or name),
    /// description, phone, first_name/last_name (sealed, never returned), attribute[code].
    @Sendable func post(req: Request) async throws -> Response {
        let parsed = try? Self.split(req.parameters.get("resource"))
        return await Self.run(req, parsed?.1) { fmt in
            guard let (name, _) = parsed, name == "requests" else { throw O311Error(status: .notFound, description: "no such resource") }
            try PortalService.checkSize(req)
            struct Body: Decodable {
                var fields: [String: String] = [:]; var attributes: [String: String] = [:]
                init(from decoder: any Decoder) throws {
                    let c = try decoder.container(keyedBy: AnyKey.self)
                    for k in c.allKeys where k.stringValue != "attribute" { if let v = c.loose(k) { fields[k.stringValue] = v } }
                    if let a = try? c.decode([String: String].self, forKey: AnyKey("attribute")) { attributes = a }
                }
            }
            let body = (try? req.content.decode(Body.self)) ?? (try? req.query.decode(Body.self))
            guard let body else { throw O311Error(status: .badRequest, description: "the request body could not be read") }
            let f = body.fields
            guard let key = f["api_key"]?.nilIfEmpty,
                  try await Open311Key.query(on: req.db).filter(\.$keyHash == Tokens.hash(key)).filter(\.$active == true).first() != nil else {
                throw O311Error(status: .forbidden, description: "api_key is missing or invalid")
            }
            guard let code = f["service_code"]?.nilIfEmpty else { throw O311Error(status: .badRequest, description: "service_code is required") }
            let lat = f["lat"]?.nilIfEmpty.flatMap(Double.init), lon = f["long"]?.nilIfEmpty.flatMap(Double.init)
            let community = try await Self.locate(req.db, addressID: f["address_id"], address: f["address_string"], lat: lat, lon: lon)
            guard let community else { throw O311Error(status: .badRequest, description: "a location is required: lat/long inside the district, address_id (community code) or address_string naming the community") }
            var s = PortalSubmission()
            s.type = code; s.communityID = String(community.id!); s.description = f["description"]; s.address = f["address_string"]
            s.lat = f["lat"]; s.lon = f["long"]; s.phone = f["phone"]
            s.name = [f["first_name"], f["last_name"]].compactMap { $0?.nilIfEmpty }.joined(separator: " ")
            s.attributes = body.attributes
            // GeoReport v2 makes `description` optional (a service's attributes can carry the report); the service's
            // required attributes are still checked.
            let r = try await PortalService.submit(req, s, via: "open311", checkForm: false, descriptionRequired: false)
            let notice = req.t("已受理，民警将在\(Int(r.dueAt.timeIntervalSince(r.requestedAt) / 3600))小时内答复", "Received; the community officer will answer within \(Int(r.dueAt.timeIntervalSince(r.requestedAt) / 3600)) hours")
            let res: Response
            switch fmt {
            case .json: res = Self.json([["service_request_id": AnyEncodable(String(r.id!)), "token": AnyEncodable(r.token), "service_notice": AnyEncodable(notice), "account_id": AnyEncodable(Optional<String>.none)]])
            case .xml: res = Self.xml("<service_requests><request>" + Self.xmlFields([("service_request_id", String(r.id!)), ("token", r.token), ("service_notice", notice), ("account_id", nil)]) + "</request></service_requests>")
            }
            res.status = .created
            return res
        }
    }

    /// The community a request belongs to: by code or name, else the nearest community centroid to lat/long.
    static func locate(_ db: any Database, addressID: String?, address: String?, lat: Double?, lon: Double?) async throws -> Division? {
        let communities = try await Division.query(on: db).filter(\.$level == .community).all()
        if let a = addressID?.nilIfEmpty, let c = communities.first(where: { $0.code == a || $0.name == a || String($0.id!) == a }) { return c }
        if let lat, let lon {
            let placed = communities.filter { $0.centroidLat != nil && $0.centroidLon != nil }
            if let best = placed.min(by: { hypot($0.centroidLat! - lat, $0.centroidLon! - lon) < hypot($1.centroidLat! - lat, $1.centroidLon! - lon) }),
               hypot(best.centroidLat! - lat, best.centroidLon! - lon) < 0.05 { return best }
        }
        if let s = address?.nilIfEmpty, let c = communities.filter({ s.contains($0.name) }).max(by: { $0.name.count < $1.name.count }) { return c }
        return nil
    }
}
