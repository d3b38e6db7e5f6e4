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

    public static func createToken(app: Application, username: String, name: String, days: Int?) async throws -> String {
        guard let u = try await User.query(on: app.db).filter(\.$username == username.lowercased()).first(), u.active else { throw Failure(message: "No active user \(username)") }
        let token = "pa_" + Tokens.random()
        let t = APIToken(userID: u.id!, name: name, tokenHash: Tokens.hash(token), createdAt: Date(), expiresAt: days.map { Date().addingTimeInterval(Double($0) * 86400) })
        try await t.create(on: app.db)
        try await auditCLI(app, "token.create", entity: "user", id: u.id, detail: name)
        return token
    }

    static func auditCLI(_ app: Application, _ action: String, entity: String, id: Int?, detail: String) async throws {
        try await AuditLog.system(app, action: action, entity: entity, id: id.map(String.init), detail: detail)
    }
}
