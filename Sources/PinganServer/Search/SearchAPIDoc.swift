/// API description of the Search feature.
extension APICatalog {
    static let search: [APIOperation] = [
        .get("api/v1/search", "Search the records the caller may see by text, grouped by kind; a record number returns the record's page",
             query: [
                .string("q", "the text or record number (≤ the maximum query length)", required: true),
                .oneOf("in", ["incidents", "events", "people", "sites", "disputes", "requests", "communities"],
                       "search one kind only (paged); the kind must be one the caller's role may search"),
                .integer("page", "1-based page, with `in` only (fixed page size)"),
             ]),
    ]
}
