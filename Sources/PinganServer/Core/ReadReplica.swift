import Fluent
import Vapor

extension DatabaseID {
    /// The PostgreSQL hot standby of `DATABASE_READ_URL`, when one is configured.
    static let reading = DatabaseID(string: "pingan-reading")
}

extension Request {
    /// Where reports, analysis, exports and the map read: the standby when one is configured (it may lag the primary
    /// by the replication delay), else the primary. Everything a user just wrote and expects to see — lists, record
    /// pages, forms — reads `db`, the primary.
    var reading: any Database { application.pingan.readURL == nil ? db : db(.reading) }
}
