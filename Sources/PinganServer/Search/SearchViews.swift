import Vapor
import PinganKit

enum SearchViews {
    /// Words for what the search did not do (a number that names nothing the user may open, an identifier).
    static func notice(_ L: Lang, _ r: SearchController.Result) -> String? {
        if r.identifierRefused {
            return L.t("身份号码和电话号码不在这里查找：请在“实有人口”中按身份号码查询，写明事由（查询留痕）。",
                       "ID and phone numbers are not searched here: use the ID number search in People, with a purpose (it is logged).")
        }
        if let n = r.missingNumber {
            return L.t("您的辖区内没有编号为 \(n) 的记录。", "No record numbered \(n) in your area.")
        }
        return nil
    }

    static func page(_ req: Request, _ ask: SearchController.Ask, _ r: SearchController.Result) -> Node {
        let L = req.lang
        let text = ask.query?.text ?? (req.query[String.self, at: "q"] ?? "")
        let form: Node = .form(.method("get"), .action("/search"), .class("filters"), .attr("role", "search"),
            Form.field(L.t("查找", "Search for"), "q", ask.errors, Form.input("q", text, type: "search",
                extra: .group([.attr("autofocus", nil), .placeholder(L.t("警情编号、姓名、地址、场所、社区…", "Record number, name, address, place, community…"))]))),
            Form.field(L.t("范围", "In"), "in", ask.errors, Form.select("in", ask.kinds.map { ($0.rawValue, $0.name(L)) },
                selected: ask.only?.rawValue ?? req.query[String.self, at: "in"], blank: L.t("全部", "Everything"))),
            .button(.type("submit"), .text(L.t("搜索", "Search"))))
        let hint: Node = .p(.class("muted small"), .text(L.t(
            "输入编号（如 J20261201-000123、TJ2026-000017、WS000042）直接打开记录；其他文字在您辖区内按名称、地址、情况查找。",
            "A record number (J20261201-000123, TJ2026-000017, WS000042) opens the record; other text is looked for in names, addresses and descriptions within your area.")))
        var body: [Node] = [.div(.class("toolbar"), .h1(.text(L.t("搜索", "Search")))), form]
        if let n = notice(L, r) {
            body.append(.div(.class("alert notice"), .attr("role", "status"), .text(n),
                .if(r.identifierRefused && (try? req.user.role.can(.viewRegistry)) == true,
                    .group([.text(" "), .a(.href("/people"), .text(L.t("前往实有人口", "Open People")))]))))
        }
        guard ask.query != nil, ask.errors.isEmpty else {
            body.append(hint)
            return .group(body)
        }
        if r.identifierRefused { return .group(body) }
        let total = r.groups.reduce(0) { $0 + $1.total }
        if total == 0 && r.missingNumber != nil { return .group(body) }
        if total == 0 {
            body.append(.div(.class("empty"), .text(L.t("没有找到与“\(text)”相符的记录。", "Nothing matches “\(text)”.")),
                             .p(.class("small"), .text(L.t("可以换一个更短的词，例如只写路名或姓氏。", "Try a shorter word, such as just the road or the family name.")))))
            return .group(body)
        }
        if ask.only != nil, let g = r.groups.first {
            body.append(.p(.a(.href(link(text, nil)), .text(L.t("← 所有类别的结果", "← Results of every kind")))))
            body.append(section(req, g, text, paged: true))
            body.append(Pager.view(req, PageInfo(page: ask.page.page, per: ask.page.per, total: g.total)))
        } else {
            body.append(.p(.class("muted"), .text(L.t("共找到 \(total) 条：", "\(total) found: ") + r.groups.filter { $0.total > 0 }.map { "\($0.kind.name(L)) \($0.total)" }.joined(separator: L.t("，", ", ")))))
            for g in r.groups where g.total > 0 { body.append(section(req, g, text, paged: false)) }
        }
        return .group(body)
    }

    private static func link(_ text: String, _ kind: SearchKind?) -> String {
        var c = URLComponents(); c.path = "/search"
        c.queryItems = [URLQueryItem(name: "q", value: text)] + (kind.map { [URLQueryItem(name: "in", value: $0.rawValue)] } ?? [])
        return c.string ?? "/search"
    }

    private static func section(_ req: Request, _ g: SearchGroup, _ text: String, paged: Bool) -> Node {
        let L = req.lang
        return .section(.class("search-group"),
            .h2(.text(g.kind.name(L)), .span(.class("muted small"), .text(" \(g.total)"))),
            g.hits.isEmpty ? .div(.class("empty"), .text(L.t("这一页没有记录。", "This page is past the end."))) :
            .ul(.class("search-hits"), .forEach(g.hits) { h in
                .li(.a(.href(h.url), .if(h.number != nil, .span(.class("hit-number"), .text((h.number ?? "") + " "))), .text(h.title)),
                    .div(.class("small muted"), .text(([h.community].compactMap { $0 } + [h.detail]).filter { !$0.isEmpty }.joined(separator: " · "))))
            }),
            .if(!paged && g.total > g.hits.count, .p(.a(.href(link(text, g.kind)), .text(L.t("查看全部 \(g.total) 条 →", "All \(g.total) →"))))))
    }
}
