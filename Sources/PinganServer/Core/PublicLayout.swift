import Vapor

/// The residents' pages' frame (网上社区警务室): their menu, the language switch, the 110 reminder. Core, because the
/// error pages of the public paths use it too.
enum PublicLayout {
    static func page(_ req: Request, title: String, status: HTTPResponseStatus = .ok, _ content: Node...) -> Response {
        let L = req.lang
        let path = req.url.path
        var q = req.url.query.map { $0.split(separator: "&").filter { !$0.hasPrefix("lang=") }.joined(separator: "&") } ?? ""
        q = (q.isEmpty ? "" : q + "&") + "lang=" + (L.isEnglish ? "zh" : "en")
        let nav: [(String, String)] = [("/public", L.t("找社区警务室", "Find your office")), ("/public/report", L.t("我要反映", "Report / ask")),
                                       ("/public/track", L.t("查询进度", "Follow a request")), ("/public/notices", L.t("警务公告", "Notices")),
                                       ("/public/survey", L.t("安全感测评", "Safety survey")), ("/public/perception", L.t("测评结果", "Survey results"))]
        let html: Node = .html(.lang(L.code),
            .head(.meta(.attr("charset", "utf-8")), .meta(.name("viewport"), .attr("content", "width=device-width, initial-scale=1")),
                  .title(title + " · " + L.t("网上社区警务室", "Online community police office")),
                  .link(.attr("rel", "stylesheet"), .href("/static/app.css")),
                  .link(.attr("rel", "icon"), .attr("type", "image/svg+xml"), .href("/static/favicon.svg")),
                  .element("script", [.attr("src", "/static/app.js"), .attr("defer", nil)]),
                  .element("script", [.attr("src", "/static/map.js"), .attr("defer", nil)])),
            .body(
                .a(.class("skip-link"), .href("#main"), .text(L.t("跳到正文", "Skip to content"))),
                .header(.class("top no-print"),
                    .a(.class("brand"), .href("/public"), .strong("平安"), .span(.class("brand-sub"), .text(L.t("网上社区警务室", "Online community police office")))),
                    .nav(.class("main-nav"), .forEach(nav) { p, label in
                        .a(.href(p), .if(p == "/public" ? path == "/public" : path.hasPrefix(p), .class("active")), .text(label)) }),
                    .div(.class("user-box"), .a(.href(path + "?" + q), .text(L.isEnglish ? "中文" : "English")))),
                .main(.class("page"), .id("main"), .group(content)),
                .footer(.class("no-print"), .text(L.t("紧急情况请直接拨打 110。本平台不公开反映人的姓名和电话。",
                                                        "In an emergency call 110. Your name and phone number are never published.")))))
        let res = Response(status: status, body: .init(string: "<!DOCTYPE html>\n" + html.render()))
        res.headers.contentType = .html
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }
}
