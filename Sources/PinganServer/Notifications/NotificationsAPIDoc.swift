/// API description of the Notifications feature: staff work notices and the outbox of notices sent to residents.
extension APICatalog {
    private static let notificationPaging: [APIField] = [.integer("page", "1-based page"), .integer("per", "rows per page (default 30, at most 200)")]

    static let notifications: [APIOperation] = [
        .get("api/v1/notifications", "List the caller's own work notices, newest first, with the unread count",
             query: notificationPaging + [.boolean("unread", "only unread ones (1/true)")], returns: .page),
        .post("api/v1/notifications/:id/read", "Mark one of the caller's work notices read"),
        .post("api/v1/notifications/read-all", "Mark all the caller's work notices read; returns how many were marked"),
        .get("api/v1/portal/outbox", "List the SMS/e-mail notices sent to residents about requests in the caller's jurisdiction, newest first, with the configured channels",
             query: notificationPaging + [.oneOf("status", ["pending", "sent", "failed", "skipped"])], returns: .page),
        .post("api/v1/portal/outbox/:id/retry", "Queue a failed or unsent resident notice again (409 when not failed/skipped or the channel is not configured; audited)"),
    ]
}
