import Fluent
import SQLKit
import Vapor
import PinganKit

/// 编制月度快照: each station's officers and offices, in place and required, as they stood in a month.
/// The staffing planner only knows today (officers are user accounts, offices and populations live on the
/// jurisdiction tree), so the assessment of a past month needs what was recorded while that month ran.
/// One row per month and station; the current month's rows are replaced while the month runs and kept after it.
final class StaffingSnapshot: Model, @unchecked Sendable {
    static let schema = "staffing_snapshots"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "month") var month: String
    @Field(key: "station_id") var stationID: Int
    @Field(key: "officers_required") var officersRequired: Int
    @Field(key: "officers_in_place") var officersInPlace: Int
    @Field(key: "officers_shortfall") var officersShortfall: Int
    @Field(key: "officers_surplus") var officersSurplus: Int
    @Field(key: "offices_required") var officesRequired: Int
    @Field(key: "offices_in_place") var officesInPlace: Int
    @Field(key: "offices_shortfall") var officesShortfall: Int
    @Field(key: "offices_surplus") var officesSurplus: Int
    @Field(key: "taken_at") var takenAt: Date
    /// "server" (the hourly refresh), "cli", "demo" or the username who asked.
    @Field(key: "taken_by") var takenBy: String
    init() {}

    var officers: StaffingFigure { .init(required: officersRequired, inPlace: officersInPlace, shortfall: officersShortfall, surplus: officersSurplus) }
    var offices: StaffingFigure { .init(required: officesRequired, inPlace: officesInPlace, shortfall: officesShortfall, surplus: officesSurplus) }
}

struct CreateStaffingSnapshots: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("staffing_snapshots")
            .field("id", .int, .identifier(auto: true))
            .field("month", .string, .required)
            .field("station_id", .int, .required, .references("stations", "id", onDelete: .cascade))
            .field("officers_required", .int, .required)
            .field("officers_in_place", .int, .required)
            .field("officers_shortfall", .int, .required)
            .field("officers_surplus", .int, .required)
            .field("offices_required", .int, .required)
            .field("offices_in_place", .int, .required)
            .field("offices_shortfall", .int, .required)
            .field("offices_surplus", .int, .required)
            .field("taken_at", .datetime, .required)
            .field("taken_by", .string, .required)
            .unique(on: "month", "station_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("staffing_snapshots").delete() }
}

/// Which staffing a month's assessment used: today's figures, or those recorded for a month.
struct StaffingBasis: Content, Equatable {
    enum Kind: String, Codable { case current, snapshot }
    var kind: Kind
    /// The month whose snapshot was used: the month itself, or the latest earlier month recorded (nothing changed
    /// was recorded in between). nil for current figures.
    var snapshotMonth: String?
    var takenAt: Date?

    static let current = StaffingBasis(kind: .current, snapshotMonth: nil, takenAt: nil)

    func describe(_ req: Request, month: String) -> String {
        let L = req.lang
        switch kind {
        case .current:
            return L.t("在岗民警、警务室按当前配备计算", "Officers and offices: current staffing")
        case .snapshot:
            let at = takenAt.map { L.t("，记录于 ", ", recorded ") + LocalCalendar(timeZoneIdentifier: req.config.timeZone).formatDateTime($0) } ?? ""
            if snapshotMonth == month { return L.t("在岗民警、警务室按 \(month) 编制快照", "Officers and offices: the \(month) snapshot") + at }
            return L.t("在岗民警、警务室按 \(snapshotMonth ?? "") 编制快照（此后至 \(month) 无新记录）", "Officers and offices: the \(snapshotMonth ?? "") snapshot (none recorded since, up to \(month))") + at
        }
    }
}

enum StaffingSnapshots {
    typealias StationStaffing = IndicatorService.StationStaffing

    /// Today's officers and offices in place vs required by station id, from the staffing planner (whole district).
    static func live(_ req: Request, units all: AnalysisUnits) async throws -> StationStaffing {
        var nameToID: [String: String] = [:]
        for c in all.communities where nameToID[c.stationName] == nil { nameToID[c.stationName] = c.stationID }
        var staffing: StationStaffing = [:]
        for s in try await StaffingService.load(req, .init(everything: true)).plan.stations {
            if let id = nameToID[s.stationCode], id != PreventableTable.unassignedStationID { staffing[id] = (s.totals.officers, s.totals.offices) }
        }
        return staffing
    }

    /// The staffing every month of one request is scored with, loaded once: a month that has ended uses the
    /// snapshot recorded for it or, when none was, the latest earlier one; the month in progress (and any month
    /// before the first snapshot) uses today's figures.
    final class History {
        private let req: Request
        private let units: AnalysisUnits
        private let currentMonth: YearMonth
        /// Month → (stations, taken at), ascending by month.
        private let snapshots: [(month: YearMonth, staffing: StationStaffing, takenAt: Date)]
        private var liveCache: StationStaffing?

        fileprivate init(req: Request, units: AnalysisUnits, currentMonth: YearMonth, snapshots: [(month: YearMonth, staffing: StationStaffing, takenAt: Date)]) {
            self.req = req; self.units = units; self.currentMonth = currentMonth; self.snapshots = snapshots
        }

        func staffing(for month: YearMonth) async throws -> (StationStaffing, StaffingBasis) {
            if month < currentMonth, let s = snapshots.last(where: { $0.month <= month }) {
                return (s.staffing, StaffingBasis(kind: .snapshot, snapshotMonth: s.month.description, takenAt: s.takenAt))
            }
            if liveCache == nil { liveCache = try await StaffingSnapshots.live(req, units: units) }
            return (liveCache!, .current)
        }
    }

    static func history(_ req: Request, units: AnalysisUnits) async throws -> History {
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var byMonth: [String: (StationStaffing, Date)] = [:]
        for r in try await StaffingSnapshot.query(on: req.db).all() {
            var e = byMonth[r.month] ?? ([:], r.takenAt)
            e.0[String(r.stationID)] = (r.officers, r.offices)
            e.1 = max(e.1, r.takenAt)
            byMonth[r.month] = e
        }
        let rows = byMonth.compactMap { k, v in YearMonth(k).map { (month: $0, staffing: v.0, takenAt: v.1) } }.sorted { $0.month < $1.month }
        return History(req: req, units: units, currentMonth: cal.yearMonth(of: Date()), snapshots: rows)
    }

    enum Recorded: Equatable { case written(stations: Int), unchanged }

    /// Records today's figures as the current month's snapshot. Writes (and audits) only when they differ from
    /// what is stored for the month, so the hourly refresh leaves no trace while nothing changes.
    @discardableResult
    static func recordCurrentMonth(_ req: Request, by: String) async throws -> Recorded {
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let month = cal.yearMonth(of: Date()).description
        let all = try await AnalysisData.units(req.db, scope: .everything)
        let now = try await live(req, units: all)
        let stored = try await StaffingSnapshot.query(on: req.db).filter(\.$month == month).all()
        let storedFigures = Dictionary(uniqueKeysWithValues: stored.map { (String($0.stationID), [$0.officers, $0.offices]) })
        let nowFigures = now.mapValues { [$0.officers, $0.offices] }
        if !stored.isEmpty, storedFigures == nowFigures { return .unchanged }
        let at = Date()
        try await req.db.transaction { db in
            try await StaffingSnapshot.query(on: db).filter(\.$month == month).delete()
            let rows: [StaffingSnapshot] = now.compactMap { id, f in
                guard let sid = Int(id) else { return nil }
                let r = StaffingSnapshot()
                r.month = month; r.stationID = sid; r.takenAt = at; r.takenBy = by
                r.officersRequired = f.officers.required; r.officersInPlace = f.officers.inPlace
                r.officersShortfall = f.officers.shortfall; r.officersSurplus = f.officers.surplus
                r.officesRequired = f.offices.required; r.officesInPlace = f.offices.inPlace
                r.officesShortfall = f.offices.shortfall; r.officesSurplus = f.offices.surplus
                return r
            }.sorted { $0.stationID < $1.stationID }
            if !rows.isEmpty { try await rows.create(on: db) }
            let e = AuditEvent()
            let user = req.auth.get(User.self)
            e.at = at; e.userID = user?.id; e.username = user?.username ?? by; e.action = "staffing.snapshot"; e.entity = "staffing_snapshots"
            e.entityID = month; e.result = AuditResult.ok.rawValue; e.ip = req.clientAddress
            e.detail = rows.map { "\($0.stationID):\($0.officersInPlace)/\($0.officersRequired),\($0.officesInPlace)/\($0.officesRequired)" }.joined(separator: " ")
            try await AuditLog.write(e, on: db, app: req.application)
        }
        return .written(stations: now.count)
    }

    /// Same, for a command or the server's timer (no signed-in user).
    static func recordCurrentMonth(app: Application, by: String) async throws -> Recorded {
        let req = Request(application: app, method: .POST, url: URI(string: "/cli/staffing/snapshot"), on: app.eventLoopGroup.any())
        return try await recordCurrentMonth(req, by: by)
    }
}

/// Refreshes the current month's staffing snapshot when the server starts and every hour after, so a month's
/// last snapshot is at most an hour older than its end. Registered by `pingan serve` (tests do not run it).
public final class StaffingSnapshotTimer: RepeatingTimer, @unchecked Sendable {
    public init(interval: Duration = .seconds(3600)) {
        super.init(name: "staffing snapshot", interval: { _ in interval }) { app in _ = try await StaffingSnapshots.recordCurrentMonth(app: app, by: "server") }
    }
}

/// `pingan staffing snapshot`: the same refresh for a scheduler, when several short-lived processes serve.
public enum StaffingSnapshotCLI {
    public static func record(app: Application) async throws -> String {
        switch try await StaffingSnapshots.recordCurrentMonth(app: app, by: "cli") {
        case .written(let n): return "Recorded the staffing of \(n) stations for this month."
        case .unchanged: return "This month's staffing snapshot is up to date."
        }
    }
}

extension DemoSeeder {
    /// A year of monthly staffing snapshots ending last month, as if the server had run all year: today's figures,
    /// with up to a few officers fewer the further back (the year's recruitment), so a past month's publication
    /// differs from this month's where it should.
    public func seedStaffingSnapshots(app: Application) async throws {
        var rng = SplitMix64(seed: seed ^ 0x57AFF5)
        let req = Request(application: app, method: .POST, url: URI(string: "/cli/demo"), on: app.eventLoopGroup.any())
        let now = try await StaffingSnapshots.live(req, units: try await AnalysisData.units(app.db, scope: .everything))
        let cal = LocalCalendar(timeZoneIdentifier: app.pingan.timeZone)
        let current = cal.yearMonth(of: self.now)
        var rows: [StaffingSnapshot] = []
        for back in 1...12 {
            let month = current.adding(months: -back)
            let takenAt = cal.monthRange(month).upperBound.addingTimeInterval(-3600)
            for (id, f) in now.sorted(by: { $0.key < $1.key }) {
                guard let sid = Int(id) else { continue }
                // Fewer officers further back: removed from units with a surplus first, then they open a gap.
                let fewer = min(f.officers.inPlace, rng.nextInt(below: 1 + back / 3))
                let fromSurplus = min(fewer, f.officers.surplus)
                let r = StaffingSnapshot()
                r.month = month.description; r.stationID = sid; r.takenAt = takenAt; r.takenBy = "demo"
                r.officersRequired = f.officers.required; r.officersInPlace = f.officers.inPlace - fewer
                r.officersSurplus = f.officers.surplus - fromSurplus; r.officersShortfall = f.officers.shortfall + (fewer - fromSurplus)
                r.officesRequired = f.offices.required; r.officesInPlace = f.offices.inPlace
                r.officesShortfall = f.offices.shortfall; r.officesSurplus = f.offices.surplus
                rows.append(r)
            }
        }
        try await rows.create(on: app.db)
        log("Staffing snapshots: \(now.count) stations × 12 months.")
    }
}
