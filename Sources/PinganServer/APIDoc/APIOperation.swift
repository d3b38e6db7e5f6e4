/// The JSON API described as data: each feature lists its operations (`<Feature>APIDoc.swift`, an extension of
/// `APICatalog`), `OpenAPIDocument` turns the list into OpenAPI 3.1, and `OpenAPITests` fails when a registered
/// `/api/v1` or `/api/public` route has no entry here, or an entry names no route — so the document cannot drift.
struct APIOperation: Sendable {
    var method: String
    /// Exactly as registered, without the leading slash: `api/v1/people/:id`.
    var path: String
    var summary: String
    var query: [APIField] = []
    var body: APIBody? = nil
    var returns: APIReturn = .object
    /// The success status (200, 201, 204 …).
    var status: Int = 200
    /// Path parameters that are not integers (`:code`, `:token`); `:id` and every other name default to integers
    /// unless listed here.
    var stringPath: Set<String> = []
    /// A public operation needs no bearer token.
    var isPublic = false
    /// Other answers whose body is not the shared error (an import's 422 report) or a second success (a repeated push).
    var otherResponses: [Int: APIReturn] = [:]

    /// The same operation, also answering `status` with a body of this shape.
    func also(_ status: Int, _ returns: APIReturn) -> APIOperation {
        var copy = self
        copy.otherResponses[status] = returns
        return copy
    }

    static func get(_ path: String, _ summary: String, query: [APIField] = [], returns: APIReturn = .object,
                    stringPath: Set<String> = [], isPublic: Bool = false) -> APIOperation {
        APIOperation(method: "GET", path: path, summary: summary, query: query, returns: returns, stringPath: stringPath, isPublic: isPublic)
    }
    static func post(_ path: String, _ summary: String, query: [APIField] = [], body: APIBody? = nil, returns: APIReturn = .object,
                     status: Int = 200, stringPath: Set<String> = [], isPublic: Bool = false) -> APIOperation {
        APIOperation(method: "POST", path: path, summary: summary, query: query, body: body, returns: returns, status: status,
                     stringPath: stringPath, isPublic: isPublic)
    }
    static func patch(_ path: String, _ summary: String, body: APIBody? = nil, returns: APIReturn = .object, status: Int = 200,
                      stringPath: Set<String> = []) -> APIOperation {
        APIOperation(method: "PATCH", path: path, summary: summary, body: body, returns: returns, status: status, stringPath: stringPath)
    }
    static func put(_ path: String, _ summary: String, body: APIBody? = nil, returns: APIReturn = .object, status: Int = 200,
                    stringPath: Set<String> = []) -> APIOperation {
        APIOperation(method: "PUT", path: path, summary: summary, body: body, returns: returns, status: status, stringPath: stringPath)
    }
    static func delete(_ path: String, _ summary: String, returns: APIReturn = .object, status: Int = 200,
                       stringPath: Set<String> = []) -> APIOperation {
        APIOperation(method: "DELETE", path: path, summary: summary, returns: returns, status: status, stringPath: stringPath)
    }
}

/// A query parameter or a field of a request body.
struct APIField: Sendable {
    var name: String
    var type: APIType
    var required = false
    var note: String? = nil

    static func string(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .string, required: required, note: note) }
    static func integer(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .integer, required: required, note: note) }
    static func number(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .number, required: required, note: note) }
    static func boolean(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .boolean, required: required, note: note) }
    /// `YYYY-MM-DD`.
    static func date(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .date, required: required, note: note) }
    /// ISO 8601 with a zone.
    static func dateTime(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .dateTime, required: required, note: note) }
    static func oneOf(_ name: String, _ values: [String], _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .oneOf(values), required: required, note: note) }
    static func strings(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .strings, required: required, note: note) }
    static func integers(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .integers, required: required, note: note) }
    /// A nested object or a list of objects whose shape the note describes.
    static func object(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .object, required: required, note: note) }
    static func objects(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .objects, required: required, note: note) }
    /// A file part of a multipart body.
    static func file(_ name: String, _ note: String? = nil, required: Bool = false) -> APIField { .init(name: name, type: .file, required: required, note: note) }

    /// `?page=` and `?per=` of every paged list.
    static let paging: [APIField] = [.integer("page", "1-based page"), .integer("per", "rows per page (clamped)")]
}

enum APIType: Sendable {
    case string, integer, number, boolean, date, dateTime, oneOf([String]), strings, integers, object, objects, file
}

enum APIBody: Sendable {
    /// `application/json` (forms may send the same fields url-encoded).
    case json([APIField])
    case multipart([APIField])
    /// A raw text body (e.g. CSV), with its media type.
    case text(String)
}

/// The shape of the success response.
enum APIReturn: Sendable {
    /// A JSON object.
    case object
    /// `{"items": [...], "page": PageInfo}`.
    case page
    /// A JSON array.
    case array
    /// `text/csv` (UTF-8 with a BOM).
    case csv
    /// A file of the stated media type (`image/jpeg`, `application/pdf` …).
    case file(String)
    /// No body (204).
    case empty
    /// A GeoJSON FeatureCollection.
    case geoJSON
}

/// Every feature's operations, one list each; `all` is what the document shows and the test checks.
enum APICatalog {}
