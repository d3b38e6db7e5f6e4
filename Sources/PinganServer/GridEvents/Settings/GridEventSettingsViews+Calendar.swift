import Vapor
import PinganKit

extension GridEventSettingsViews {
    // MARK: time limits 处置时限

    /// One row per category (and the defaults): hours and a round-the-clock box per urgency; a blank row inherits,
    /// and shows what it inherits as the placeholder. `values` is the table as saved, or what was typed when a save failed.
    static func limits(_ req: Request, table: GridEventTimeLimitTable, rows: [GridEventCategoryRow], values: [String: String], errors: FieldErrors) -> Response {
        let L = req.lang
        let I = GridEventSettingsInput.self
        func cells(_ key: String, inherited: GridEventTimeLimits?) -> [Node] {
            GridEventUrgency.allCases.map { u in
                let h = I.hoursField(key, u), c = I.clockField(key, u)
                let placeholder = inherited.map { (GridEventTimeLimit.number($0[u].hours)) + ($0[u].roundTheClock ? L.t(" 全天", " 24h") : "") } ?? ""
                return .td(errors[h] != nil ? .class("has-error limit") : .class("limit"),
                           .input(.type("number"), .name(h), .value(values[h] ?? ""), .attr("step", "any"), .attr("min", "0"), .attr("inputmode", "decimal"),
                                  .placeholder(placeholder), .attr("aria-label", L.t(u.nameZh, u.nameEn) + L.t("（小时）", " (hours)")), .attr("form", "limits")),
                           .label(.class("check"), .input(.type("checkbox"), .name(c), .value("1"), .attr("form", "limits"), values[c] == "1" ? .attr("checked", nil) : .empty),
                                  .text(L.t("全天候", "24h"))),
                           errors[h].map { .span(.class("field-error"), .text($0)) } ?? .empty)
            }
        }
        let majors = rows.filter { $0.parentCode == nil }
        var body: [Node] = [.element("tr", [.class("total"), .th(.text(L.t("默认（未单独设定的分类）", "Default (categories without their own)")))] + cells(I.defaultKey, inherited: nil))]
        for m in majors {
            body.append(.element("tr", [.th(.text("\(m.code) " + L.t(m.nameZh, m.nameEn)))] + cells(m.code, inherited: table.defaults)))
            let inherited = table.byCategory[m.code] ?? table.defaults
            for s in rows where s.parentCode == m.code && (s.active || table.byCategory[s.code] != nil) {
                body.append(.element("tr", [.td(.class("sub"), .text("\(s.code) " + L.t(s.nameZh, s.nameEn)))] + cells(s.code, inherited: inherited)))
            }
        }
        return .page(req, title: L.t("处置时限", "Time limits"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            header(req, .limits), Form.errorSummary(req, errors),
            .p(.class("muted"), .text(L.t("时限按工作时间计算（勾选“全天候”则按自然小时，节假日照算）。留空的分类沿用大类或默认时限（灰字所示）。修改只影响此后派遣的事件，已派遣事件的时限不变。",
                                          "Limits count working hours (24h: clock hours, rest days included). A blank row takes its major class's or the default limits (shown in grey). Changes apply to events dispatched from now on; deadlines already set stay."))),
            .form(.method("post"), .action("/events/settings/limits"), .id("limits"), Layout.csrfField(req)),
            .div(.class("scroll"), .table(.class("data compact limits"),
                .thead(.tr(.th(.text(L.t("分类", "Category"))), .forEach(GridEventUrgency.allCases) { u in .th(.text(L.t(u.nameZh, u.nameEn) + L.t("（小时）", " (hours)"))) })),
                .element("tbody", body))),
            .p(.button(.type("submit"), .attr("form", "limits"), .text(L.t("保存时限", "Save the limits")))))
    }

    // MARK: working hours and calendar 工作时间与日历

    struct CalendarForm { var workingHours: String; var redAfterPercent: String; var day = ""; var kind = "rest"; var nameZh = ""; var nameEn = ""; var inLieu = false }

    static func calendar(_ req: Request, settings: GridEventSettings, year: Int, form: CalendarForm, errors: FieldErrors) -> Response {
        let L = req.lang
        let working = settings.calendar(timeZone: req.config.timeZone)
        let coverage = working.coverage(year)
        let district = Set(settings.calendarOverrides.map(\.day))
        let entries = working.entries(in: year)
        let hoursForm: Node = .form(.method("post"), .action("/events/settings/calendar/hours?year=\(year)"), .class("form card"), Layout.csrfField(req),
            .h2(.class("wide"), .text(L.t("工作时间与督办", "Working hours and supervision"))),
            Form.field(L.t("每日工作时段", "Working periods of a day"), "workingHours", errors, hint: L.t("如 08:30-12:00, 14:00-17:30（每天 \(GridEventTimeLimit.number(settings.workingHours.hoursPerDay)) 小时）",
                                                                                                      "e.g. 08:30-12:00, 14:00-17:30 (\(GridEventTimeLimit.number(settings.workingHours.hoursPerDay)) h a day)"),
                       Form.input("workingHours", form.workingHours, required: true)),
            Form.field(L.t("超期后升为红牌督办（占时限的百分比）", "Red supervision after overdue by (% of the limit)"), "redAfterPercent", errors,
                       hint: L.t("超期时间达到时限的该比例仍未处置，黄牌升为红牌", "Still unhandled this share of the limit after the deadline: yellow turns red"),
                       Form.input("redAfterPercent", form.redAfterPercent, type: "number", extra: .attr("step", "any"))),
            .p(.class("wide"), .button(.type("submit"), .text(L.t("保存", "Save")))))
        let coverageNote: Node = .p(.class(coverage.isKnown ? "muted" : "alert notice"), .text(L.t(coverage.nameZh, coverage.nameEn) + (coverage.isKnown ? "" :
            L.t("：请按国务院办公厅当年的放假通知逐日录入休息日和调休上班日，录完后标记“已录入全年安排”。",
                ": enter the year's rest days and make-up working days from the State Council notice, then mark the year as entered."))))
        let yearToggle: Node = coverage == .embedded ? .empty :
            .form(.method("post"), .action("/events/settings/calendar/years"), .class("inline"), Layout.csrfField(req),
                  .input(.type("hidden"), .name("year"), .value("\(year)")), .input(.type("hidden"), .name("entered"), .value(coverage == .entered ? "0" : "1")),
                  .button(.type("submit"), .class("secondary"), .text(coverage == .entered ? L.t("取消“已录入全年安排”", "Unmark the year as entered") : L.t("标记\(year)年已录入全年安排", "Mark \(year) as entered"))))
        let list: Node = entries.isEmpty ? .div(.class("empty"), .text(L.t("\(year)年没有节假日或调休记录，仅周六、周日休息。", "No holidays or swaps in \(year): Saturdays and Sundays rest.")))
            : .div(.class("scroll"), .table(.class("data compact"),
                .thead(.tr(.th(.text(L.t("日期", "Date"))), .th(.text(L.t("星期", "Weekday"))), .th(.text(L.t("休/班", "Rest/work"))), .th(.text(L.t("名称", "Name"))),
                           .th(.text(L.t("来源", "Source"))), .th(.text("")))),
                .element("tbody", entries.map { x in
                    let own = district.contains(x.day)
                    return .tr(.td(.class("nowrap"), .text(x.day.description)), .td(.text(weekday(x.day, L))),
                        .td(.span(.class("badge " + (x.kind == .rest ? "closed" : "prev")), .text(L.t(x.kind.nameZh, x.kind.nameEn)))),
                        .td(.text(L.t(x.nameZh, x.nameEn) + (x.inLieu ? L.t("（调休）", " (swapped)") : ""))),
                        .td(.text(own ? L.t("本区录入", "District") : L.t("国务院通知（内置）", "State Council (built in)"))),
                        .td(own ? .form(.method("post"), .action("/events/settings/calendar/days/\(x.day.description)/delete?year=\(year)"), .class("inline"), Layout.csrfField(req),
                                        .button(.type("submit"), .class("link"), .text(L.t("删除", "Delete")))) : .empty))
                })))
        let add: Node = .form(.method("post"), .action("/events/settings/calendar/days?year=\(year)"), .class("form card"), Layout.csrfField(req),
            .h2(.class("wide"), .text(L.t("录入一天", "Enter a day"))),
            Form.field(L.t("日期", "Date"), "day", errors, Form.input("day", form.day, type: "date", required: true)),
            Form.field(L.t("休/班", "Rest or work"), "kind", errors, Form.select("kind", CalendarDayKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: form.kind)),
            Form.field(L.t("名称", "Name"), "nameZh", errors, Form.input("nameZh", form.nameZh, required: true, extra: .placeholder(L.t("如 春节、区运动会调休", "e.g. Spring Festival")))),
            Form.field(L.t("英文名称（可选）", "English name (optional)"), "nameEn", errors, Form.input("nameEn", form.nameEn)),
            .label(.class("check wide"), .input(.type("checkbox"), .name("inLieu"), .value("1"), form.inLieu ? .attr("checked", nil) : .empty),
                   .text(L.t("调休形成的休息日", "A rest day that exists because of a swap"))),
            .p(.class("wide"), .button(.type("submit"), .text(L.t("录入", "Enter")))))
        let nav: Node = .div(.class("toolbar"), .h2(.text(L.t("\(year)年工作日历", "Working calendar \(year)"))),
            .div(.class("tabs"), .a(.href("?year=\(year - 1)"), .text("← \(year - 1)")), .a(.href("?year=\(year + 1)"), .text("\(year + 1) →"))))
        return .page(req, title: L.t("工作时间与日历", "Working hours and calendar"), status: errors.isEmpty ? .ok : .unprocessableEntity,
                     header(req, .calendar), Form.errorSummary(req, errors), hoursForm, nav, coverageNote, yearToggle,
                     yearView(working, year: year, L: L), list, add)
    }

    static func weekday(_ d: LocalDay, _ L: Lang) -> String {
        let zh = ["一", "二", "三", "四", "五", "六", "日"], en = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return L.t("周" + zh[d.weekday - 1], en[d.weekday - 1])
    }

    /// Twelve small months, rest days shaded and make-up working days marked, so a year's notice is checked at a glance.
    static func yearView(_ cal: WorkingCalendar, year: Int, L: Lang) -> Node {
        let heads = L.isEnglish ? ["M", "T", "W", "T", "F", "S", "S"] : ["一", "二", "三", "四", "五", "六", "日"]
        let months: [Node] = (1...12).compactMap { m in
            guard let first = LocalDay(year: year, month: m, day: 1) else { return nil }
            var cells: [Node] = Array(repeating: .td(.text("")), count: first.weekday - 1)
            var d = first
            while d.components.month == m {
                let entry = cal.entry(on: d)
                let rest = !cal.isWorkingDay(d)
                let cls = rest ? (entry != nil ? "holiday" : "rest") : (entry != nil ? "swap" : "")
                let title = entry.map { L.t($0.nameZh, $0.nameEn) + " · " + L.t($0.kind.nameZh, $0.kind.nameEn) } ?? ""
                cells.append(.td(cls.isEmpty ? .empty : .class(cls), title.isEmpty ? .empty : .attr("title", title), .text("\(d.components.day)")))
                d = d.adding(days: 1)
            }
            let weeks = stride(from: 0, to: cells.count, by: 7).map { Array(cells[$0..<min($0 + 7, cells.count)]) }
            return .div(.class("month"), .strong(.text(L.t("\(m)月", ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]))),
                        .table(.thead(.element("tr", heads.map { .th(.text($0)) })), .element("tbody", weeks.map { .element("tr", $0) })))
        }
        let legend: Node = .p(.class("muted legend"), .span(.class("key holiday"), .text(" ")), .text(L.t("节假日", "Holiday") + "　"),
                              .span(.class("key rest"), .text(" ")), .text(L.t("周末", "Weekend") + "　"),
                              .span(.class("key swap"), .text(" ")), .text(L.t("调休上班", "Make-up working day")))
        return .div(.class("card"), .div(.class("year-calendar"), .group(months)), legend)
    }
}
