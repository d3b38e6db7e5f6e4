/// API description of the Incidents feature: the incident ledger (警情), its workflow and follow-up visits.
extension APICatalog {
    /// `IncidentFilter`, shared by the list and the CSV.
    private static let incidentFilter: [APIField] = [
        .integer("street", "street (division) id: its communities"),
        .integer("community", "community (division) id"),
        .integer("grid", "grid (division) id"),
        .oneOf("category", ["criminal", "public_order", "dispute", "help", "traffic", "fire", "other"]),
        .string("subcategory", "subcategory code (see /api/v1/incident-subcategories)"),
        .boolean("preventable", "true/false (also 1/0, yes/no)"),
        .oneOf("status", ["received", "dispatched", "handled", "closed"]),
        .oneOf("source", ["110", "walk_in", "portal", "patrol", "other"]),
        .date("from", "occurred on or after (local date)"),
        .date("to", "occurred on or before (local date)"),
        .string("month", "YYYY-MM (local); combines with from/to"),
        .string("q", "text in address, description or modus operandi (≤ 100 characters)"),
        .oneOf("sort", ["occurred_desc", "occurred_asc", "reported_desc", "status"], "default occurred_desc"),
    ]

    /// `IncidentInput` (create and PATCH); omitted fields keep their value on PATCH.
    private static func incidentFields(create: Bool) -> [APIField] {
        [
            .oneOf("source", ["110", "walk_in", "portal", "patrol", "other"], required: create),
            .string("subcategory", "subcategory code; sets category and preventable", required: create),
            .dateTime("occurredAt", "ISO 8601 with offset, or local yyyy-MM-ddTHH:mm; not in the future, not before 2000", required: create),
            .dateTime("reportedAt", "default now; not before occurredAt"),
            .integer("communityID", "a community in the caller's jurisdiction", required: create),
            .integer("gridID", "a grid of that community (empty clears)"),
            .integer("buildingID", "a building of that grid (empty clears)"),
            .string("address", "≤ 200 characters"),
            .number("latitude", "−90…90; give both or neither (empty clears)"),
            .number("longitude", "−180…180"),
            .string("modusOperandi", "≤ 500 characters"),
            .string("description", "≤ 5000 characters", required: create),
            .integer("handlingOfficerID", "an officer working in the caller's area (empty clears)"),
            .date("filedAt", "立案 date; not before occurredAt (empty clears)"),
            .date("solvedAt", "破案 date; needs filedAt, not before it (empty clears)"),
        ]
    }

    static let incidents: [APIOperation] = [
        .get("api/v1/incidents", "List incidents in the caller's jurisdiction, newest first",
             query: APIField.paging + incidentFilter, returns: .page),
        .get("api/v1/incidents/export.csv", "Export the incidents of the caller's jurisdiction matching the filters as CSV (at most 100,000)",
             query: incidentFilter, returns: .csv),
        .post("api/v1/incidents", "Record an incident in the caller's jurisdiction (status received; audited; notifies the handling officer)",
              body: .json(incidentFields(create: true)), status: 201),
        .get("api/v1/incidents/:id", "Show an incident of the caller's jurisdiction with its status timeline and follow-up visits"),
        .patch("api/v1/incidents/:id", "Edit an incident of the caller's jurisdiction; omitted fields stay (audited)",
               body: .json(incidentFields(create: false))),
        .post("api/v1/incidents/:id/transitions", "Move an incident to another status allowed by the workflow (audited)",
              body: .json([
                .oneOf("to", ["received", "dispatched", "handled", "closed"], required: true),
                .string("note", "≤ 1000 characters"),
              ])),
        .post("api/v1/incidents/:id/followups", "Record a follow-up visit (回访) of a handled incident",
              body: .json([
                .dateTime("visitedAt", "a local date (that day) or a date-time; default now; not before the incident"),
                .boolean("satisfied", "was the resident satisfied (also yes/no, satisfied/unsatisfied)", required: true),
                .string("note", "≤ 1000 characters"),
              ]),
              status: 201),
        .get("api/v1/incident-subcategories", "List the incident subcategory code table with category and preventable flag", returns: .array),
    ]
}
