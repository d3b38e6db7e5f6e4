import Vapor
import PinganKit

/// Form controls that show their validation message inline and keep what the user typed.
enum Form {
    static func field(_ label: String, _ name: String, _ errors: FieldErrors, wide: Bool = false, hint: String? = nil, _ control: Node) -> Node {
        let err = errors[name]
        return .div(.class((wide ? "wide " : "") + (err != nil ? "has-error" : "")),
            .label(.text(label), control),
            .if(hint != nil && err == nil, .span(.class("small muted"), .text(hint ?? ""))),
            .if(err != nil, .span(.class("field-error"), .attr("role", "alert"), .text(err ?? ""))))
    }
    static func input(_ name: String, _ value: String?, type: String = "text", required: Bool = false, extra: Node = .empty) -> Node {
        .input(.type(type), .name(name), .id("f-" + name), .value(value ?? ""), .required(required), extra)
    }
    static func textarea(_ name: String, _ value: String?) -> Node {
        .textarea(.name(name), .id("f-" + name), .text(value ?? ""))
    }
    static func select(_ name: String, _ options: [(String, String)], selected: String?, blank: String? = nil, required: Bool = false, extra: Node = .empty) -> Node {
        .select(.name(name), .id("f-" + name), .required(required), extra,
            .if(blank != nil, .option(.value(""), .text(blank ?? ""))),
            .forEach(options) { v, l in .option(.value(v), .selected(v == selected), .text(l)) })
    }
    /// A select in groups (communities under their street); with `filter`, a search box above narrows it (app.js).
    /// `keywords`: more words per option value that the search box also matches (a community's roads).
    static func groupedSelect(_ name: String, _ groups: [(label: String, options: [(String, String)])], selected: String?, blank: String? = nil,
                              required: Bool = false, filter: String? = nil, keywords: [String: String] = [:]) -> Node {
        .group([
            filter.map { .input(.type("search"), .class("select-filter"), .attr("placeholder", $0), .attr("aria-label", $0), .attr("data-filter-select", "f-" + name)) } ?? .empty,
            .select(.name(name), .id("f-" + name), .required(required),
                .if(blank != nil, .option(.value(""), .text(blank ?? ""))),
                .forEach(groups) { g in .element("optgroup", [.attr("label", g.label), .forEach(g.options) { v, l in
                    .option(.value(v), .selected(v == selected), keywords[v].map { .attr("data-keywords", $0) } ?? .empty, .text(l)) }]) }),
        ])
    }
    /// On a community select: its grid select (`f-gridID`) is refilled when the community changes (app.js).
    static func followedByGrids(_ L: Lang) -> Node { .attr("data-grid-target", "f-gridID") }
    /// On a grid select that follows its community: the blank choice once grids are listed.
    static func gridBlank(_ L: Lang) -> Node { .attr("data-blank", L.t("不指定", "Not specified")) }

    static func errorSummary(_ req: Request, _ errors: FieldErrors) -> Node {
        .if(!errors.isEmpty, .div(.class("alert error"), .attr("role", "alert"),
            .text(req.t("有 \(errors.fields.count) 项需要修改，请查看标红的字段。", "\(errors.fields.count) field(s) need attention; see the messages below."))))
    }
}

/// Pagination links that keep the current filters.
enum Pager {
    static func view(_ req: Request, _ info: PageInfo) -> Node {
        func link(_ page: Int) -> String {
            var items = (req.url.query ?? "").split(separator: "&").map(String.init).filter { !$0.hasPrefix("page=") && !$0.isEmpty }
            items.append("page=\(page)")
            return req.url.path + "?" + items.joined(separator: "&")
        }
        return .div(.class("pager"),
            .span(.class("muted"), .text(req.t("第 \(info.firstItem)–\(info.lastItem) 条，共 \(info.total) 条", "\(info.firstItem)–\(info.lastItem) of \(info.total)"))),
            .if(info.hasPrevious, .a(.class("btn secondary"), .href(link(info.page - 1)), .text(req.t("上一页", "Previous")))),
            .span(.text(req.t("第 \(info.page) / \(max(info.pageCount, 1)) 页", "Page \(info.page) of \(max(info.pageCount, 1))"))),
            .if(info.hasNext, .a(.class("btn secondary"), .href(link(info.page + 1)), .text(req.t("下一页", "Next")))))
    }
}

/// CSV download: UTF-8 with BOM (Excel opens Chinese correctly), formula cells neutralised.
enum CSVResponse {
    static func make(filename: String, writer: CSVWriter) -> Response {
        let res = Response(status: .ok, body: .init(data: Data(writer.utf8WithBOM)))
        res.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        let ascii = filename.unicodeScalars.allSatisfy { $0.isASCII } ? filename : "export.csv"
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "export.csv"
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        return res
    }
}
