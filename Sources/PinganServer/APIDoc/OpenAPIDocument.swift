import Foundation

/// OpenAPI 3.1 for `/api/v1` and `/api/public`, built from `APICatalog.all` (see `APIOperation`). Served at
/// `/api/openapi.json`; schemathesis reads it in `.ci/run` and checks every response against it.
enum OpenAPIDocument {
    static func build(_ operations: [APIOperation] = APICatalog.all) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            paths[template(op.path), default: [:]][op.method.lowercased()] = operation(op)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Pingan 平安 JSON API",
                "version": "1",
                "description": """
                    The JSON API of Pingan, grassroots public safety for a district. Every `/api/v1` operation needs a \
                    bearer token (`pingan token create` or the account page) and answers only within the token user's \
                    jurisdiction: a record outside it answers exactly like a missing one (404). Errors are \
                    `{"error": true, "reason": …, "fields": {field: message}}`; invalid input is 400 or 422 with the \
                    fields named. `/api/public` is the online police office's own API (no sign-in, rate-limited).
                    """,
            ],
            "servers": [["url": "/"]],
            "security": [["bearer": [String]()]],
            "tags": Array(Set(operations.map(tag))).sorted().map { ["name": $0] },
            "paths": paths,
            "components": components,
        ]
    }

    static func json(_ operations: [APIOperation] = APICatalog.all) -> Data {
        (try? JSONSerialization.data(withJSONObject: build(operations), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// `api/v1/people/:id` → `/api/v1/people/{id}`.
    static func template(_ path: String) -> String {
        "/" + path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    /// `api/v1/emergency-plans/:id` → `emergency-plans`; `api/public/...` → `public`.
    static func tag(_ op: APIOperation) -> String {
        let parts = op.path.split(separator: "/")
        guard parts.count > 2 else { return "other" }
        return parts[1] == "public" ? "public" : String(parts[2])
    }

    /// `PATCH api/v1/people/:id/reveal` → `patchPeopleIdReveal`: stable and unique as long as routes are.
    static func operationID(_ op: APIOperation) -> String {
        let words = op.path.split(separator: "/").dropFirst().flatMap { $0.split(whereSeparator: { "-.:_".contains($0) }) }
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return op.method.lowercased() + words.joined()
    }

    static func operation(_ op: APIOperation) -> [String: Any] {
        var out: [String: Any] = [
            "operationId": operationID(op),
            "summary": op.summary,
            "tags": [tag(op)],
        ]
        var parameters: [[String: Any]] = op.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { segment in
            let name = String(segment.dropFirst())
            return ["name": name, "in": "path", "required": true,
                    "schema": op.stringPath.contains(name) ? ["type": "string"] : ["type": "integer", "format": "int64"]]
        }
        for field in op.query {
            var p: [String: Any] = ["name": field.name, "in": "query", "required": field.required, "schema": schema(field.type)]
            if let note = field.note { p["description"] = note }
            parameters.append(p)
        }
        if !parameters.isEmpty { out["parameters"] = parameters }
        if op.isPublic { out["security"] = [[String: Any]]() }
        if let body = op.body { out["requestBody"] = requestBody(body) }
        var success: [String: Any] = ["description": successDescription(op)]
        if let content = content(op.returns) { success["content"] = content }
        var responses: [String: Any] = [String(op.status): success, "4XX": ["$ref": "#/components/responses/Error"]]
        for (status, returns) in op.otherResponses {
            var r: [String: Any] = ["description": status >= 400 ? "Refused, with the report of what is wrong" : "OK"]
            if let content = content(returns) { r["content"] = content }
            responses[String(status)] = r
        }
        out["responses"] = responses
        return out
    }

    static func successDescription(_ op: APIOperation) -> String {
        switch op.returns {
        case .page: "One page of the list"
        case .csv: "CSV (UTF-8 with a byte-order mark)"
        case .empty: "Done"
        case .geoJSON: "A GeoJSON FeatureCollection"
        case .file: "The file"
        case .object, .array: op.status == 201 ? "Created" : "OK"
        }
    }

    static func content(_ returns: APIReturn) -> [String: Any]? {
        switch returns {
        case .object: ["application/json": ["schema": ["type": "object"]]]
        case .array: ["application/json": ["schema": ["type": "array"]]]
        case .page: ["application/json": ["schema": ["$ref": "#/components/schemas/Page"]]]
        case .csv: ["text/csv": ["schema": ["type": "string"]]]
        case .file(let mediaType): [mediaType: ["schema": ["type": "string", "format": "binary"]]]
        case .geoJSON: ["application/json": ["schema": ["$ref": "#/components/schemas/FeatureCollection"]]]
        case .empty: nil
        }
    }

    static func requestBody(_ body: APIBody) -> [String: Any] {
        switch body {
        case .json(let fields):
            return ["required": true, "content": ["application/json": ["schema": object(fields)]]]
        case .multipart(let fields):
            return ["required": true, "content": ["multipart/form-data": ["schema": object(fields)]]]
        case .text(let mediaType):
            return ["required": true, "content": [mediaType: ["schema": ["type": "string"]]]]
        }
    }

    static func object(_ fields: [APIField]) -> [String: Any] {
        var properties: [String: Any] = [:]
        for field in fields {
            var s = schema(field.type)
            if let note = field.note { s["description"] = note }
            properties[field.name] = s
        }
        var out: [String: Any] = ["type": "object", "properties": properties]
        let required = fields.filter(\.required).map(\.name)
        if !required.isEmpty { out["required"] = required }
        return out
    }

    static func schema(_ type: APIType) -> [String: Any] {
        switch type {
        case .string: ["type": "string"]
        case .integer: ["type": "integer", "format": "int64"]
        case .number: ["type": "number"]
        case .boolean: ["type": "boolean"]
        case .date: ["type": "string", "format": "date"]
        case .dateTime: ["type": "string", "format": "date-time"]
        case .oneOf(let values): ["type": "string", "enum": values]
        case .strings: ["type": "array", "items": ["type": "string"]]
        case .integers: ["type": "array", "items": ["type": "integer", "format": "int64"]]
        case .object: ["type": "object"]
        case .objects: ["type": "array", "items": ["type": "object"]]
        case .file: ["type": "string", "format": "binary"]
        }
    }

    static let components: [String: Any] = [
        "securitySchemes": [
            "bearer": ["type": "http", "scheme": "bearer", "description": "An API token: `pingan token create --username NAME`, or the account page."],
        ],
        "responses": [
            "Error": ["description": "Refused: bad input (400, 422 with the fields named), not signed in (401), no permission (403), missing or out of the caller's jurisdiction (404), a conflict (409), too large (413), too many requests (429)",
                      "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]],
        ],
        "schemas": [
            "Error": [
                "type": "object",
                "required": ["error", "reason"],
                "properties": [
                    "error": ["const": true],
                    "reason": ["type": "string"],
                    "fields": ["type": "object", "additionalProperties": ["type": "string"], "description": "field → message"],
                ],
            ],
            "PageInfo": [
                "type": "object",
                "required": ["page", "per", "total", "pageCount", "hasNext", "hasPrevious", "firstItem", "lastItem"],
                "properties": [
                    "page": ["type": "integer", "minimum": 1], "per": ["type": "integer", "minimum": 1],
                    "total": ["type": "integer", "minimum": 0], "pageCount": ["type": "integer", "minimum": 0],
                    "hasNext": ["type": "boolean"], "hasPrevious": ["type": "boolean"],
                    "firstItem": ["type": "integer", "minimum": 0], "lastItem": ["type": "integer", "minimum": 0],
                ],
            ],
            "Page": [
                "type": "object",
                "required": ["items", "page"],
                "properties": [
                    "items": ["type": "array", "items": ["type": "object"]],
                    "page": ["$ref": "#/components/schemas/PageInfo"],
                ],
            ],
            "FeatureCollection": [
                "type": "object",
                "required": ["type", "features"],
                "properties": [
                    "type": ["const": "FeatureCollection"],
                    "features": ["type": "array", "items": [
                        "type": "object", "required": ["type", "geometry", "properties"],
                        "properties": ["type": ["const": "Feature"]],
                    ]],
                ],
            ],
        ],
    ]
}
