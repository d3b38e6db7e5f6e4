import Vapor
import PinganKit

/// The base page every screen uses: header with navigation by feature, language switch,
/// sign-out, and the one stylesheet served at /static/app.css.
enum Layout {
    /// `unless`: hidden from roles that have that permission (they reach the page through another item).
    struct NavItem { var path: String; var zh: String; var en: String; var permission: Permission?; var unless: Permission? = nil }
    static let nav: [NavItem] = [
        .init(path: "/", zh: "工作台", en: "Desk", permission: nil),
        .init(path: "/jurisdiction", zh: "辖区网格", en: "Jurisdiction", permission: .viewJurisdiction),
        .init(path: "/map", zh: "一张图", en: "Map", permission: .viewJurisdiction),
        .init(path: "/events", zh: "网格事件", en: "Events", permission: .viewGridEvents),
        .init(path: "/incidents", zh: "警情台账", en: "Incidents", permission: .viewIncidents),
        .init(path: "/people", zh: "实有人口", en: "People", permission: .viewRegistry),
        .init(path: "/sites", zh: "场所物品", en: "Places", permission: .viewRegistry),
        .init(path: "/survey", zh: "基本情况", en: "Survey", permission: .viewRegistry),
        .init(path: "/disputes", zh: "矛盾纠纷", en: "Disputes", permission: .viewDisputes),
        .init(path: "/analysis", zh: "研判预警", en: "Analysis", permission: .viewAnalysis),
        .init(path: "/forces", zh: "警力警务", en: "Forces", permission: .viewForces),
        .init(path: "/forces/patrols", zh: "巡逻防范", en: "Patrols", permission: .viewTeams, unless: .viewForces),
        .init(path: "/assessment", zh: "考核通报", en: "Assessment", permission: .viewAssessment),
        .init(path: "/portal", zh: "网上警务室", en: "Portal", permission: .viewPortal),
        .init(path: "/governance", zh: "综治", en: "Governance", permission: .viewGovernance),
        .init(path: "/inbox", zh: "消息", en: "Messages", permission: nil),
        .init(path: "/admin/users", zh: "用户", en: "Users", permission: .manageUsers),
        .init(path: "/admin/audit", zh: "审计日志", en: "Audit", permission: .viewAudit),
    ]

    static func page(_ req: Request, title: String, content: Node) -> Node {
        let lang = req.lang
        let user = req.auth.get(User.self)
        let path = req.url.path
        let otherLang = lang.isEnglish ? "zh" : "en"
        var q = req.url.query.map { $0.split(separator: "&").filter { !$0.hasPrefix("lang=") }.joined(separator: "&") } ?? ""
        q = q.isEmpty ? "lang=\(otherLang)" : q + "&lang=\(otherLang)"
        return .html(.lang(lang.code),
            .head(
                .meta(.attr("charset", "utf-8")),
                .meta(.name("viewport"), .attr("content", "width=device-width, initial-scale=1")),
                .title(title + " · " + lang.t("平安 · 基层平安建设平台", "Pingan")),
                .link(.attr("rel", "stylesheet"), .href("/static/app.css")),
                .link(.attr("rel", "icon"), .attr("type", "image/svg+xml"), .href("/static/favicon.svg")),
                .element("script", [.attr("src", "/static/app.js"), .attr("defer", nil)]),
                .element("script", [.attr("src", "/static/map.js"), .attr("defer", nil)])
            ),
            .body(
                // Keyboard users jump over the header's links to the page's own content.
                .a(.class("skip-link"), .href("#main"), .text(lang.t("跳到正文", "Skip to content"))),
                .header(.class("top no-print"),
                    .a(.class("brand"), .href("/"), .strong("平安"), .span(.class("brand-sub"), .text(lang.t("基层平安建设", "Grassroots public safety")))),
                    // On a phone the menu folds behind a 菜单 button (a checkbox and its label: works without JavaScript).
                    .if(user != nil, .group([
                        .input(.type("checkbox"), .attr("id", "nav-toggle"), .class("nav-toggle"), .attr("aria-controls", "main-nav")),
                        .label(.attr("for", "nav-toggle"), .class("nav-toggle-label"), .text(lang.t("菜单", "Menu"))),
                    ])),
                    .if(user != nil, .nav(.class("main-nav"), .attr("id", "main-nav"), .forEach(nav.filter { item in
                        guard let p = item.permission else { return true }
                        if let u = item.unless, user?.role.can(u) ?? false { return false }
                        return user?.role.can(p) ?? false
                    }) { item in
                        let active = item.path == "/" ? path == "/" : item.path == "/inbox" ? path.hasPrefix("/inbox") || path.hasPrefix("/messages") || path.hasPrefix("/notifications") : path.hasPrefix(item.path)
                        let unread = item.path == "/inbox" ? req.storage[InboxBadgeKey.self] ?? 0 : 0
                        return .a(.href(item.path), .if(active, .class("active")), .text(lang.t(item.zh, item.en)),
                                  .if(unread > 0, .span(.class("nav-count"), .attr("title", lang.t("未读", "Unread")), .text(unread > 99 ? "99+" : "\(unread)"))))
                    })),
                    .if(user != nil, Layout.searchBox(req)),
                    .div(.class("user-box"),
                        .a(.href(path + "?" + q), .text(lang.isEnglish ? "中文" : "English")),
                        user.map { u in .group([
                            .a(.class("who"), .href("/account"), .attr("title", lang.t(u.role.nameZh, u.role.nameEn)), .text(u.displayName),
                               .if(u.displayName != u.role.nameZh, .span(.class("who-role"), .text(" · " + lang.t(u.role.nameZh, u.role.nameEn))))),
                            .form(.method("post"), .action("/logout"), .class("inline"),
                                csrfField(req),
                                .button(.type("submit"), .class("link"), .text(lang.t("退出", "Sign out"))))
                        ]) } ?? .empty
                    )
                ),
                .main(.class("page"), .id("main"), content),
                .footer(.class("no-print"), .text(lang.t("平安 · 数据仅限辖区内工作使用", "Pingan · for official use within your jurisdiction")))
            )
        )
    }

    static func csrfField(_ req: Request) -> Node {
        .input(.type("hidden"), .name("_csrf"), .value(req.csrfToken))
    }
}

extension Response {
    /// A page rendered as an HTTP response.
    static func page(_ req: Request, title: String, status: HTTPResponseStatus = .ok, _ content: Node...) -> Response {
        let res = Response(status: status, body: .init(string: "<!DOCTYPE html>\n" + Layout.page(req, title: title, content: .group(content)).render()))
        res.headers.contentType = .html
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }
}

extension Layout {
    /// The header's search box (every signed-in page): `/search?q=`.
    static func searchBox(_ req: Request) -> Node {
        let L = req.lang
        let label = L.t("搜索编号、姓名、地址", "Search numbers, names, addresses")
        return .form(.method("get"), .action("/search"), .class("header-search"), .attr("role", "search"),
            .input(.type("search"), .name("q"), .attr("aria-label", label), .attr("placeholder", L.t("搜索", "Search")), .attr("title", label),
                   .value(req.url.path == "/search" ? (req.query[String.self, at: "q"] ?? "") : "")))
    }
}

/// The unread count beside 收件箱 in the menu, set by the inbox's middleware.
struct InboxBadgeKey: StorageKey { typealias Value = Int }
