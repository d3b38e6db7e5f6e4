import Vapor
import PinganKit

/// Pages of the integrated offices (合署办公): the district's table and one community's office with its six integrations.
enum OfficeViews {
    static func statusBadge(_ L: Lang, _ s: IntegrationStatus?) -> Node {
        guard let s else { return .span(.class("badge gen"), .text(L.t("未自评", "Not assessed"))) }
        let cls: String
        switch s { case .met: cls = "closed"; case .partial: cls = "dispatched"; case .notMet: cls = "received" }
        return .span(.class("badge \(cls)"), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func list(_ req: Request, _ rows: [IntegratedOfficeDTO]) -> Response {
        let L = req.lang
        let established = rows.filter(\.established).count
        let full = rows.filter { $0.inPlace == Integration.allCases.count }.count
        let table: Node = rows.isEmpty ? .div(.class("empty"), .text(L.t("您的辖区内没有社区。", "No community in your jurisdiction.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("社区", "Community"))), .th(.text(L.t("合署办公", "Office"))), .th(.class("hide-sm"), .text(L.t("主任", "Director"))),
                           .th(.class("hide-sm"), .text(L.t("副主任（社区民警）", "Deputy (officer)"))), .th(.text(L.t("六个一体化", "Six integrations"))))),
                .element("tbody", rows.map { o in
                    .tr(.td(.a(.href("/governance/offices/\(o.communityID)"), .text(o.community))),
                        .td(o.established ? .span(.class("badge closed"), .text(L.t("已合署", "In place"))) : .span(.class("badge gen"), .text(L.t("未登记", "Not recorded")))),
                        .td(.class("hide-sm"), .text(o.director.isEmpty ? "—" : o.director)), .td(.class("hide-sm"), .text(o.deputy ?? "—")),
                        .td(.text(o.established ? "\(o.inPlace)/\(Integration.allCases.count)" : "—")))
                })))
        return .page(req, title: L.t("合署办公", "Integrated offices"),
            GovernanceViews.header(req, active: "/governance/offices"),
            .p(.class("muted small"), .text(L.t("社区综治办与社区警务室合署办公：社区书记任主任、社区民警任副主任，双领导、双考核。",
                                                "The community's governance office and police office work as one: the community secretary directs, the community officer deputises; two lines of leadership, two assessments."))),
            .div(.class("stats"),
                .div(.class("stat"), .div(.class("num"), .text("\(established)/\(rows.count)")), .div(.class("lbl"), .text(L.t("已登记合署办公的社区", "Communities with an office recorded")))),
                .div(.class("stat"), .div(.class("num"), .text("\(full)")), .div(.class("lbl"), .text(L.t("六个一体化全部落实", "All six integrations in place"))))),
            table)
    }

    static func detail(_ req: Request, _ o: IntegratedOfficeDTO, input i: IntegratedOfficeInput, checks: ChecksInput?, officers: [User], errors: FieldErrors) -> Response {
        let L = req.lang
        let canEdit = (try? req.user.role.can(.editGovernance)) ?? false
        let officeErrors = FieldErrors(errors.fields.filter { !$0.key.hasPrefix("status.") && !$0.key.hasPrefix("evidence.") })
        let checkErrors = FieldErrors(errors.fields.filter { $0.key.hasPrefix("status.") || $0.key.hasPrefix("evidence.") })
        let officeForm: Node = .form(.method("post"), .action("/governance/offices/\(o.communityID)"), .class("card"), Layout.csrfField(req),
            .h2(.text(L.t("组成", "Members"))), Form.errorSummary(req, officeErrors),
            .div(.class("form"),
                Form.field(L.t("主任（社区书记）", "Director (community secretary)"), "director", officeErrors, Form.input("director", i.director, extra: .attr("maxlength", "30"))),
                Form.field(L.t("副主任（社区民警）", "Deputy (community officer)"), "deputyID", officeErrors,
                           Form.select("deputyID", officers.map { ("\($0.id!)", $0.displayName) }, selected: i.deputyID, blank: L.t("未指定", "Not named"))),
                Form.field(L.t("合署日期", "Since"), "establishedOn", officeErrors, Form.input("establishedOn", i.establishedOn, type: "date")),
                Form.field(L.t("成员（网格员、社工、警辅等，每行一人）", "Members (grid workers, social workers, auxiliaries; one per line)"), "members", officeErrors, wide: true, Form.textarea("members", i.members)),
                Form.field(L.t("备注", "Note"), "note", officeErrors, wide: true, Form.textarea("note", i.note))),
            canEdit ? .p(.button(.type("submit"), .text(L.t("保存", "Save")))) : .empty)
        let rows: [Node] = o.integrations.map { item in
            let key = item.item.rawValue
            let typed = checks?.items[key]
            let selected = typed?.status ?? item.status?.rawValue
            let control: Node = item.computed || !canEdit || !o.established
                ? .group([statusBadge(L, item.status), .div(.class("small muted"), .text(item.evidence.isEmpty ? "—" : item.evidence))])
                : .group([
                    Form.select("status[\(key)]", IntegrationStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: selected, blank: L.t("未自评", "Not assessed"),
                                extra: .attr("aria-label", L.t(item.item.nameZh, item.item.nameEn) + L.t("状态", " status"))),
                    .input(.type("text"), .class("evidence"), .name("evidence[\(key)]"), .value(typed?.evidence ?? item.evidence), .placeholder(L.t("依据，如：每周联合值班表", "What shows it, e.g. the weekly joint duty roster")),
                           .attr("aria-label", L.t("依据", "Evidence"))),
                    (checkErrors["status.\(key)"] ?? checkErrors["evidence.\(key)"]).map { .span(.class("field-error"), .attr("role", "alert"), .text($0)) } ?? .empty])
            return .tr(.class(checkErrors["status.\(key)"] != nil || checkErrors["evidence.\(key)"] != nil ? "has-error" : ""),
                       .td(.strong(.text(item.name)), .div(.class("small muted"), .text(item.expectation))),
                       .td(control), .td(.class("nowrap hide-sm"), .text(item.checkedOn ?? "")))
        }
        let checklist: Node = .form(.method("post"), .action("/governance/offices/\(o.communityID)/checks"), .class("card"), Layout.csrfField(req),
            .h2(.attr("id", "integrations"), .text(L.t("六个一体化（\(o.inPlace)/6 已落实）", "Six integrations (\(o.inPlace) of 6 in place)"))),
            o.established ? .empty : .p(.class("muted"), .text(L.t("先在上方登记主任和副主任，再自评。", "Record the director and deputy above first, then assess."))),
            checkErrors.isEmpty ? .empty : Form.errorSummary(req, checkErrors),
            .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("一体化", "Integration"))), .th(.text(L.t("落实情况与依据", "State and evidence"))), .th(.class("hide-sm"), .text(L.t("自评日期", "Assessed"))))),
                .element("tbody", rows))),
            canEdit && o.established ? .p(.button(.type("submit"), .text(L.t("保存自评", "Save the assessment")))) : .empty)
        return .page(req, title: o.community + L.t(" 合署办公", " integrated office"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/offices"), .text(L.t("合署办公", "Integrated offices"))), " › ", .text(o.community)),
            .div(.class("toolbar"), .h1(.text(o.community + L.t(" 合署办公", " integrated office"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            officeForm, checklist)
    }
}
