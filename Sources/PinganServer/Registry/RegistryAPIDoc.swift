/// API description of the Registry feature: people (实有人口), places and things (场所物品) and the baseline survey chart.
extension APICatalog {
    private static let registryPurposes = ["identity_check", "service", "case", "supervision", "other"]
    private static let registrySiteKinds = ["building", "rental", "compound", "organisation", "special_industry", "entertainment",
                                            "internet_cafe", "shop", "hazard_holder", "camera", "checkpoint"]

    /// Purpose of a search by an exact identifier (`IdentifierSearch`).
    private static let registryIdentifierPurpose: [APIField] = [
        .oneOf("purpose", registryPurposes, "required with idNumber/phone (roles that may reveal only; audited, rate-limited)"),
        .string("purposeDetail", "required when purpose is other; ≤ 200 characters"),
    ]

    /// `PersonFilter`, shared by the list and the CSV.
    private static let personFilter: [APIField] = [
        .integer("community", "community (division) id (a non-number is ignored)"),
        .integer("grid", "grid (division) id (a non-number is ignored)"),
        .oneOf("category", ["permanent", "temporary", "key"]),
        .oneOf("keyType", ["released_prisoner", "community_correction", "drug", "mental_health", "key_petitioner", "at_risk_youth"]),
        .string("q", "text search (≤ 50 characters)"),
        .string("idNumber", "exact resident ID number (needs purpose)"),
        .string("phone", "exact phone number (needs purpose)"),
        .integer("expiring", "temporary residents whose registration expires within N days, 0–3650"),
    ] + registryIdentifierPurpose

    /// `SiteFilter`, shared by the list and the CSV.
    private static let siteFilter: [APIField] = [
        .oneOf("kind", registrySiteKinds),
        .string("subtype", "the kind's type option (with kind)"),
        .integer("community", "community (division) id (a non-number is ignored)"),
        .integer("grid", "grid (division) id (a non-number is ignored)"),
        .oneOf("status", ["active", "suspended", "closed"]),
        .string("q", "text search (≤ 50 characters)"),
        .string("phone", "the contact's exact phone number (needs purpose)"),
        .integer("uninspected", "not inspected within N days (or never), 0–3650"),
    ] + registryIdentifierPurpose

    /// `PersonInput` (create and PATCH); identity fields only when re-entered on PATCH.
    private static func personFields(create: Bool) -> [APIField] {
        [
            .string("name", "≤ 50 characters", required: create),
            .string("idNumber", "18-character resident ID number, unique in the district", required: create),
            .string("phone", "phone number; empty clears"),
            .string("hukouAddress", "≤ 200 characters"),
            .oneOf("category", ["permanent", "temporary", "key"], required: create),
            .oneOf("keyType", ["released_prisoner", "community_correction", "drug", "mental_health", "key_petitioner", "at_risk_youth"], "key population only"),
            .integer("supervisorID", "responsible user id; empty clears"),
            .integer("communityID", "a community in the caller's jurisdiction", required: create),
            .integer("gridID", "a grid of that community"),
            .integer("buildingID", "a building of that grid"),
            .string("room", "≤ 20 characters"),
            .date("residenceExpiresOn", "temporary residents"),
            .string("note", "≤ 2000 characters"),
        ]
    }

    /// `SiteInput` (create and PATCH); omitted fields stay on PATCH.
    private static func siteFields(create: Bool) -> [APIField] {
        [
            .oneOf("kind", registrySiteKinds, create ? nil : "cannot change", required: create),
            .string("name", "≤ 100 characters; unique per kind and community", required: create),
            .string("licence", "≤ 50 characters; required for special_industry, hazard_holder, internet_cafe"),
            .string("address", "≤ 200 characters; required except for building, camera, checkpoint"),
            .integer("communityID", "a community in the caller's jurisdiction", required: create),
            .integer("gridID", "a grid of that community"),
            .integer("buildingID", "a building of that grid"),
            .string("contactName", "≤ 50 characters"),
            .string("contactPhone", "11-digit mobile or landline with area code; empty clears"),
            .oneOf("status", ["active", "suspended", "closed"], "default active"),
            .date("lastInspectedOn", "not in the future; empty clears"),
            .string("note", "≤ 2000 characters"),
            .object("attributes", "the kind's own fields {key: value} (see /api/v1/site-kinds)"),
            .boolean("attributesComplete", "true: `attributes` replaces every stored field instead of merging"),
        ]
    }

    static let registry: [APIOperation] = [
        // People
        .get("api/v1/people", "List people in the caller's jurisdiction, identity data masked",
             query: APIField.paging + personFilter, returns: .page),
        .get("api/v1/people/export.csv", "Export the people matching the filters as CSV, identity data masked",
             query: personFilter, returns: .csv),
        .post("api/v1/people", "Register a person in the caller's jurisdiction (identity data stored sealed; audited)",
              body: .json(personFields(create: true)), status: 201),
        .get("api/v1/people/:id", "Show a person in the caller's jurisdiction, identity data masked"),
        .patch("api/v1/people/:id", "Edit a person in the caller's jurisdiction; omitted fields stay (audited)",
               body: .json(personFields(create: false))),
        .post("api/v1/people/:id/reveal", "Reveal a person's full ID number and phone (purpose required; audited)",
              body: .json([
                .oneOf("purpose", registryPurposes, required: true),
                .string("detail", "required when purpose is other; ≤ 200 characters"),
              ])),
        .post("api/v1/people/import", "Import people from a CSV body, all or nothing (422 with the row errors when any row is bad)",
              query: [.boolean("dryRun", "check without writing (1/true/yes)")],
              body: .text("text/csv")).also(422, .object),
        .get("api/v1/people/import/jobs/:id", "State of the caller's own background people import: phase, progress and report"),

        // Places and things
        .get("api/v1/sites", "List registry places and things in the caller's jurisdiction",
             query: APIField.paging + siteFilter, returns: .page),
        .get("api/v1/sites/export.csv", "Export the places matching the filters as CSV (with the kind's own columns when kind is given)",
             query: siteFilter, returns: .csv),
        .post("api/v1/sites", "Register a place or thing in the caller's jurisdiction (audited)",
              body: .json(siteFields(create: true)), status: 201),
        .post("api/v1/sites/import", "Import places of one kind from a CSV body, all or nothing (422 with the row errors when any row is bad)",
              query: [
                .oneOf("kind", registrySiteKinds, required: true),
                .boolean("dryRun", "check without writing (1/true/yes)"),
              ],
              body: .text("text/csv")).also(422, .object),
        .get("api/v1/sites/import/jobs/:id", "State of the caller's own background site import: phase, progress and report"),
        .get("api/v1/sites/:id", "Show a place in the caller's jurisdiction"),
        .patch("api/v1/sites/:id", "Edit a place in the caller's jurisdiction; omitted fields stay (audited)",
               body: .json(siteFields(create: false))),
        .get("api/v1/sites/:id/members", "List the people attached to a place (building heads, landlords, tenants …)", returns: .array),
        .post("api/v1/sites/:id/members", "Attach a registered person in the caller's jurisdiction to a place in a role (audited)",
              body: .json([
                .oneOf("role", ["building_head", "unit_head", "floor_head", "landlord", "tenant", "manager", "guard",
                                "legal_representative", "security_head", "operator"], "a role the kind has", required: true),
                .string("idNumber", "the person's resident ID number (or personID)"),
                .integer("personID", "the person's id, when idNumber is not given"),
                .string("unit", "≤ 10 characters; required for a unit head"),
                .string("floor", "≤ 10 characters; required for a floor head"),
              ]),
              status: 201),
        .post("api/v1/sites/:id/members/remove", "Detach a member from a place (audited)",
              body: .json([.integer("memberID", "a member of this place (a JSON number)", required: true)]),
              returns: .empty, status: 204),
        .get("api/v1/site-kinds", "Describe every place kind: its fields (type, limits, options) and member roles", returns: .array),

        // Baseline survey
        .get("api/v1/survey", "Baseline survey chart (辖区基本情况) of a community, station, street or the caller's whole jurisdiction, with a breakdown",
             query: [
                .integer("community", "community (division) id; outside the jurisdiction or not a number is 404"),
                .integer("station", "police station id; 404 when it covers none of the caller's communities"),
                .integer("street", "street (division) id; 404 when it covers none of the caller's communities"),
             ]),
    ]
}
