/// API description of the Disputes feature: 矛盾纠纷调处 files, their workflow, sessions, links, attachments, desk and statistics.
extension APICatalog {
    private static let disputeTypes = ["family", "neighbours", "land_forest", "property", "wage_arrears", "labour", "demolition",
                                       "medical", "traffic", "consumer", "other"]
    private static let disputeLevels = ["community", "street", "district"]

    /// `DisputeFilter`, shared by the list, the CSV and the statistics.
    private static let disputeFilter: [APIField] = [
        .oneOf("status", ["registered", "accepted", "declined", "assigned", "mediating", "referred", "closed", "followed_up"]),
        .oneOf("type", disputeTypes),
        .oneOf("level", disputeLevels),
        .integer("community", "community (division) id"),
        .integer("mediator", "mediator user id"),
        .boolean("overdue", "only open files past their time limit (1/true/on/yes)"),
        .boolean("risk", "only files with a risk flag"),
        .boolean("review", "only files flagged for 民转刑 review"),
        .string("q", "text in summary, address or party names, or a file number (≤ 50 characters)"),
    ]

    /// `DisputeInput` (registration and PATCH).
    private static func disputeFields(create: Bool) -> [APIField] {
        [
            .oneOf("type", disputeTypes, required: create),
            .oneOf("source", ["walk_in", "screening", "police", "online", "petition"], required: create),
            .string("summary", "≤ 2000 characters", required: create),
            .integer("peopleInvolved", "1–10000 (default 2)"),
            .integer("communityID", "a community in the caller's jurisdiction", required: create),
            .integer("gridID", "a grid of that community"),
            .string("address", "≤ 200 characters"),
            .boolean("riskMassPetition"),
            .boolean("riskGroupFight"),
            .boolean("riskCriminal"),
        ] + (create ? [.oneOf("level", disputeLevels, "override of the routed level")] : []) + [
            .objects("parties", "[{name, personID, side: applicant|respondent, idTail}]; at least one, at most 50"
                     + (create ? "" : "; when sent, replaces every party"), required: create),
        ]
    }

    static let disputes: [APIOperation] = [
        .get("api/v1/disputes", "List dispute files the caller may see, newest registration first",
             query: APIField.paging + disputeFilter, returns: .page),
        .get("api/v1/disputes/export.csv", "Export the dispute files matching the filters as CSV (audited)",
             query: disputeFilter, returns: .csv),
        .post("api/v1/disputes", "Register a dispute file (统一登记), routed to a level (audited)",
              body: .json(disputeFields(create: true)), status: 201),
        .get("api/v1/disputes/desk", "Per-level desk of the dispute files the caller may see: arrivals, waiting, in hand, late, per mediator"),
        .get("api/v1/disputes/stats", "Dispute statistics by month, type, level or community for the files the caller may see",
             query: [
                .oneOf("by", ["month", "type", "level", "community"], "default month"),
                .string("from", "first month, YYYY-MM"),
                .string("to", "last month, YYYY-MM"),
             ] + disputeFilter),
        .get("api/v1/disputes/:id", "Show a dispute file the caller may see, with parties, sessions, links and timeline"),
        .patch("api/v1/disputes/:id", "Correct a file's details while it is not finished; omitted fields stay (audited)",
               body: .json(disputeFields(create: false))),
        .post("api/v1/disputes/:id/actions", "Apply one workflow action to a dispute file (accept, decline, assign, escalate, refer, close, follow up; audited)",
              body: .json([
                .oneOf("action", ["accept", "decline", "assign", "escalate", "refer", "close", "follow_up"], required: true),
                .string("reason", "decline: why (required, ≤ 500)"),
                .oneOf("level", disputeLevels, "assign, escalate: the level"),
                .string("mediatorID", "assign, escalate: a user id, `auto` (suggested; default) or `none` (the level's queue)"),
                .oneOf("channel", ["administrative", "judicial", "court"], "refer (required); close with outcome failed"),
                .oneOf("outcome", ["agreement", "failed", "withdrawn"], "close (required)"),
                .string("terms", "close with agreement: the terms (required, ≤ 4000)"),
                .boolean("kept", "follow_up (required): was the agreement kept (also kept/broken)"),
                .string("note", "≤ 1000 characters"),
                .integer("limitDays", "accept: time limit in days, 1–180"),
              ])),
        .post("api/v1/disputes/:id/sessions", "Record a mediation session on a dispute file; the first moves it to mediating (audited)",
              body: .json([
                .date("heldOn", "not in the future nor before acceptance; default today"),
                .string("participants", "≤ 500 characters", required: true),
                .string("minutes", "≤ 8000 characters", required: true),
              ]),
              status: 201),
        .post("api/v1/disputes/:id/links", "Link an incident of the caller's jurisdiction to a dispute file (may flag it for 民转刑 review; audited)",
              body: .json([.string("incidentID", "the printed incident number (J…-000123) or the incident id", required: true)]),
              status: 201),
        .get("api/v1/disputes/:id/attachments", "List the attachments of a dispute file the caller may see", returns: .array),
        .post("api/v1/disputes/:id/attachments", "Upload a PDF, JPEG or PNG attachment to a dispute file (size-limited; audited)",
              body: .multipart([.file("file", "PDF, JPEG or PNG", required: true)]),
              status: 201),
        .get("api/v1/dispute-attachments/:id", "Download an attachment of a dispute file the caller may see (PDF, JPEG or PNG; audited)",
             returns: .file("*/*")),
        .delete("api/v1/dispute-attachments/:id", "Remove an attachment (its uploader or an administrator; audited)",
                returns: .empty, status: 204),
        .get("api/v1/incidents/:id/disputes", "List the dispute files linked to an incident that the caller may see", returns: .array),
        .get("api/v1/dispute-types", "List the dispute types with their names and routed level", returns: .array),
    ]
}
