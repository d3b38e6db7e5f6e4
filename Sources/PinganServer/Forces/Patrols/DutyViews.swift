import Vapor
import PinganKit

enum DutyViews {
    static func page(_ req: Request, today: [DutyDTO], all: [DutyDTO], members: [MemberDTO], input: DutyInput, errors: FieldErrors,
                     communities: [(id: Int, name: String)], canEdit: Bool) -> Response {
        let L = req.lang
        let title = L.t("商铺值守与护学岗", "Shop and school-run duty")
        let day = WorkLogService.today(req)
        let todayTable: Node = today.isEmpty ? TeamViews.empty(L.t("今天没有排班。", "Nobody is rostered today."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("时段", "Time"))), .th(.text(L.t("类型", "Kind"))), .th(.text(L.t("岗位", "Post"))),
                                                .th(.text(L.t("社区/村", "Community"))), .th(.text(L.t("值守人员", "On duty"))), .th(.text(L.t("状态", "Status"))))),
                     .element("tbody", today.map { d in
                         .tr(.td(.class("nowrap"), .text("\(d.start)–\(d.end)")), .td(.text(d.kindName)),
                             .td(d.siteID.map { Node.a(.href("/sites/\($0)"), .text(d.post)) } ?? .text(d.post)), .td(.text(d.communityName ?? "")),
                             .td(.strong(.text(d.onDuty))), .td(.span(.class(d.status == .onDuty ? "badge received" : d.status == .finished ? "badge closed" : "badge"), .text(d.statusName ?? ""))))
                     }))
        let allTable: Node = all.isEmpty ? TeamViews.empty(L.t("还没有值守排班。", "No duty slots yet."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("类型", "Kind"))), .th(.text(L.t("岗位", "Post"))), .th(.text(L.t("社区/村", "Community"))),
                                                .th(.text(L.t("星期", "Weekdays"))), .th(.text(L.t("时段", "Time"))), .th(.text(L.t("值守人员", "On duty"))),
                                                .th(.text(L.t("有效期", "Valid"))), canEdit ? .th(.class("no-print"), .text("")) : .empty)),
                     .element("tbody", all.map { d in
                         let ended = d.validUntil.map { $0 < day.description } ?? false
                         return .tr(.td(.text(d.kindName)), .td(.text(d.post)), .td(.text(d.communityName ?? "")), .td(.text(d.weekdaysText)),
                             .td(.class("nowrap"), .text("\(d.start)–\(d.end)")), .td(.text(d.onDuty)),
                             .td(.class("nowrap"), .text((d.validFrom ?? "…") + " – " + (d.validUntil ?? "…"))),
                             canEdit ? .td(.class("no-print"), ended ? .span(.class("muted"), .text(L.t("已停止", "Ended")))
                                 : .form(.method("post"), .action("/forces/duty/\(d.id)/end"), .class("inline"), Layout.csrfField(req),
                                         .button(.type("submit"), .class("link"), .text(L.t("停止排班", "End"))))) : .empty)
                     }))
        let weekdays = Set((input.weekdays ?? "").compactMap(\.wholeNumberValue))
        let form: Node = canEdit ? .form(.method("post"), .action("/forces/duty"), .class("card no-print"), Layout.csrfField(req),
            .h2(.text(L.t("新增排班", "Add a duty slot"))), Form.errorSummary(req, errors),
            .div(.class("form"),
                Form.field(L.t("类型", "Kind"), "kind", errors, Form.select("kind", DutyKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.kind)),
                Form.field(L.t("社区/村", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose"))),
                Form.field(L.t("岗位（学校、商铺）", "Post (school, shop)"), "post", errors, Form.input("post", input.post)),
                Form.field(L.t("场所编号（选填）", "Site number (optional)"), "siteID", errors, hint: L.t("场所物品中的商铺或学校", "A shop or school under Places"), Form.input("siteID", input.siteID, type: "number")),
                Form.field(L.t("星期", "Weekdays"), "weekdays", errors, wide: true,
                    .div(.class("checks"), .forEach(1...7) { d in
                        .label(.class("inline"), .input(.type("checkbox"), .name("weekdays[]"), .value("\(d)"), .checked(weekdays.contains(d))),
                               .text(" " + L.t("周" + DutyRoster.weekdayZh(d), ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d]) + "  "))
                    })),
                Form.field(L.t("开始", "Start"), "start", errors, hint: L.t("护学岗：上学 07:00–08:30，放学 16:00–17:30", "School run: 07:00–08:30 and 16:00–17:30"), Form.input("start", input.start, type: "time")),
                Form.field(L.t("结束", "End"), "end", errors, Form.input("end", input.end, type: "time")),
                Form.field(L.t("在岗队员", "Team member"), "memberID", errors, Form.select("memberID", members.map { ("\($0.id)", "\($0.name)（\($0.teamName ?? "")）") }, selected: input.memberID, blank: L.t("—", "—"))),
                Form.field(L.t("值守人员（非队员时填写）", "On duty (if not a member)"), "onDuty", errors, Form.input("onDuty", input.onDuty)),
                Form.field(L.t("起始日期", "From"), "validFrom", errors, Form.input("validFrom", input.validFrom, type: "date")),
                Form.field(L.t("截止日期", "Until"), "validUntil", errors, Form.input("validUntil", input.validUntil, type: "date"))),
            .p(.button(.type("submit"), .text(L.t("保存", "Save"))))) : .empty
        return TeamViews.page(req, title: title, active: "/forces/duty", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary"), .href("/forces/duty/export.csv"), .text(L.t("导出 CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印今日值守", "Print today's duty")))),
            .h2(.text(L.t("今日值守", "Today's duty") + " · \(day) " + L.t("周" + DutyRoster.weekdayZh(day.weekday), ""))), todayTable,
            .h2(.text(L.t("排班表", "Roster"))), allTable, form)
    }
}
