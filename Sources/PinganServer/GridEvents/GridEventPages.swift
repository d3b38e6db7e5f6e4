import Vapor
import PinganKit

extension GridEventViews {
    /// 采集 on a phone: category (searchable), what, where (pin from GPS or the map, or community and grid), photos.
    /// A failed submit keeps what was typed (photos must be chosen again: browsers do not let a page refill them),
    /// and the same idempotency key, so a resend never files twice.
    static func reportForm(_ req: Request, input: GridEventReportInput, key: String, errors: FieldErrors, categories: [GridEventCategoryRow],
                           communities: [(id: Int, name: String)], grids: [Division], picker: Node, duplicates: [GridEventDTO], isCentre: Bool) -> Response {
        let L = req.lang, cal = req.localCalendar
        let options = GridEventCategories.options(categories, L)
        let catErr = errors["categoryCode"]
        let dupNode: Node = duplicates.isEmpty ? .empty : .div(.class("alert notice wide"), .attr("role", "alert"),
            .strong(.text(L.t("附近24小时内已有同类事件，可能重复：", "A similar event was reported nearby in the last 24 hours:"))),
            .ul(.forEach(duplicates) { d in .li(.a(.href("/events/\(d.id)"), .text(d.number)), .text(" · \(d.categoryName) · " + cal.formatDateTime(d.reportedAt) + " · "), statusBadge(d.status, L)) }),
            .label(.class("check"), .input(.type("checkbox"), .name("confirmDuplicate"), .value("1")), .text(L.t("不是重复事件，仍要上报", "It is not a duplicate: report it anyway"))))
        let sources = GridEventSource.allCases.filter { $0 != .portal }.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let form: Node = .form(.method("post"), .action("/events"), .attr("enctype", "multipart/form-data"), .class("card"),
            Layout.csrfField(req), .input(.type("hidden"), .name("idempotencyKey"), .value(key)),
            Form.errorSummary(req, errors),
            .div(.class("form"),
                dupNode,
                .div(.class("wide " + (catErr != nil ? "has-error" : "")), .label(.text(L.t("事件类别", "Category")),
                    .input(.type("search"), .class("category-search"), .attr("data-filter-select", "f-categoryCode"), .placeholder(L.t("输入关键字筛选，如“井盖”", "Type to filter, e.g. manhole")), .attr("aria-label", L.t("筛选类别", "Filter categories"))),
                    .select(.name("categoryCode"), .id("f-categoryCode"), .required(), .option(.value(""), .text(L.t("请选择", "Choose…"))),
                        .forEach(options) { g in .element("optgroup", [.attr("label", g.group), .forEach(g.items) { v, t in .option(.value(v), .selected(v == input.categoryCode), .text(t)) }]) })),
                    .if(catErr != nil, .span(.class("field-error"), .attr("role", "alert"), .text(catErr ?? "")))),
                Form.field(L.t("紧急程度", "Urgency"), "urgency", errors, Form.select("urgency", GridEventUrgency.allCases.reversed().map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.urgency ?? "normal")),
                isCentre ? Form.field(L.t("来源", "Source"), "source", errors, Form.select("source", sources, selected: input.source ?? "grid_patrol")) : .empty,
                Form.field(L.t("问题描述", "What did you find"), "description", errors, wide: true, Form.textarea("description", input.description)),
                Form.field(L.t("现场照片（可多张）", "Photos (several allowed)"), "photos", errors, wide: true, hint: L.t("JPEG、PNG 或手机 HEIC，每张不超过 \(PhotoStore.maxBytes >> 20) MB", "JPEG, PNG or a phone's HEIC, up to \(PhotoStore.maxBytes >> 20) MB each"),
                           .input(.type("file"), .name("photos[]"), .id("f-photos"), .attr("accept", "image/jpeg,image/png,image/heic,image/heif"), .attr("multiple", nil), .attr("capture", "environment"))),
                Form.field(L.t("纬度", "Latitude"), "lat", errors, Form.input("lat", input.lat, extra: .attr("inputmode", "decimal"))),
                Form.field(L.t("经度", "Longitude"), "lon", errors, Form.input("lon", input.lon, extra: .attr("inputmode", "decimal"))),
                picker,
                Form.field(L.t("社区/村", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID,
                                                                                      blank: L.t("按地图位置自动确定", "From the map point"), extra: Form.followedByGrids(L))),
                Form.field(L.t("网格", "Grid"), "gridID", errors, Form.select("gridID", grids.map { ("\($0.id!)", $0.name) }, selected: input.gridID,
                                                                           blank: L.t("按地图位置自动确定", "From the map point"), extra: Form.gridBlank(L))),
                Form.field(L.t("地址或参照物", "Address or landmark"), "address", errors, Form.input("address", input.address, extra: .attr("maxlength", "200")))),
            .p(.button(.type("submit"), .text(L.t("上报", "Report"))), " ", .a(.href("/events"), .text(L.t("取消", "Cancel")))))
        return .page(req, title: L.t("上报网格事件", "Report a problem"), status: errors.isEmpty && duplicates.isEmpty ? .ok : .unprocessableEntity,
                     .h1(.text(L.t("上报网格事件", "Report a problem in the grid"))), form)
    }

    /// One event: what, where, the clock, photos, every step, and the forms of the steps the user may take now.
    static func detail(_ req: Request, _ e: GridEventDTO, units: [ResponsibleUnit], errors: FieldErrors, placeMap: Node) -> Response {
        let L = req.lang, cal = req.localCalendar
        var kv: [Node] = []
        func row(_ zh: String, _ en: String, _ v: Node) { kv.append(.dt(.text(L.t(zh, en)))); kv.append(.dd(v)) }
        row("类别", "Category", .text(e.categoryName + " (\(e.categoryCode))"))
        row("紧急程度", "Urgency", .text(L.t(e.urgency.nameZh, e.urgency.nameEn)))
        row("位置", "Where", .text(e.communityName + (e.gridName.map { " · " + $0 } ?? "") + (e.address.isEmpty ? "" : " · " + e.address)))
        if let lat = e.lat, let lon = e.lon { row("坐标", "Coordinates", .text(String(format: "%.6f, %.6f", lat, lon))) }
        let origin: Node = e.portalRequestID.map { .group([.text(" · "), .a(.href("/portal/requests/\($0)"), .text(L.t("群众诉求", "Resident's request") + " #\($0)"))]) }
            ?? e.patrolLogID.map { .group([.text(" · "), .a(.href("/forces/patrols/logs/\($0)"), .text(L.t("巡逻记录", "Patrol log") + " #\($0)"))]) }
            ?? e.inspectionID.map { .group([.text(" · "), .a(.href("/forces/inspections/\($0)"), .text(L.t("检查记录", "Inspection") + " #\($0)"))]) } ?? .empty
        row("来源", "Source", .group([.text(L.t(e.source.nameZh, e.source.nameEn) + (e.reporter.map { " · " + $0 } ?? "")), origin]))
        row("上报时间", "Reported", .text(cal.formatDateTime(e.reportedAt)))
        row("受理层级", "Held by", .text(L.t(e.centreLevel.nameZh, e.centreLevel.nameEn)))
        if let u = e.unitName { row("处置单位", "Responsible unit", .text(u + (e.helpers?.isEmpty == false ? L.t("（主办）", " (lead)") : ""))) }
        if let helpers = e.helpers, !helpers.isEmpty {
            row("协办单位", "Helping units", .group(helpers.map { h in
                .div(.text(h.unitName + " "), .span(.class("badge " + (h.reported ? "closed" : "dispatched")), .text(h.reported ? L.t("已反馈", "Reported") : L.t("未反馈", "Not yet reported"))))
            }))
        }
        if let d = e.deadline { row("处置时限", "Deadline", .group([.text(cal.formatDateTime(d) + " "), clockBadge(e.clock, L)])) }
        if e.reworkCount > 0 { row("返工次数", "Reworked", .text("\(e.reworkCount)")) }
        if let s = e.supervision { row("督办", "Supervision", .span(.class("badge received"), .text(L.t(s.nameZh, s.nameEn)))) }
        if let r = e.reason { row("最近说明", "Last reason", .text(r)) }
        if let h = e.pendingExtensionHours { row("延期申请", "Extension asked", .text(L.t("\(hours(h)) 工作小时，待审批", "\(hours(h)) working h, awaiting approval"))) }
        if let s = e.satisfaction { row("群众评价", "Resident's rating", .text(L.t(s.nameZh, s.nameEn))) }
        let gallery: (([PhotoDTO]) -> Node) = { photos in
            photos.isEmpty ? .empty : .div(.class("photo-strip"), .forEach(photos) { p in
                .a(.href(p.url ?? "#"), .attr("target", "_blank"), p.thumbURL.map { .void("img", [.attr("src", $0), .attr("alt", L.t("照片", "Photo")), .attr("loading", "lazy")]) }
                    ?? .span(.class("badge gen"), .text(L.t("原图（\(p.format.uppercased())，无预览）", "Original (\(p.format.uppercased()), no preview)"))))
            })
        }
        let steps: [Node] = (e.steps ?? []).map { s in
            .li(.strong(.text(s.actionName)), " ", .span(.class("muted small"), .text(cal.formatDateTime(s.at) + " · " + s.by + " · " + L.t(s.to.nameZh, s.to.nameEn))),
                s.note.isEmpty ? .empty : .div(.text(s.note)), gallery(s.photos))
        }
        let info: Node = .div(.class("card"), .h2(.text(L.t("事件信息", "Event"))), .p(.text(e.description)), .element("dl", [.class("kv")] + kv), placeMap)
        let timeline: Node = .div(.class("card"), .h2(.text(L.t("处置过程", "Timeline"))), .element("ol", [.class("timeline")] + steps))
        let actions = actionForms(req, e, units: units, errors: errors)
        return .page(req, title: e.number, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/events"), .text(L.t("网格事件", "Grid events"))), " › ", .text(e.number)),
            .div(.class("toolbar"), .h1(.text(e.number + " "), statusBadge(e.status, L))),
            Form.errorSummary(req, errors),
            .div(.class("grid2"), .div(info, actions), timeline))
    }
}

extension GridEventViews {
    /// One small form per step the user may take now (the server decides which: role, side and state).
    static func actionForms(_ req: Request, _ e: GridEventDTO, units: [ResponsibleUnit], errors: FieldErrors) -> Node {
        let L = req.lang
        guard let actions = e.actions, !actions.isEmpty else { return .empty }
        func form(_ kind: GridEventActionKind, photos: Bool = false, _ fields: Node...) -> Node {
            .form(.method("post"), .action("/events/\(e.id)/actions"), .class("action-form"), photos ? .attr("enctype", "multipart/form-data") : .empty,
                  Layout.csrfField(req), .input(.type("hidden"), .name("action"), .value(kind.rawValue)),
                  .div(.class("form"), .group(fields)),
                  .p(.button(.type("submit"), kind == .decline || kind == .failVerification || kind == .returnToCentre ? .class("secondary") : .empty, .text(L.t(kind.nameZh, kind.nameEn.capitalized)))))
        }
        func reason(_ zh: String = "理由", _ en: String = "Reason") -> Node { Form.field(L.t(zh, en), "reason", errors, wide: true, .textarea(.name("reason"), .required())) }
        func note(_ zh: String, _ en: String, required: Bool = false) -> Node { Form.field(L.t(zh, en), "note", errors, wide: true, .textarea(.name("note"), .required(required))) }
        func photos(required: Bool) -> Node {
            Form.field(L.t(required ? "现场照片（至少一张）" : "照片", required ? "Photos on the spot (at least one)" : "Photos"), "photos", errors, wide: true,
                       .input(.type("file"), .name("photos[]"), .attr("accept", "image/jpeg,image/png,image/heic,image/heif"), .attr("multiple", nil), .attr("capture", "environment"), .required(required)))
        }
        let forms: [Node] = actions.map { k in
            switch k {
            case .register: return form(k)
            case .decline: return form(k, reason("不予立案的理由（上报人可见）", "Why not (the reporter sees it)"))
            case .dispatch:
                let options = units.map { ("\($0.id!)", $0.name + "（" + L.t($0.kind.nameZh, $0.kind.nameEn) + "）") }
                return form(k, Form.field(L.t("处置单位（主办）", "Lead unit"), "unitID", errors, Form.select("unitID", options, selected: nil, blank: L.t("请选择", "Choose…"), required: true)),
                            Form.field(L.t("协办单位（可选，最多\(GridEventWorkflow.maxHelpers)个）", "Helping units (optional, at most \(GridEventWorkflow.maxHelpers))"), "helperUnitIDs", errors, wide: true,
                                       hint: L.t("协办单位可查看事件并反馈协办情况；处置反馈由主办单位提交", "Helping units see the event and report their part; the lead unit reports the handling"),
                                       .div(.class("checks"), .forEach(options) { id, name in
                                           .label(.class("inline"), .input(.type("checkbox"), .name("helperUnitIDs[]"), .value(id), .checked((e.helpers ?? []).contains { "\($0.unitID)" == id })), .text(" " + name))
                                       })),
                            Form.field(L.t("紧急程度", "Urgency"), "urgency", errors, Form.select("urgency", GridEventUrgency.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: e.urgency.rawValue)),
                            Form.field(L.t("指定时限（可选）", "Deadline (optional)"), "deadline", errors, hint: L.t("留空则按类别和紧急程度计算工作时限", "Empty: the category's working-hours limit"),
                                       Form.input("deadline", nil, type: "datetime-local")))
            case .accept: return form(k)
            case .returnToCentre: return form(k, reason("退回理由（如非本单位职责）", "Why (e.g. not our responsibility)"))
            case .requestExtension: return form(k, Form.field(L.t("延长工作小时", "Extra working hours"), "hours", errors, Form.input("hours", nil, type: "number", extra: .attr("min", "1"))), reason())
            case .approveExtension: return form(k, Form.field(L.t("批准小时（留空按申请）", "Hours (empty: as asked)"), "hours", errors, Form.input("hours", nil, type: "number", extra: .attr("min", "1"))))
            case .rejectExtension: return form(k, reason())
            case .feedback:
                let waiting = (e.helpers ?? []).filter { !$0.reported }.map(\.unitName)
                return form(k, photos: true, waiting.isEmpty ? .empty : .p(.class("muted small"), .text(L.t("协办单位尚未反馈：", "Helping units not yet reported: ") + waiting.joined(separator: L.t("、", ", ")))),
                            note("处置情况", "What was done", required: true), photos(required: false))
            case .assist: return form(k, photos: true, note("本单位协办情况", "What your unit did", required: true), photos(required: false))
            case .passVerification: return form(k, photos: true, note("核查说明", "Verification note"), photos(required: true))
            case .failVerification: return form(k, photos: true, reason("未处置到位的情况（将返工）", "What is not fixed (goes back to the unit)"), photos(required: true))
            case .escalate: return form(k, reason("上报上级的理由", "Why escalate"))
            case .supervise:
                return form(k, Form.field(L.t("督办等级", "Order"), "level", errors, Form.select("level", SupervisionLevel.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: e.supervision == .yellow ? "red" : "yellow")))
            case .answerSupervision: return form(k, note("督办回复", "Answer to the order", required: true))
            case .rate: return .empty
            }
        }
        return .div(.class("card no-print"), .h2(.text(L.t("可办理事项", "What you can do"))), .group(forms))
    }
}
