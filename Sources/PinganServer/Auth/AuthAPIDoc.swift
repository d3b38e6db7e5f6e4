/// API description of the Auth feature: account administration (administrators only).
extension APICatalog {
    static let auth: [APIOperation] = [
        .get("api/v1/users", "List every user account with role, scope, lock and two-factor state (administrators)", returns: .array),
        .post("api/v1/users", "Create a user account with a role and a scope, under the password policy (administrators; audited)",
              body: .json([
                .string("username", "3–32 lowercase letters, digits or _.-; unique", required: true),
                .string("displayName", "≤ 50 characters", required: true),
                .string("password", "must satisfy the password policy", required: true),
                .oneOf("role", ["admin", "district_command", "station_chief", "community_officer", "grid_worker", "mediator",
                                "team_leader", "analyst", "unit_staff"], required: true),
                .integer("scopeDivisionID", "jurisdiction division id; required for every role but admin, station_chief and unit_staff"),
                .integer("stationID", "required for station_chief"),
                .integer("unitID", "responsible unit id; required for unit_staff"),
              ]),
              status: 201),
        .get("api/v1/users/:id/tokens", "List a user's API tokens, newest first (administrators)", returns: .array),
        .post("api/v1/users/:id/tokens/revoke", "Revoke one of a user's API tokens (administrators; audited; revoking twice is a no-op)",
              body: .json([.integer("tokenID", "a token of this user", required: true)])),
    ]
}
