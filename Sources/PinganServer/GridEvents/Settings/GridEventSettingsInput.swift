import Vapor
import PinganKit

/// Reading the settings forms and the settings API into `GridEventSettings`, with a message per field.
enum GridEventSettingsInput {
    /// The row key of the time-limit form: "default" or a category code.
    static let defaultKey = "default"
    static func hoursField(_ key: String, _ u: GridEventUrgency) -> String { "h_\(key)_\(u.rawValue)" }
    static func clockField(_ key: String, _ u: GridEventUrgency) -> String { "c_\(key)_\(u.rawValue)" }

    /// The time-limit form: the defaults need all three urgencies; a category row left blank inherits (its major
    /// class's row, else the defaults); an urgency left blank in a filled row takes the inherited limit.
    static func timeLimits(_ form: [String: String], categories: [GridEventCategoryRow], L: Lang) -> Result<GridEventTimeLimitTable, FieldErrors> {
        var e = FieldErrors()
        func read(_ key: String) -> [GridEventUrgency: GridEventTimeLimit?] {
            var out: [GridEventUrgency: GridEventTimeLimit?] = [:]
            for u in GridEventUrgency.allCases {
                guard let text = form[hoursField(key, u)]?.nilIfEmpty else { out[u] = .some(nil); continue }
                guard let h = Double(text), h.isFinite, h > 0, h <= 2000 else {
                    e[hoursField(key, u)] = L.t("时限为大于0、不超过2000的小时数", "Hours: more than 0, at most 2000")
                    continue
                }
                out[u] = GridEventTimeLimit(hours: h, roundTheClock: DisputeInput.flag(form[clockField(key, u)]))
            }
            return out
        }
        let d = read(defaultKey)
        for u in GridEventUrgency.allCases where d[u] == .some(nil) {
            e[hoursField(defaultKey, u)] = L.t("默认时限须填写", "The default limit is required")
        }
        func limits(_ r: [GridEventUrgency: GridEventTimeLimit?], inherit: GridEventTimeLimits) -> GridEventTimeLimits {
            GridEventTimeLimits(urgent: (r[.urgent] ?? nil) ?? inherit.urgent, pressing: (r[.pressing] ?? nil) ?? inherit.pressing,
                                normal: (r[.normal] ?? nil) ?? inherit.normal)
        }
        let fallback = GridEventTimeLimits(urgent: .clock(1), pressing: .clock(1), normal: .clock(1))
        let defaults = limits(d, inherit: fallback)
        var byCategory: [String: GridEventTimeLimits] = [:]
        // Major classes first, so a subclass inherits its major class's row as entered.
        for c in categories.sorted(by: { ($0.parentCode == nil ? 0 : 1, $0.code) < ($1.parentCode == nil ? 0 : 1, $1.code) }) {
            let r = read(c.code)
            guard r.values.contains(where: { $0 != nil }) else { continue }
            let inherited = c.parentCode.flatMap { byCategory[$0] } ?? defaults
            byCategory[c.code] = limits(r, inherit: inherited)
        }
        guard e.isEmpty else { return .failure(e) }
        do { return .success(try GridEventTimeLimitTable(defaults: defaults, byCategory: byCategory)) }
        catch { return .failure(FieldErrors([hoursField(defaultKey, .normal): L.t(error.messageZh, error.messageEn)])) }
    }

    /// What the time-limit form shows for a table: each row's own limits (blank where it inherits).
    static func timeLimitValues(_ t: GridEventTimeLimitTable) -> [String: String] {
        var out: [String: String] = [:]
        for (key, limits) in [(defaultKey, t.defaults)] + t.byCategory.map({ ($0.key, $0.value) }) {
            for u in GridEventUrgency.allCases {
                out[hoursField(key, u)] = GridEventTimeLimit.number(limits[u].hours)
                if limits[u].roundTheClock { out[clockField(key, u)] = "1" }
            }
        }
        return out
    }

    /// Working hours ("08:30-12:00, 14:00-17:30") and the red-supervision threshold (per cent of the limit).
    static func hours(_ form: [String: String], into s: inout GridEventSettings, L: Lang) -> FieldErrors {
        var e = FieldErrors()
        if let text = form["workingHours"] {
            do { s.workingHours = try WorkingHours(parsing: text) } catch { e["workingHours"] = L.t(error.messageZh, error.messageEn) }
        }
        if let text = form["redAfterPercent"]?.nilIfEmpty {
            if let p = Double(text), p.isFinite, p >= 0, p <= 500 { s.redAfterFraction = p / 100 }
            else { e["redAfterPercent"] = L.t("为0–500之间的百分数", "A percentage from 0 to 500") }
        }
        return e
    }

    /// One district calendar entry from the form or the API; replaces any district entry on the same day.
    static func entry(day: String?, kind: String?, nameZh: String?, nameEn: String?, inLieu: String?, L: Lang, prefix: String = "") -> Result<CalendarDayEntry, FieldErrors> {
        var e = FieldErrors()
        let d = day.flatMap { LocalDay($0.trimmed) }
        if d == nil { e[prefix + "day"] = L.t("请填写日期，如 2027-01-01", "A date such as 2027-01-01") }
        else if let y = d?.components.year, !(2000...2100).contains(y) { e[prefix + "day"] = L.t("年份须在2000–2100之间", "The year must be 2000–2100") }
        let k = kind.flatMap { CalendarDayKind(rawValue: $0.trimmed) }
        if k == nil { e[prefix + "kind"] = L.t("请选择休息日或工作日", "Choose rest day or working day") }
        let name = nameZh?.trimmed ?? ""
        if !(1...30).contains(name.count) { e[prefix + "nameZh"] = L.t("名称1–30字，如“元旦”", "A name of 1–30 characters, e.g. New Year") }
        let en = nameEn?.trimmed ?? ""
        if en.count > 60 { e[prefix + "nameEn"] = L.t("英文名称不超过60字", "At most 60 characters") }
        guard e.isEmpty, let d, let k else { return .failure(e) }
        return .success(CalendarDayEntry(day: d, kind: k, nameZh: name, nameEn: en.isEmpty ? nil : en, inLieu: k == .rest && DisputeInput.flag(inLieu)))
    }

    static func adding(_ entry: CalendarDayEntry, to s: inout GridEventSettings) {
        s.calendarOverrides.removeAll { $0.day == entry.day }
        s.calendarOverrides.append(entry)
        s.calendarOverrides.sort { $0.day < $1.day }
    }
}

/// The settings as the API reads and writes them. Every key is optional on PUT: what is absent stays.
struct GridEventSettingsDoc: Content {
    struct Limit: Codable { var hours: Double; var roundTheClock: Bool }
    struct Limits: Codable { var urgent: Limit; var pressing: Limit; var normal: Limit }
    struct Entry: Codable { var day: String; var kind: String; var nameZh: String; var nameEn: String?; var inLieu: Bool? }
    var workingHours: String?
    var redAfterFraction: Double?
    var defaults: Limits?
    var byCategory: [String: Limits]?
    var calendarOverrides: [Entry]?
    var enteredYears: [Int]?

    init(_ s: GridEventSettings) {
        func doc(_ l: GridEventTimeLimits) -> Limits {
            Limits(urgent: Limit(hours: l.urgent.hours, roundTheClock: l.urgent.roundTheClock), pressing: Limit(hours: l.pressing.hours, roundTheClock: l.pressing.roundTheClock),
                   normal: Limit(hours: l.normal.hours, roundTheClock: l.normal.roundTheClock))
        }
        workingHours = s.workingHours.description
        redAfterFraction = s.redAfterFraction
        defaults = doc(s.timeLimits.defaults)
        byCategory = s.timeLimits.byCategory.mapValues(doc)
        calendarOverrides = s.calendarOverrides.map { Entry(day: $0.day.description, kind: $0.kind.rawValue, nameZh: $0.nameZh, nameEn: $0.nameEn, inLieu: $0.inLieu) }
        enteredYears = s.enteredYears.sorted()
    }

    /// Applies the document onto `s`; field messages name the JSON keys (`byCategory.C0101.urgent.hours`).
    func apply(to s: inout GridEventSettings, categories: Set<String>, L: Lang) -> FieldErrors {
        var e = FieldErrors()
        if let w = workingHours {
            do { s.workingHours = try WorkingHours(parsing: w) } catch { e["workingHours"] = L.t(error.messageZh, error.messageEn) }
        }
        if let r = redAfterFraction {
            if r.isFinite, r >= 0, r <= 5 { s.redAfterFraction = r } else { e["redAfterFraction"] = L.t("为0–5之间的比例", "A fraction from 0 to 5") }
        }
        func kit(_ l: Limits, _ path: String) -> GridEventTimeLimits? {
            var ok = true
            for (name, v) in [("urgent", l.urgent), ("pressing", l.pressing), ("normal", l.normal)] where !(v.hours.isFinite && v.hours > 0 && v.hours <= 2000) {
                e["\(path).\(name).hours"] = L.t("时限为大于0、不超过2000的小时数", "Hours: more than 0, at most 2000"); ok = false
            }
            guard ok else { return nil }
            return GridEventTimeLimits(urgent: GridEventTimeLimit(hours: l.urgent.hours, roundTheClock: l.urgent.roundTheClock),
                                       pressing: GridEventTimeLimit(hours: l.pressing.hours, roundTheClock: l.pressing.roundTheClock),
                                       normal: GridEventTimeLimit(hours: l.normal.hours, roundTheClock: l.normal.roundTheClock))
        }
        if defaults != nil || byCategory != nil {
            let d = defaults.flatMap { kit($0, "defaults") } ?? s.timeLimits.defaults
            var by = s.timeLimits.byCategory
            if let byCategory {
                by = [:]
                for (code, l) in byCategory.sorted(by: { $0.key < $1.key }) {
                    if !categories.contains(code) { e["byCategory.\(code)"] = L.t("没有这个分类代码", "No such category code"); continue }
                    if let k = kit(l, "byCategory.\(code)") { by[code] = k }
                }
            }
            if e.isEmpty, let t = try? GridEventTimeLimitTable(defaults: d, byCategory: by) { s.timeLimits = t }
        }
        if let list = calendarOverrides {
            var entries: [CalendarDayEntry] = []
            for (i, x) in list.enumerated() {
                switch GridEventSettingsInput.entry(day: x.day, kind: x.kind, nameZh: x.nameZh, nameEn: x.nameEn, inLieu: x.inLieu == true ? "1" : nil, L: L, prefix: "calendarOverrides[\(i)].") {
                case .success(let entry):
                    if entries.contains(where: { $0.day == entry.day }) { e["calendarOverrides[\(i)].day"] = L.t("同一天出现两次", "The same day twice") }
                    entries.append(entry)
                case .failure(let f): f.fields.forEach { e[$0.key] = $0.value }
                }
            }
            s.calendarOverrides = entries.sorted { $0.day < $1.day }
        }
        if let years = enteredYears {
            if let bad = years.first(where: { !(2000...2100).contains($0) }) { e["enteredYears"] = L.t("年份\(bad)不在2000–2100之间", "Year \(bad) is not within 2000–2100") }
            else { s.enteredYears = Array(Set(years)).sorted() }
        }
        return e
    }
}
