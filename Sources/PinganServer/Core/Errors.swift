import Vapor

/// Field-level validation failure: 422 with `{"error":true,"reason":…,"fields":{field: message}}` on the API;
/// forms catch it and re-render inline.
struct FieldErrors: Error, AbortError {
    var fields: [String: String]
    /// 422 unless a check says otherwise (e.g. 413 for an upload over the size limit).
    var status: HTTPResponseStatus = .unprocessableEntity
    var reason: String { "Validation failed: " + fields.keys.sorted().map { "\($0): \(fields[$0]!)" }.joined(separator: "; ") }
    var isEmpty: Bool { fields.isEmpty }
    init(_ fields: [String: String] = [:], status: HTTPResponseStatus = .unprocessableEntity) { self.fields = fields; self.status = status }
    subscript(_ key: String) -> String? {
        get { fields[key] }
        set { fields[key] = newValue }
    }
}

struct ErrorBody: Content {
    var error: Bool
    var reason: String
    var fields: [String: String]?
}

/// One error middleware: JSON for `/api` and `/health`, an HTML page for browsers; never leaks internals.
struct PinganErrorMiddleware: AsyncMiddleware {
    let environment: Environment

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            return response(for: error, req: req)
        }
    }

    func response(for error: any Error, req: Request) -> Response {
        var status = HTTPResponseStatus.internalServerError
        var reason = req.t("服务器内部错误，请稍后再试。", "Something went wrong on our side. Please try again.")
        var fields: [String: String]? = nil
        var headers = HTTPHeaders()
        switch error {
        case let e as FieldErrors:
            status = e.status; reason = req.t("请检查填写的内容。", "Please check the highlighted fields."); fields = e.fields
        case let e as any AbortError:
            status = e.status; headers = e.headers
            reason = e.reason
            if status == .notFound { reason = req.t("没有找到该记录，或您无权查看。", "Not found.") }
            if status == .payloadTooLarge { reason = req.t("上传的内容太大，请压缩或拆分后再试。", "The upload is too large.") }
        case is DecodingError:
            status = .badRequest; reason = req.t("请求格式不正确。", "The request body could not be read.")
        // A malformed multipart body (a missing part header, a bad boundary) fails in the parser, before any decoding.
        case _ where String(reflecting: type(of: error)).hasPrefix("MultipartKit."):
            status = .badRequest; reason = req.t("请求格式不正确。", "The request body could not be read.")
        case _ where DatabaseOutage.matches(error):
            status = .serviceUnavailable
            reason = req.t("数据库暂时无法连接（可能正在切换），请稍后重试。", "The database is briefly unavailable (it may be switching over). Please try again shortly.")
            headers.replaceOrAdd(name: .retryAfter, value: String(DatabaseOutage.retryAfterSeconds))
            req.logger.warning("database unavailable: \(String(reflecting: error))")
        default:
            break
        }
        if status == .internalServerError {
            req.logger.report(error: error)
        }
        let wantsJSON = req.url.path.hasPrefix("/api/") || req.url.path == "/health"
            || (req.headers.first(name: .accept)?.contains("application/json") ?? false)
        if wantsJSON {
            let res = Response(status: status, headers: headers)
            try? res.content.encode(ErrorBody(error: true, reason: reason, fields: fields))
            return res
        }
        if status == .unauthorized {
            let next = req.url.path + (req.url.query.map { "?" + $0 } ?? "")
            return req.redirect(to: "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        let title = "\(status.code) · " + Self.statusName(status, req)
        // Residents stay in the portal: its layout, its start page (the staff layout would send them to a sign-in).
        if req.url.path == "/public" || req.url.path.hasPrefix("/public/") {
            let res = PublicLayout.page(req, title: title, status: status, .div(.class("card"),
                .h1(.text(title)), .p(.text(reason)), .p(.a(.href("/public"), .text(req.t("返回网上社区警务室", "Back to the online police office"))))))
            for (name, value) in headers { res.headers.replaceOrAdd(name: name, value: value) }
            return res
        }
        let page = Layout.page(req, title: title, content: .div(.class("card"),
            .h1(.text(title)), .p(.text(reason)), .p(.a(.href("/"), .text(req.t("返回首页", "Back to the start page")))))).render()
        let res = Response(status: status, headers: headers, body: .init(string: "<!DOCTYPE html>\n" + page))
        res.headers.contentType = .html
        return res
    }

    /// The status in the page's language (HTTP's own phrases are English only).
    static func statusName(_ status: HTTPResponseStatus, _ req: Request) -> String {
        switch status {
        case .badRequest: req.t("请求有误", "Bad request")
        case .forbidden: req.t("无权访问", "Forbidden")
        case .notFound: req.t("未找到", "Not found")
        case .conflict: req.t("不能重复提交", "Already done")
        case .payloadTooLarge: req.t("内容太大", "Too large")
        case .unprocessableEntity: req.t("填写有误", "Please check the form")
        case .tooManyRequests: req.t("操作太频繁", "Too many requests")
        case .internalServerError: req.t("服务器错误", "Server error")
        case .serviceUnavailable: req.t("暂时无法服务", "Temporarily unavailable")
        default: req.lang.isEnglish ? status.reasonPhrase : "错误"
        }
    }
}
