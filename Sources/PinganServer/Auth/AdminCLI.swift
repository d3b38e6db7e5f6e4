import Fluent
import Vapor
import PinganKit

/// Account administration for the `pingan` command line (real installs have no default admin).
public enum AdminCLI {
    public struct Failure: Error { public var message: String; public init(message: String) { self.message = message } }

    public static func createUser(app: Application, username: String, role: String, displayName: String, scopeCode: String?, stationName: String?,
                                  unitName: String? = nil, password: String) async throws -> (username: String, role: Role) {
        let db = app.db
        var scopeID: Int? = nil
        if let code = scopeCode {
            guard let d = try await Division.query(on: db).filter(\.$code == code).first() else { throw Failure(message: "No division with code \(code)") }
            scopeID = d.id
        }
        var stationID: Int? = nil
        if let name = stationName {
            guard let s = try await Station.query(on: db).filter(\.$name == name).first() else { throw Failure(message: "No station named \(name)") }
            stationID = s.id
        }
        var unitID: Int? = nil
        if let name = unitName {
            guard let u = try await ResponsibleUnit.query(on: db).filter(\.$name == name).first() else { throw Failure(message: "No responsible unit named \(name)") }
            unitID = u.id
        }
        do {
            let r = try await UserRules.validate(username: username, displayName: displayName, password: password, role: role, scopeDivisionID: scopeID,
                                                 stationID: stationID, unitID: unitID, on: db)
            let hash = try await app.password.async.hash(password).get()
            let u = User(username: username.lowercased(), displayName: displayName, passwordHash: hash, role: r, scopeDivisionID: scopeID, stationID: stationID, unitID: unitID)
            try await u.create(on: db)
            try await auditCLI(app, "user.create", entity: "user", id: u.id, detail: "\(u.username) \(r.rawValue) via CLI")
            return (u.username, r)
        } catch let e as FieldErrors {
            throw Failure(message: e.fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n"))
        }
    }

    /// A token for `username`, valid `days` (default `PINGAN_TOKEN_DAYS`, at most `PINGAN_TOKEN_MAX_DAYS`).
    public static func createToken(app: Application, username: String, name: String, days: String?) async throws -> String {
        guard let u = try await User.query(on: app.db).filter(\.$username == username.lowercased()).first(), u.active else { throw Failure(message: "No active user \(username)") }
        let n: Int
        switch APITokens.days(days, config: app.pingan, lang: nil) {
        case .success(let d): n = d
        case .failure(let e): throw Failure(message: "--days: " + (e["days"] ?? "invalid"))
        }
        let issued = try await APITokens.issue(userID: u.id!, name: name, days: n, on: app.db)
        try await auditCLI(app, "token.create", entity: "user", id: u.id, detail: "\(name), \(n) days")
        return issued.token
    }

    /// Break-glass for the last administrator who lost both phone and recovery codes (someone with the server's shell
    /// and key is beyond what a second factor protects against anyway): removes the user's two factors, audited as "cli".
    public static func resetTwoFactor(app: Application, username: String) async throws {
        guard let u = try await User.query(on: app.db).filter(\.$username == username.lowercased()).first() else { throw Failure(message: "No user \(username)") }
        guard u.hasTwoFactor else { throw Failure(message: "\(u.username) has no two-step verification") }
        try await app.db.transaction { db in
            try await TwoFactor.remove(u, endSessions: true, on: db)
            try await auditCLI(app, on: db, "totp.reset", entity: "user", id: u.id, detail: "\(u.username): secret and recovery codes removed via CLI")
        }
    }

    static func auditCLI(_ app: Application, on db: (any Database)? = nil, _ action: String, entity: String, id: Int?, detail: String) async throws {
        try await AuditLog.system(app, on: db, action: action, entity: entity, id: id.map(String.init), detail: detail)
    }
}
