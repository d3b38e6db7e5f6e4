/// API description of the Messages feature: pushed notices and tasks (the sender's side) and everyone's inbox.
extension APICatalog {
    private static let messagePaging: [APIField] = [.integer("page", "1-based page"), .integer("per", "rows per page (default 30, at most 200)")]

    static let messages: [APIOperation] = [
        .get("api/v1/inbox", "List the caller's own copies of pushed notices and tasks, with the unread count",
             query: messagePaging + [
                .oneOf("filter", ["unread", "open", "all"], "default open: unread notices and tasks not done"),
                .string("q", "text in the title (≤ 40 characters)"),
             ],
             returns: .page),
        .get("api/v1/inbox/:id", "Open the caller's copy of a push (marks it read)"),
        .post("api/v1/inbox/:id/done", "Report a pushed task done, with what was done (once; audited)",
              body: .json([.string("note", "≤ 500 characters")])),
        .get("api/v1/messages", "List pushes the caller sent or may follow (their jurisdiction's areas), newest first, with read/done progress",
             query: messagePaging + [
                .oneOf("kind", ["notice", "task"]),
                .string("q", "text in the title (≤ 40 characters)"),
                .boolean("mine", "only the caller's own pushes (1/true/on/yes)"),
             ],
             returns: .page),
        .post("api/v1/messages", "Push a notice or a task to areas, roles, units or named users in the caller's jurisdiction (200 when the idempotency key repeats an earlier push)",
              body: .json([
                .oneOf("kind", ["notice", "task"], "default notice"),
                .string("title", "1–60 characters", required: true),
                .string("body", "1–2000 characters", required: true),
                .dateTime("dueAt", "required for a task; in the future, within 90 days (ISO 8601 or local yyyy-MM-dd HH:mm)"),
                .integer("areaID", "district, street or community in the caller's jurisdiction"),
                .strings("roles", "roles within the area (needs areaID); array or comma-separated. At least one of areaID, unitIDs, usernames"),
                .integers("unitIDs", "responsible units in the caller's jurisdiction; array or comma-separated"),
                .strings("usernames", "users in the caller's jurisdiction; array or one string separated by spaces or commas"),
                .strings("memberKinds", "kinds of team members without accounts in the area (needs areaID), reached by SMS with a receipt link: team_member, auxiliary, grid_worker, information, mediator, volunteer"),
                .string("idempotencyKey", "≤ 64 characters; a repeat returns the earlier push"),
              ]),
              status: 201).also(200, .object),
        .get("api/v1/messages/:id", "Show a push the caller sent or follows, with every recipient's receipt (memberReceipts: members reached by SMS, their SMS status and confirmation)"),
        .post("api/v1/messages/:id/remind", "Remind the recipients of a push who have not read it (notice) or done it (task); rate-limited"),
    ]
}
