import Vapor
import PinganKit

/// Pages of police stations (派出所) and police offices (警务室).
enum StationViews {
    static func kindName(_ L: Lang, _ k: PoliceOffice.Kind) -> String {
        switch k { case .community: L.t("社区警务室", "Community office"); case .ruralArea: L.t("农村警务区", "Rural police area") }
    }

    static func breadcrumb(_ req: Request, _ tail: Node...) -> Node {
        .element("div", [.class("breadcrumb"), .a(.href("/stations"), .text(req.t("派出所与警务室", "Stations and offices")))] + tail.flatMap { [" › ", $0] })
    }

    static func list(_ req: Request, _ rows: [(Station, [Int], [PoliceOffice])], places: [Int: String], canEdit: Bool) -> Response {
        let L = req.lang
        let body: Node = rows.isEmpty
            ? .div(.class("empty"), .text(L.t("您的辖区内还没有派出所。", "No police station serves your jurisdiction yet.")),
                   .if(canEdit, .p(.a(.class("btn"), .href("/stations/new"), .text(L.t("新建派出所", "Add a station"))))))
            : .table(.class("data"),
                .thead(.tr(.th(.text(L.t("派出所", "Station"))), .th(.text(L.t("所在街道（镇）", "Street / town"))), .th(.text(L.t("地址", "Address"))),
                           .th(.text(L.t("电话", "Phone"))), .th(.class("num"), .text(L.t("社区/村", "Communities"))), .th(.class("num"), .text(L.t("警务室", "Offices"))))),
                .element("tbody", rows.map { s, communities, offices in
                    .tr(.td(.a(.href("/stations/\(s.id!)"), .text(s.name))), .td(.text(places[s.divisionID] ?? "")), .td(.text(s.address)),
                        .td(.class("nowrap"), .text(s.phone)), .td(.class("num"), .text("\(communities.count)")), .td(.class("num"), .text("\(offices.count)")))
                }))
        return .page(req, title: L.t("派出所与警务室", "Stations and offices"),
            .div(.class("toolbar"), .h1(.text(L.t("派出所与警务室", "Stations and offices"))),
                 .if(canEdit && !rows.isEmpty, .a(.class("btn"), .href("/stations/new"), .text(L.t("新建派出所", "Add a station"))))),
            body)
    }

    static func detail(_ req: Request, _ s: Station, communities: [Int], offices: [PoliceOffice], served: [Int: [Int]], names: [Int: String],
                       canEdit: Bool, office: StationController.OfficeInput, errors: FieldErrors) -> Response {
        let L = req.lang
        let kv: [Node] = [
            .dt(.text(L.t("所在街道（镇）", "Street / town"))), .dd(.text(names[s.divisionID] ?? "")),
            .dt(.text(L.t("地址", "Address"))), .dd(.text(s.address.isEmpty ? "—" : s.address)),
            .dt(.text(L.t("电话", "Phone"))), .dd(.text(s.phone.isEmpty ? "—" : s.phone)),
        ]
        let communityLinks: Node = communities.isEmpty ? .p(.class("muted"), .text(L.t("尚无社区/村指定到本所（在社区的编辑页指定）。", "No community is assigned to this station yet (assign it on a community's edit page).")))
            : .p(.group(communities.enumerated().map { i, c in .group([i > 0 ? .text("、") : .empty, .a(.href("/jurisdiction/\(c)"), .text(names[c] ?? "#\(c)"))]) }))
        let officeTable: Node = offices.isEmpty ? .p(.class("empty"), .text(L.t("本所还没有警务室。", "This station has no police office yet.")))
            : .table(.class("data"),
                .thead(.tr(.th(.text(L.t("警务室", "Office"))), .th(.text(L.t("类型", "Kind"))), .th(.text(L.t("地址", "Address"))), .th(.text(L.t("办公时间", "Hours"))),
                           .th(.text(L.t("电话", "Phone"))), .th(.text(L.t("服务社区/村", "Serves"))), .if(canEdit, .th(.text(""))))),
                .element("tbody", offices.map { o in
                    .tr(.td(.text(o.name)), .td(.text(kindName(L, o.kind))), .td(.text(o.address)), .td(.text(o.hours)), .td(.class("nowrap"), .text(o.phone)),
                        .td(.text((served[o.id!] ?? []).compactMap { names[$0] }.joined(separator: "、"))),
                        .if(canEdit, .td(.class("no-print"), .a(.href("/offices/\(o.id!)/edit"), .text(L.t("编辑", "Edit"))))))
                }))
        let addOffice: Node = canEdit ? .group([.h2(.class("no-print"), .text(L.t("新建警务室", "Add a police office"))),
            .form(.method("post"), .action("/stations/\(s.id!)/offices"), .class("form card no-print"), Layout.csrfField(req), Form.errorSummary(req, errors),
                  officeFields(req, office, errors),
                  .p(.class("wide"), .button(.type("submit"), .text(L.t("新建", "Add")))))]) : .empty
        return .page(req, title: s.name, status: errors.isEmpty ? .ok : .unprocessableEntity,
            breadcrumb(req, .text(s.name)),
            .div(.class("toolbar"), .h1(.text(s.name)), .if(canEdit, .a(.class("btn secondary no-print"), .href("/stations/\(s.id!)/edit"), .text(L.t("编辑", "Edit"))))),
            .div(.class("card"), .element("dl", [.class("kv")] + kv)),
            .h2(.text(L.t("辖区社区/村", "Communities served") + " (\(communities.count))")), communityLinks,
            .h2(.text(L.t("警务室", "Police offices") + " (\(offices.count))")), officeTable,
            addOffice)
    }

    static func officeFields(_ req: Request, _ v: StationController.OfficeInput, _ errors: FieldErrors) -> Node {
        let L = req.lang
        return .group([
            Form.field(L.t("名称", "Name"), "name", errors, Form.input("name", v.name, required: true)),
            Form.field(L.t("类型", "Kind"), "kind", errors, Form.select("kind", PoliceOffice.Kind.allCases.map { ($0.rawValue, kindName(L, $0)) }, selected: v.kind ?? "community")),
            Form.field(L.t("地址", "Address"), "address", errors, Form.input("address", v.address)),
            Form.field(L.t("办公时间", "Hours"), "hours", errors, hint: L.t("如：周一至周五 9:00–17:30", "e.g. Mon–Fri 9:00–17:30"), Form.input("hours", v.hours)),
            Form.field(L.t("电话", "Phone"), "phone", errors, Form.input("phone", v.phone)),
        ])
    }

    static func stationForm(_ req: Request, _ s: Station?, _ v: StationController.StationInput, _ errors: FieldErrors, divisions: [(String, String)]) -> Response {
        let L = req.lang
        let title = s == nil ? L.t("新建派出所", "Add a station") : L.t("编辑", "Edit") + "：" + s!.name
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            breadcrumb(req, .text(title)), .h1(.text(title)),
            .form(.method("post"), .action(s == nil ? "/stations" : "/stations/\(s!.id!)/edit"), .class("form card"), Layout.csrfField(req),
                Form.errorSummary(req, errors),
                Form.field(L.t("名称", "Name"), "name", errors, Form.input("name", v.name, required: true)),
                Form.field(L.t("所在街道（镇）", "Street / town"), "divisionID", errors, Form.select("divisionID", divisions, selected: v.divisionID, blank: "—", required: true)),
                Form.field(L.t("地址", "Address"), "address", errors, Form.input("address", v.address)),
                Form.field(L.t("电话", "Phone"), "phone", errors, Form.input("phone", v.phone)),
                .p(.class("wide"), .button(.type("submit"), .text(L.t("保存", "Save"))), " ",
                   .a(.href(s == nil ? "/stations" : "/stations/\(s!.id!)"), .text(L.t("取消", "Cancel"))))))
    }

    static func officeForm(_ req: Request, _ o: PoliceOffice, _ v: StationController.OfficeInput, _ errors: FieldErrors, stations: [(String, String)]) -> Response {
        let L = req.lang
        let title = L.t("编辑", "Edit") + "：" + o.name
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            breadcrumb(req, .a(.href("/stations/\(o.stationID)"), .text(stations.first { $0.0 == "\(o.stationID)" }?.1 ?? "")), .text(o.name)), .h1(.text(title)),
            .form(.method("post"), .action("/offices/\(o.id!)/edit"), .class("form card"), Layout.csrfField(req),
                Form.errorSummary(req, errors),
                Form.field(L.t("所属派出所", "Station"), "stationID", errors, Form.select("stationID", stations, selected: v.stationID, required: true)),
                officeFields(req, v, errors),
                .p(.class("wide"), .button(.type("submit"), .text(L.t("保存", "Save"))), " ", .a(.href("/stations/\(o.stationID)"), .text(L.t("取消", "Cancel"))))))
    }
}
