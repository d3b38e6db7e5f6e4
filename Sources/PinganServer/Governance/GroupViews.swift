import Vapor
import PinganKit

/// Pages of the group registry (群组登记) and its coverage.
enum GroupViews {
    static func kindOptions(_ L: Lang) -> [(String, String)] { GroupKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) } }

    static func coverageTable(_ req: Request, _ c: GroupService.Coverage) -> Node {
        let L = req.lang
        let shown = c.rows.filter { $0.buildings > 0 || $0.totalGroups > 0 }
        let hidden = c.rows.count - shown.count
        return .group([
            .div(.class("stats"),
                .div(.class("stat"), .div(.class("num"), .text(c.total.coverage)), .div(.class("lbl"), .text(L.t("楼栋建群覆盖率（\(c.total.buildingsWithGroup)/\(c.total.buildings)栋）", "Buildings with a group (\(c.total.buildingsWithGroup) of \(c.total.buildings))")))),
                .div(.class("stat"), .div(.class("num"), .text("\(c.total.totalGroups)")), .div(.class("lbl"), .text(L.t("登记群组", "Groups registered")))),
                .div(.class("stat"), .div(.class("num"), .text("\(c.total.members)")), .div(.class("lbl"), .text(L.t("群成员（人次）", "Members (sum)")))),
                .div(.class("stat"), .div(.class("num"), .a(.href("/governance/groups?due=1"), .text("\(c.total.due)"))), .div(.class("lbl"), .text(L.t("超过\(GroupRules.checkIntervalDays)天未核查", "Not checked in \(GroupRules.checkIntervalDays) days"))))),
            shown.isEmpty ? .empty : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("社区", "Community"))), .th(.class("num"), .text(L.t("楼栋", "Buildings"))), .th(.class("num"), .text(L.t("已建群", "With a group"))),
                           .th(.text(L.t("覆盖率", "Coverage"))), .th(.class("num hide-sm"), .text(L.t("群组", "Groups"))), .th(.class("num hide-sm"), .text(L.t("待核查", "Due"))))),
                .element("tbody", shown.map { r in
                    .tr(.td(.a(.href("/governance/groups?community=\(r.communityID)"), .text(r.community))), .td(.class("num"), .text("\(r.buildings)")),
                        .td(.class("num"), .text("\(r.buildingsWithGroup)")), .td(Meter.line(r.fraction, " " + r.coverage)),
                        .td(.class("num hide-sm"), .text("\(r.totalGroups)")), .td(.class("num hide-sm"), .text("\(r.due)")))
                }))),
            hidden > 0 ? .p(.class("small muted"), .text(L.t("另有 \(hidden) 个社区尚未在辖区树中登记楼栋，也没有登记群组。", "\(hidden) more communities have no buildings in the tree and no groups registered."))) : .empty,
        ])
    }

    static func list(_ req: Request, rows: [CommunityGroupDTO], info: PageInfo, filter: GroupFilter, coverage: GroupService.Coverage, communities: [(id: Int, name: String)]) -> Response {
        let L = req.lang
        let canEdit = (try? req.user.role.can(.editGovernance)) ?? false
        let filters: Node = .form(.method("get"), .action("/governance/groups"), .class("filters no-print"),
            .label(.text(L.t("类型", "Kind")), Form.select("kind", kindOptions(L), selected: filter.kind?.rawValue, blank: L.t("全部", "All"))),
            communities.count > 1 ? .label(.text(L.t("社区", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map(String.init), blank: L.t("全部", "All"))) : .empty,
            .label(.text(L.t("查找", "Search")), Form.input("q", filter.q, extra: .placeholder(L.t("群名称、群主", "name, admin")))),
            .label(.class("check"), .input(.type("checkbox"), .name("due"), .value("1"), .checked(filter.due)), .text(L.t("只看待核查", "Due for a check only"))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))), .a(.href("/governance/groups"), .text(L.t("清除", "Clear"))))
        let table: Node = rows.isEmpty
            ? .div(.class("empty"), .text(filter.queryString.isEmpty
                ? L.t("还没有登记群组。把社区工作用到的楼栋群、物管群、中介群、警辅群登记在这里，平台按楼栋计算建群覆盖率，并提醒每季度核查。", "No groups registered yet. Register the building, property, agency and auxiliaries' groups the community works through; coverage is counted by building and a quarterly check is reminded.")
                : L.t("没有符合条件的群组。", "No group matches.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("群名称", "Name"))), .th(.text(L.t("类型", "Kind"))), .th(.class("hide-sm"), .text(L.t("社区 / 楼栋", "Community / building"))),
                           .th(.class("num"), .text(L.t("人数", "Members"))), .th(.class("hide-sm"), .text(L.t("群主", "Admin"))), .th(.class("hide-sm"), .text(L.t("在群民警", "Officer in it"))),
                           .th(.text(L.t("最近核查", "Last checked"))))),
                .element("tbody", rows.map { g in
                    .tr(.td(.a(.href("/governance/groups/\(g.id)"), .text(g.name))), .td(.text(L.t(g.kind.nameZh, g.kind.nameEn))),
                        .td(.class("hide-sm"), .text((g.community ?? "") + (g.building.map { " · " + $0 } ?? ""))), .td(.class("num"), .text("\(g.members)")),
                        .td(.class("hide-sm"), .text(g.adminName.isEmpty ? "—" : g.adminName)), .td(.class("hide-sm"), .text(g.officer ?? "—")),
                        .td(.class("nowrap"), .text(g.lastCheckedOn ?? L.t("未核查", "Never")), g.dueForCheck ? .span(.class("badge received"), .text(" " + L.t("待核查", "Due"))) : .empty))
                })))
        let csv = "/governance/groups/export.csv" + (filter.queryString.isEmpty ? "" : "?" + filter.queryString)
        return .page(req, title: L.t("群组登记", "Group registry"),
            GovernanceViews.header(req, active: "/governance/groups"),
            .p(.class("muted small"), .text(L.t("仅登记群组信息，平台不连接微信。", "A registry only: Pingan does not connect to WeChat."))),
            coverageTable(req, coverage), .h2(.text(L.t("群组清单", "Groups"))), filters,
            .div(.class("toolbar no-print"), .span(.class("muted"), .text(L.t("共 \(info.total) 个群组", "\(info.total) groups"))),
                 .a(.class("btn secondary"), .href(csv), .text(L.t("导出CSV", "Export CSV"))),
                 canEdit ? .a(.class("btn"), .href("/governance/groups/new" + (filter.community.map { "?community=\($0)" } ?? "")), .text(L.t("登记群组", "Register a group"))) : .empty),
            table, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    static func csv(_ req: Request, _ rows: [CommunityGroupDTO]) -> Response {
        let L = req.lang
        var w = CSVWriter(header: [L.t("群名称", "Name"), L.t("类型", "Kind"), L.t("社区", "Community"), L.t("楼栋", "Building"), L.t("人数", "Members"),
                                   L.t("群主", "Admin"), L.t("在群民警", "Officer in it"), L.t("最近核查", "Last checked"), L.t("待核查", "Due"), L.t("备注", "Note")])
        for g in rows {
            w.append([g.name, L.t(g.kind.nameZh, g.kind.nameEn), g.community ?? "", g.building ?? "", "\(g.members)", g.adminName, g.officer ?? "",
                      g.lastCheckedOn ?? "", g.dueForCheck ? L.t("是", "yes") : L.t("否", "no"), g.note])
        }
        return CSVResponse.make(filename: "groups.csv", writer: w)
    }

    static func form(_ req: Request, input i: GroupInput, errors: FieldErrors, communities: [(id: Int, name: String)], buildings: [Int: [(id: Int, name: String)]],
                     officers: [User], editing: CommunityGroup?) -> Response {
        let L = req.lang
        let canEdit = (try? req.user.role.can(.editGovernance)) ?? false
        let names = Dictionary(uniqueKeysWithValues: communities.map { ($0.id, $0.name) })
        let buildingSelect: Node = .select(.name("buildingID"), .id("f-buildingID"),
            .option(.value(""), .text(L.t("不指定（非楼栋群）", "None (not a building group)"))),
            .forEach(communities.filter { buildings[$0.id] != nil }) { c in
                .element("optgroup", [.attr("label", c.name)] + (buildings[c.id] ?? []).map { b in
                    .option(.value("\(b.id)"), .selected("\(b.id)" == i.buildingID), .text(c.name + " " + b.name)) })
            })
        let officerOptions = officers.map { ("\($0.id!)", $0.displayName + ($0.scopeDivisionID.flatMap { names[$0] }.map { "（\($0)）" } ?? "")) }
        let title = editing.map { $0.name } ?? L.t("登记群组", "Register a group")
        let action = editing.map { "/governance/groups/\($0.id!)" } ?? "/governance/groups"
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/groups"), .text(L.t("群组登记", "Group registry"))), " › ", .text(title)),
            .form(.method("post"), .action(action), .class("card"), Layout.csrfField(req),
                .h1(.text(title)), Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("群名称", "Name"), "name", errors, Form.input("name", i.name, required: true, extra: .attr("maxlength", "60"))),
                    Form.field(L.t("类型", "Kind"), "kind", errors, Form.select("kind", kindOptions(L), selected: i.kind)),
                    Form.field(L.t("社区", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: i.communityID, blank: L.t("请选择", "Choose"), required: true)),
                    Form.field(L.t("楼栋（楼栋群必填）", "Building (for a building group)"), "buildingID", errors, buildingSelect),
                    Form.field(L.t("群主", "Admin"), "adminName", errors, Form.input("adminName", i.adminName, extra: .attr("maxlength", "30"))),
                    Form.field(L.t("人数", "Members"), "members", errors, Form.input("members", i.members, type: "number", extra: .group([.attr("min", "0"), .attr("max", "\(GroupRules.maxMembers)")]))),
                    Form.field(L.t("在群民警", "Officer in it"), "officerID", errors, Form.select("officerID", officerOptions, selected: i.officerID, blank: L.t("无", "None"))),
                    Form.field(L.t("最近核查日期", "Last checked"), "lastCheckedOn", errors, Form.input("lastCheckedOn", i.lastCheckedOn, type: "date")),
                    Form.field(L.t("备注", "Note"), "note", errors, wide: true, Form.textarea("note", i.note))),
                canEdit ? .p(.button(.type("submit"), .text(editing == nil ? L.t("登记", "Register") : L.t("保存", "Save"))), .text(" "),
                             .a(.href("/governance/groups"), .text(L.t("取消", "Cancel")))) : .empty),
            editing.map { g in canEdit ? .form(.method("post"), .action("/governance/groups/\(g.id!)/check"), .class("card no-print"), Layout.csrfField(req),
                .h2(.text(L.t("核查", "Check"))),
                .p(.class("muted small"), .text(L.t("看过群后点“今日已核查”；人数有变化的一并更新。", "After looking at the group, mark it checked today; update the member count if it changed."))),
                .div(.class("form"), Form.field(L.t("当前人数（选填）", "Members now (optional)"), "members", errors, Form.input("members", nil, type: "number"))),
                .p(.button(.type("submit"), .class("btn secondary"), .text(L.t("今日已核查", "Checked today"))))) : .empty } ?? .empty)
    }
}
