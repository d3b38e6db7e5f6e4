import Fluent
import Foundation
import PinganKit
import PinganServer
import Vapor

/// pingan — the Pingan server and its administration commands.
///
///   pingan serve                 start the server (applies pending migrations first)
///   pingan migrate               apply migrations and exit
///   pingan demo [options]        fresh demo database with the Panyu tree and a year of incidents, then serve
///   pingan user create …         create an account and print its generated password
///   pingan token create …        issue an API bearer token
let usage = """
Usage:
  pingan serve [--hostname H] [--port P]
  pingan migrate
  pingan demo [--db FILE] [--scale small|district] [--incidents N] [--no-serve] [--port P]
                                    the file: --db, else PINGAN_DB (only a demo database there is replaced), else pingan-demo.sqlite;
                                    with DATABASE_URL (and no --db): in that PostgreSQL database, if it is empty or an earlier demo
  pingan user create --username NAME --role ROLE [--name DISPLAY] [--scope DIVISION_CODE] [--station STATION_NAME] [--unit UNIT_NAME]
  pingan user reset-2fa --username NAME   remove a user's two-step verification (break-glass; audited)
  pingan token create --username NAME [--name LABEL] [--days N]   N: default PINGAN_TOKEN_DAYS (90), at most PINGAN_TOKEN_MAX_DAYS (365)
  pingan import people FILE.csv --as USERNAME [--dry-run] [--lang en]
  pingan import sites FILE.csv --kind KIND --as USERNAME [--dry-run]   one 场所物品 kind (GET /api/v1/site-kinds lists them)
  pingan import incidents FILE.csv[.gz] --mapping MAPPING.json --as USERNAME [--dry-run]   a city's open data (docs/analysis-server.md)
  pingan open311 key create --name LABEL                            an api_key for Open311 POST requests (printed once)
  pingan alerts recompute [--month YYYY-MM] [--week YYYY-MM-DD]   early-warning alerts (default: last complete month and week)
  pingan assess month [YYYY-MM]     grid-cadre ladder and rewards for the month (default: the month just ended)
  pingan staffing snapshot          record this month's staffing (the server also does it hourly while it runs)
  pingan outbox send                send the residents' notices that are due (the server also does it while it runs)
\(DurabilityCLI.usage)
Roles: \(Role.allCases.map(\.rawValue).joined(separator: ", "))
Configuration comes from the environment: see README.md § Configuration.
"""

// Files this process creates (database, WAL, uploads, backups, keys) are for its own user only.
umask(0o077)

var args = Array(CommandLine.arguments.dropFirst())
let command = args.first ?? "serve"
if command == "--help" || command == "-h" || command == "help" { print(usage); exit(0) }

func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: "--" + name), i + 1 < args.count else { return nil }
    return args[i + 1]
}
func flag(_ name: String) -> Bool { args.contains("--" + name) }
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

var env = ProcessInfo.processInfo.environment
let demoOnPostgres = command == "demo" && !(env["DATABASE_URL"] ?? "").isEmpty && option("db") == nil
if command == "demo" && !demoOnPostgres {
    // The demo always starts from a fresh embedded database: --db FILE, else PINGAN_DB, else pingan-demo.sqlite.
    // It erases a PINGAN_DB file only when that file is itself a demo database (DemoDatabaseFile).
    let choice = DemoDatabaseFile.choose(option: option("db"), environment: env)
    guard DemoDatabaseFile.mayReplace(choice) else {
        fail("""
        PINGAN_DB=\(choice.path) is a database that is not a Pingan demo. The demo starts from a fresh file and will not erase it.
        Run the demo on another file (pingan demo --db pingan-demo.sqlite), or unset PINGAN_DB.
        """)
    }
    env["PINGAN_DB"] = choice.path
    env["DATABASE_URL"] = nil
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: choice.path + suffix) }
}
if command == "migrate-data", let to = option("to") { env["DATABASE_URL"] = to }   // the app opens the destination
if let p = option("port") { env["PORT"] = p }

let config: AppConfig
do { config = try AppConfig.fromEnvironment(env) } catch { fail("\(error)") }

var vaporArgs = [CommandLine.arguments[0]]
switch command {
case "serve": vaporArgs += ["serve"] + args.dropFirst()
case "migrate": vaporArgs += ["migrate", "--yes"]
default: vaporArgs += ["serve"]
}
var environment = try Environment.detect(arguments: vaporArgs)
try LoggingSystem.bootstrap(from: &environment)
let app = try await Application.make(environment)

do {
    if command == "restore" {
        try await DurabilityCLI.restore(app: app, config: config, option: option, flag: flag)
        try await app.asyncShutdown()
        exit(0)
    }
    try await configure(app, config: config)
    if try await DurabilityCLI.run(command, args: args, app: app, option: option, flag: flag) {
        try await app.asyncShutdown()
        exit(0)
    }
    switch command {
    case "serve":
        try await app.migrateAll()
        try await DemoSeeder.seedDivisions(on: app.db)
        try await DemoSeeder.seedGeography(on: app.db)
        app.lifecycle.use(StaffingSnapshotTimer())
        app.lifecycle.use(OutboxTimer()); app.lifecycle.use(PushSMSTimer())
        try await app.execute()
    case "migrate":
        try await app.migrateAll()
        try await DemoSeeder.seedDivisions(on: app.db)
        try await DemoSeeder.seedGeography(on: app.db)
        print("Migrations applied.")
    case "demo":
        let scale = option("scale") ?? "small"
        guard scale == "small" || scale == "district" else { fail("--scale must be small or district") }
        var seeder = DemoSeeder()
        seeder.incidentCount = option("incidents").flatMap(Int.init) ?? (scale == "district" ? 1_000_000 : 20_000)
        if demoOnPostgres {
            // The URL without its password, if any.
            let shown = (env["DATABASE_URL"] ?? "").replacingOccurrences(of: #":[^:@/]*@"#, with: ":…@", options: .regularExpression)
            print("Creating the demo in the PostgreSQL database \(shown) (DATABASE_URL; an empty database or an earlier demo) …")
            try await DemoPostgres.prepare(app.db)
        } else {
            let file = env["PINGAN_DB"]!
            let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
            let why = option("db") != nil ? "--db" : (ProcessInfo.processInfo.environment["PINGAN_DB"]?.isEmpty == false ? "PINGAN_DB" : "default; set PINGAN_DB or --db to choose")
            print("Creating the demo database \(absolute) (\(why)) …")
            try await DemoDatabaseFile.mark(app.db)   // first, so even an interrupted demo leaves a file the next demo may replace
        }
        try await app.migrateAll()
        try await DemoSeeder.seedDivisions(on: app.db)
        try await DemoSeeder.seedGeography(on: app.db)
        var accounts = try await seeder.seedUsers(app: app)
        try await seeder.seedPeople(app: app)
        try await seeder.seedSites(app: app)
        print("Generating \(seeder.incidentCount) synthetic incidents over the last 12 months …")
        let t0 = Date()
        try await seeder.seedIncidents(app: app)
        print(String(format: "  done in %.1f s", Date().timeIntervalSince(t0)))
        try await seeder.seedDisputes(app: app)
        try await seeder.seedAlerts(app: app)
        try await seeder.seedForces(app: app)
        try await seeder.seedStaffingSnapshots(app: app)
        try await seeder.seedPatrols(app: app)
        try await seeder.seedAssessment(app: app)
        let open311Key = try await seeder.seedPortal(app: app)
        accounts.append(try await seeder.seedUnits(app: app))
        let eventsPerDay = scale == "district" ? 1000 : 30
        print("Generating a year of grid events (\(eventsPerDay) a day) …")
        try await seeder.seedGridEvents(app: app, perDay: eventsPerDay)
        try await seeder.seedMessages(app: app)
        try await seeder.seedPetitions(app: app)
        try await seeder.seedMeetings(app: app)
        try await seeder.seedGroups(app: app)
        try await seeder.seedOffices(app: app)
        try await seeder.seedCampaigns(app: app)
        try await seeder.seedEmergencyPlans(app: app)
        print("\nSign in at http://\(config.hostname):\(config.port)/login with any of these demo accounts (passwords are new each run):\n")
        print("  username   password         role                scope")
        for a in accounts {
            let user = a.username.padding(toLength: 10, withPad: " ", startingAt: 0)
            let pass = a.password.padding(toLength: 16, withPad: " ", startingAt: 0)
            let role = a.role.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0)
            print("  \(user) \(pass) \(role) \(a.scope)")
        }
        let enrolled = accounts.filter { $0.totpSecret != nil }
        if !enrolled.isEmpty {
            print("""

            Two-step verification is required for \(config.twoFactorRoles.map(\.rawValue).sorted().joined(separator: ", ")) (PINGAN_2FA_ROLES): the demo has
            enrolled \(enrolled.map(\.username).joined(separator: ", ")). After the password, type the 6-digit code of an authenticator app
            holding the account's secret (or run `swift run pingan-lab totp SECRET`, or `oathtool --totp -b SECRET`), or one
            of its recovery codes (each works once; a new demo makes new ones):

                  username   TOTP secret                         recovery codes (2 of 10)
            """)
            for a in enrolled {
                let user = a.username.padding(toLength: 10, withPad: " ", startingAt: 0)
                let secret = (a.totpSecret ?? "").padding(toLength: 35, withPad: " ", startingAt: 0)
                print("  2fa \(user) \(secret) \(a.recoveryCodes.prefix(2).joined(separator: " "))")
            }
        }
        print("\nPublic portal (no sign-in): http://\(config.hostname):\(config.port)/public · Open311: /open311/v2 (api_key \(open311Key))")
        print("")
        if !flag("no-serve") {
            app.lifecycle.use(StaffingSnapshotTimer())
            app.lifecycle.use(OutboxTimer()); app.lifecycle.use(PushSMSTimer())
            try await app.execute()
        }
    case "user" where args.count > 1 && args[1] == "reset-2fa":
        guard let username = option("username") else { fail("user reset-2fa needs --username\n\n" + usage) }
        try await app.migrateAll()
        try await AdminCLI.resetTwoFactor(app: app, username: username)
        print("Two-step verification removed for \(username.lowercased()); their sessions ended. They set it up again at the next sign-in.")
    case "user":
        guard args.count > 1, args[1] == "create" else { fail(usage) }
        guard let username = option("username"), let roleName = option("role") else { fail("user create needs --username and --role\n\n" + usage) }
        try await app.migrateAll()
        // Random, so it passes the password policy all but always; drawn again in the rare case it contains the name.
        var password = DemoSeeder.randomPassword()
        while !PasswordPolicy.standard.problems(password, username: username).isEmpty { password = DemoSeeder.randomPassword() }
        let user = try await AdminCLI.createUser(app: app, username: username, role: roleName, displayName: option("name") ?? username,
                                                     scopeCode: option("scope"), stationName: option("station"), unitName: option("unit"), password: password)
        print("Created \(user.username) (\(user.role.rawValue)). Initial password: \(password)")
    case "token":
        guard args.count > 1, args[1] == "create", let username = option("username") else { fail("token create needs --username\n\n" + usage) }
        try await app.migrateAll()
        let token = try await AdminCLI.createToken(app: app, username: username, name: option("name") ?? "cli", days: option("days"))
        print(token)
    case "import" where args.count > 1 && args[1] == "incidents":
        guard args.count > 2, let username = option("as"), let mapping = option("mapping") else { fail("import incidents FILE --mapping MAPPING.json --as USERNAME [--dry-run]\n\n" + usage) }
        try await app.migrateAll()
        let started = Date()
        let o = try await ExternalImportCLI.incidents(app: app, path: args[2], mappingPath: mapping, username: username, dryRun: flag("dry-run"), defaultTimeZone: config.timeZone)
        for p in o.problems.prefix(200) { print(p) }
        if o.problems.count > 200 { print("… \(o.problems.count - 200) more") }
        let seconds = String(format: "%.1f s", Date().timeIntervalSince(started))
        print("\(o.lines) lines: \(o.rows) incidents (\(o.located) with coordinates), \(o.skippedBeforeSince) before the start date and \(o.skippedValues) excluded values skipped (\(seconds)).")
        if !o.problems.isEmpty {
            print("\(o.problems.count) problem(s); nothing was written.")
            try? await app.asyncShutdown()
            exit(1)
        }
        print(o.written ? "Imported \(o.rows) incidents." : "Dry run passed. Nothing was written.")
    case "import" where args.count > 1 && (args[1] == "people" || args[1] == "sites"):
        let sites = args[1] == "sites"
        guard args.count > 2, let username = option("as"), !sites || option("kind") != nil else {
            fail((sites ? "import sites FILE --kind KIND --as USERNAME [--dry-run]" : "import people FILE --as USERNAME [--dry-run]") + "\n\n" + usage)
        }
        try await app.migrateAll()
        let dry = flag("dry-run")
        let bar = ProgressBar()
        let outcome = sites
            ? try await ImportCLI.sites(app: app, path: args[2], kind: option("kind")!, username: username, dryRun: dry, english: option("lang") == "en") { bar.draw($0, $1, $2) }
            : try await ImportCLI.people(app: app, path: args[2], username: username, dryRun: dry, english: option("lang") == "en") { bar.draw($0, $1, $2) }
        FileHandle.standardError.write(Data("\n".utf8))
        for p in outcome.problems.prefix(200) { print(p) }
        if outcome.problems.count > 200 { print("… \(outcome.problems.count - 200) more") }
        if !outcome.problems.isEmpty {
            print("\(outcome.problems.count) problem(s) in \(outcome.rows) rows; nothing was written.")
            try? await app.asyncShutdown()
            exit(1)
        }
        print(outcome.written ? "Imported \(outcome.rows) rows: \(outcome.created) new, \(outcome.updated) updated."
                              : "Dry run passed for \(outcome.rows) rows: \(outcome.created) would be added, \(outcome.updated) updated. Nothing was written.")
    case "import":
        fail(usage)
    case "open311":
        guard args.count > 2, args[1] == "key", args[2] == "create" else { fail("open311 key create --name LABEL\n\n" + usage) }
        try await app.migrateAll()
        print(try await PortalCLI.createOpen311Key(app: app, name: option("name") ?? "cli"))
    case "alerts":
        guard args.count > 1, args[1] == "recompute" else { fail(usage) }
        try await app.migrateAll()
        let cal = LocalCalendar(timeZoneIdentifier: config.timeZone)
        var month: YearMonth? = nil, week: Date? = nil
        if let m = option("month") { guard let ym = YearMonth(m) else { fail("--month must look like 2026-03") }; month = ym }
        if let w = option("week") { guard let d = cal.parseLocalDate(w) else { fail("--week must look like 2026-03-02") }; week = d }
        let outcome = try await AnalysisCLI.recompute(app: app, calendar: cal, month: month, week: week)
        print("Evaluated \(outcome.evaluatedUnits) units for \(outcome.periods.joined(separator: " and week of ")): \(outcome.created) new alerts, \(outcome.existing) already present.")
    case "outbox":
        guard args.count > 1, args[1] == "send" else { fail(usage) }
        try await app.migrateAll()
        print(try await OutboxCLI.send(app: app))
        print(try await PushSMSCLI.send(app: app))
    case "staffing":
        guard args.count > 1, args[1] == "snapshot" else { fail(usage) }
        try await app.migrateAll()
        print(try await StaffingSnapshotCLI.record(app: app))
    case "assess":
        guard args.count > 1, args[1] == "month" else { fail(usage) }
        try await app.migrateAll()
        let cal = LocalCalendar(timeZoneIdentifier: config.timeZone)
        var month = cal.yearMonth(of: Date()).previous
        if args.count > 2 { guard let m = YearMonth(args[2]), m <= cal.yearMonth(of: Date()) else { fail("month must look like 2026-03 and not lie ahead") }; month = m }
        let o = try await AssessmentCLI.month(app: app, calendar: cal, month: month)
        print(String(format: "Ladder for %@: %d cadres, months %@, %d named, rewards ¥%d, %.2f s.", month.description, o.cadres, o.months.joined(separator: ","), o.named, o.payoutTotal, o.seconds))
    default:
        fail("Unknown command \(command)\n\n" + usage)
    }
} catch let e as AdminCLI.Failure {
    try? await app.asyncShutdown()
    fail(e.message)
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()

/// The import commands' progress bar on stderr: one line per phase, redrawn every percent.
final class ProgressBar: @unchecked Sendable {
    private var lastDrawn = -1.0, lastPhase = ""
    private let started = Date()
    private let lock = NSLock()
    func draw(_ phase: String, _ rows: Int, _ fraction: Double) {
        lock.lock(); defer { lock.unlock() }
        if phase != lastPhase { if !lastPhase.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }; lastPhase = phase; lastDrawn = -1 }
        guard fraction - lastDrawn >= 0.01 || fraction >= 1 else { return }
        lastDrawn = fraction
        let width = 30
        let filled = min(width, Int(Double(width) * fraction))
        let label = phase.padding(toLength: 8, withPad: " ", startingAt: 0)
        let line = "\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(Int(fraction * 100))% \(rows) rows \(Int(Date().timeIntervalSince(started))) s"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
