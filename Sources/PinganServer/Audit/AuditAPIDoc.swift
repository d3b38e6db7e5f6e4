/// API description of the Audit feature.
extension APICatalog {
    static let audit: [APIOperation] = [
        .get("api/v1/audit", "List audit-log events, newest first (administrators and district command)",
             query: APIField.paging + [
                .string("user", "username (case-insensitive, exact)"),
                .string("action", "exact action, e.g. incident.create"),
                .string("entity", "record type, e.g. incident"),
                .string("entityID", "record id"),
                .oneOf("result", ["ok", "denied", "failed"]),
                .date("from", "first day (inclusive, local)"),
                .date("to", "last day (inclusive, local)"),
             ], returns: .page),
    ]
}
