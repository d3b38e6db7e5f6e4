/// API description of the Jurisdiction feature: the division tree, police stations and police offices.
extension APICatalog {
    private static let stationFields: [APIField] = [
        .string("name", "≤ 60 characters, unique; required on create"),
        .integer("divisionID", "the street, town or district it sits in; required on create"),
        .string("address", "≤ 200 characters"),
        .string("phone", "≤ 30 digits, spaces, dashes, parentheses"),
    ]

    static let jurisdiction: [APIOperation] = [
        .get("api/v1/divisions", "List divisions in the caller's jurisdiction by code",
             query: [
                .oneOf("level", ["district", "street", "community", "grid", "building"], "an empty value is 422"),
                .integer("parent", "parent division id"),
                .integer("limit", "1–5000 (default 500)"),
             ],
             returns: .array),
        .get("api/v1/divisions/:id", "Show a division in the caller's jurisdiction"),
        .patch("api/v1/divisions/:id", "Edit a division in the caller's jurisdiction: name, populations, centroid, outline; a community's kind, station and office (audited)",
               body: .json([
                .string("name", "≤ 100 characters, not empty"),
                .oneOf("kind", ["urban", "town", "rural"], "communities only"),
                .integer("registeredPopulation", "0 ≤ n < 10,000,000"),
                .integer("residentPopulation", "0 ≤ n < 10,000,000"),
                .integer("floatingPopulation", "0 ≤ n < 10,000,000"),
                .number("centroidLat", "−90…90; both empty clears the centroid"),
                .number("centroidLon", "−180…180"),
                .string("boundaryGeoJSON", "a valid (Multi)Polygon inside the parent's outline; empty clears"),
                .integer("stationID", "communities only; empty clears"),
                .integer("officeID", "communities only; empty clears"),
               ])),
        .get("api/v1/stations", "List the police stations serving the caller's jurisdiction, with their communities and offices", returns: .array),
        .post("api/v1/stations", "Create a police station (audited)",
              body: .json([
                .string("name", "≤ 60 characters, unique", required: true),
                .integer("divisionID", "the street, town or district it sits in", required: true),
                .string("address", "≤ 200 characters"),
                .string("phone", "≤ 30 digits, spaces, dashes, parentheses"),
              ]),
              status: 201),
        .get("api/v1/stations/:id", "Show a police station serving the caller's jurisdiction, with its communities and offices"),
        .patch("api/v1/stations/:id", "Edit a police station serving the caller's jurisdiction; omitted fields stay (audited)",
               body: .json(stationFields)),
        .post("api/v1/stations/:id/offices", "Create a police office (警务室) under a station (audited)",
              body: .json([
                .string("name", "≤ 60 characters", required: true),
                .oneOf("kind", ["community", "rural_area"], "default community"),
                .string("address", "≤ 200 characters"),
                .string("hours", "opening hours, ≤ 100 characters"),
                .string("phone", "≤ 30 digits, spaces, dashes, parentheses"),
              ]),
              status: 201),
        .patch("api/v1/offices/:id", "Edit a police office of a station serving the caller's jurisdiction; omitted fields stay (audited)",
               body: .json([
                .string("name", "≤ 60 characters"),
                .oneOf("kind", ["community", "rural_area"]),
                .integer("stationID", "move to another station in the caller's jurisdiction"),
                .string("address", "≤ 200 characters"),
                .string("hours", "≤ 100 characters"),
                .string("phone", "≤ 30 digits, spaces, dashes, parentheses"),
               ])),
    ]
}
