/// API description of the Portal feature (网上警务室): the residents' public API and the staff side of requests,
/// notices and request types.
extension APICatalog {
    private static let portalStatuses = ["open", "acknowledged", "in_progress", "action_scheduled", "investigating", "fixed", "closed",
                                         "duplicate", "not_responsible", "unable_to_fix", "internal_referral"]
    private static let portalAudiences = ["all", "elderly", "students", "tenants", "businesses", "landlords"]

    /// `PortalFilter`, shared by the list and the CSV.
    private static let portalFilter: [APIField] = [
        .oneOf("status", portalStatuses + ["active"], "`active`: every status not closed"),
        .string("type", "request type code"),
        .integer("community", "community (division) id"),
        .boolean("mine", "only requests of the caller as officer (1/true/on/yes)"),
        .boolean("overdue", "only open requests past their response time with no response yet"),
        .integer("officer", "the handling officer's user id"),
        .string("q", "text in description or address, or a request number (≤ 50 characters)"),
    ]

    private static let portalNoticeFields: [APIField] = [
        .oneOf("kind", ["warning", "prevention", "meeting", "minutes"], required: true),
        .string("title", "≤ 100 characters", required: true),
        .string("body", "≤ 5000 characters", required: true),
        .integer("divisionID", "district, street or community in the caller's jurisdiction", required: true),
        .oneOf("audience", portalAudiences, "default all"),
        .string("eventAt", "free text, ≤ 40 characters (when the meeting or event is)"),
    ]

    static let portal: [APIOperation] = [
        // Public (no sign-in)
        .get("api/public/communities", "Public: find communities by name, street or office address (at most 30), with their office, station and officers",
             query: [.string("q", "≤ 50 characters; empty gives no results")], returns: .array, isPublic: true),
        .post("api/public/requests", "Public: submit a resident's request to the community's officer; returns the tracking token (rate-limited, ≤ 16 kB)",
              body: .json([
                .string("type", "an active request type code", required: true),
                .integer("communityID", "the community", required: true),
                .string("description", "≤ 2000 characters", required: true),
                .string("address", "≤ 200 characters"),
                .number("lat", "−90…90; with lon"),
                .number("lon", "−180…180; with lat"),
                .string("phone", "11-digit mobile number"),
                .string("name", "≤ 50 characters"),
                .string("email", "an e-mail address"),
                .boolean("notify", "consent to progress notices by SMS/e-mail (needs phone or email)"),
                .object("attributes", "the type's extra fields: {code: value}; required ones must be given"),
              ]),
              status: 201, isPublic: true),
        .get("api/public/requests/:token", "Public: track a request by its secret token (status, public replies, the grid event's steps)",
             stringPath: ["token"], isPublic: true),
        .post("api/public/requests/:token/rating", "Public: rate the closed grid event a request became (once)",
              body: .json([.oneOf("satisfaction", ["satisfied", "fairly_satisfied", "dissatisfied"], required: true)]),
              stringPath: ["token"], isPublic: true),
        .get("api/public/notices", "Public: notices a community's residents see (its own, its street's, the district's), newest first",
             query: [
                .integer("community", "community (division) id", required: true),
                .oneOf("audience", portalAudiences, "notices for this audience and for all (an unknown value is ignored)"),
             ],
             returns: .array, isPublic: true),
        .post("api/public/subscriptions", "Public: subscribe to a community's notices by SMS and/or e-mail; a confirmation with a link is sent, nothing else until it is opened (rate-limited; the same answer whether or not the address was subscribed)",
              body: .json([
                .integer("communityID", "the community", required: true),
                .string("phone", "11-digit mobile number (when SMS is configured)"),
                .string("email", "an e-mail address (when e-mail is configured); phone or email is required"),
                .oneOf("audience", portalAudiences, "all: every notice; a group: notices for it and for all (default all)"),
                .boolean("consent", "must be true (1/true/on/yes)", required: true),
              ]),
              status: 202, isPublic: true),
        .get("api/public/subscriptions/:token", "Public: a subscription by the secret of its links (community, masked address, state)",
             stringPath: ["token"], isPublic: true),
        .post("api/public/subscriptions/:token/confirm", "Public: confirm a pending subscription (again: no change; a cancelled one answers 409)",
              stringPath: ["token"], isPublic: true),
        .post("api/public/subscriptions/:token/cancel", "Public: unsubscribe; messages not yet sent to it are dropped (again: no change)",
              stringPath: ["token"], isPublic: true),
        .get("api/public/perception", "Public: safety-perception survey results per community for a quarter, with the target",
             query: [
                .string("period", "YYYY-Qn, e.g. 2026-Q1; default: the current quarter"),
                .integer("community", "one community only"),
             ],
             returns: .array, isPublic: true),

        // Staff: requests
        .get("api/v1/portal/requests", "List residents' requests in the caller's jurisdiction, newest first",
             query: APIField.paging + portalFilter, returns: .page),
        .get("api/v1/portal/requests/export.csv", "Export residents' requests in the caller's jurisdiction as CSV (at most 50,000; audited)",
             query: portalFilter, returns: .csv),
        .get("api/v1/portal/requests/:id", "Show a resident's request in the caller's jurisdiction with replies and notices sent"),
        .post("api/v1/portal/requests/:id/replies", "Reply to a request and/or change its status (a public reply becomes the resident-visible note; audited)",
              body: .json([
                .string("body", "≤ 2000 characters; needed unless the status changes"),
                .oneOf("status", portalStatuses),
                .boolean("isPublic", "default true"),
              ]),
              status: 201),
        .post("api/v1/portal/requests/:id/convert", "Turn a request into an incident, a dispute file or a grid event, once (audited)",
              body: .json([
                .oneOf("to", ["incident", "dispute", "event"], required: true),
                .string("subcategory", "incident: the subcategory code"),
                .string("disputeType", "dispute: the dispute type"),
                .string("partyName", "dispute: the applicant's name"),
                .string("eventCategory", "event: the grid-event category code"),
              ]),
              status: 201),

        // Staff: notices
        .get("api/v1/portal/notices", "List notices published to areas in the caller's jurisdiction, withdrawn ones included", returns: .array),
        .post("api/v1/portal/notices", "Publish a notice to residents of an area in the caller's jurisdiction (audited)",
              body: .json(portalNoticeFields), status: 201),
        .patch("api/v1/portal/notices/:id", "Correct a published notice; every field is checked as on publishing (audited)",
               body: .json(portalNoticeFields)),
        .post("api/v1/portal/notices/:id/withdraw", "Withdraw a notice from the public pages and API (again: no change; audited)"),

        // Staff: notice subscriptions
        .get("api/v1/portal/subscriptions", "List residents' notice subscriptions in the caller's jurisdiction (addresses masked), newest first, with the active count",
             query: APIField.paging + [
                .integer("community", "community (division) id"),
                .oneOf("status", ["pending", "active", "cancelled"]),
             ], returns: .page),
        .post("api/v1/portal/subscriptions/:id/cancel", "Cancel a subscription at the resident's request (audited as by staff; again: no change)"),

        // Staff: request types
        .get("api/v1/portal/request-types", "List every request type with names, response time, state and extra fields", returns: .array),
        .patch("api/v1/portal/request-types/:id", "Configure a request type: names, description, response time, on/off (audited)",
               body: .json([
                .string("nameZh", "1–30 characters"),
                .string("nameEn", "1–60 characters"),
                .string("description", "≤ 200 characters"),
                .integer("responseHours", "1–720"),
                .boolean("active", "1/true/on/yes"),
               ])),
    ]
}
