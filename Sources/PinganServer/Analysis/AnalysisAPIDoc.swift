/// API description of the Analysis feature: 预警通报 (alerts), the monthly preventable-case table, hot spots,
/// patrol recommendations, the monthly report and the external-import job state.
extension APICatalog {
    private static let analysisCategories = ["criminal", "public_order", "dispute", "help", "traffic", "fire", "other", "preventable"]

    private static let analysisAlertFilter: [APIField] = [
        .oneOf("status", ["open", "acknowledged", "closed"]),
        .oneOf("period", ["week", "month"]),
        .oneOf("unit", ["community", "station"], "kind of unit the alert is about"),
        .oneOf("rule", ["poisson", "increase"]),
        .boolean("mine", "only alerts assigned to the caller (1/true)"),
        .boolean("current", "only alerts not closed, of the period in progress or the one just ended (1/true)"),
    ]

    /// `AnalysisParams`: month and jurisdiction.
    private static let analysisJurisdiction: [APIField] = [
        .string("month", "YYYY-MM (2000–2100); default: the month just ended"),
        .integer("station", "police station id"),
        .integer("community", "community (division) id"),
    ]

    /// `HotspotParams`: period (month, or from/to overriding it), jurisdiction, incidents, cell size.
    private static let analysisHotspotQuery: [APIField] = analysisJurisdiction + [
        .date("from", "first day (inclusive); with `to` overrides `month`; at most 3 years"),
        .date("to", "last day (inclusive)"),
        .oneOf("category", analysisCategories, "an incident category, or `preventable` for 可防性案件"),
        .string("sub", "incident subcategory code (see /api/v1/incident-subcategories); unknown code is 422"),
        .number("cell", "grid cell edge in metres, 50–1000 (default 150)"),
    ]

    /// `PatrolParams`: the week planned, jurisdiction, incidents, cell, window and capacity.
    private static let analysisPatrolQuery: [APIField] = [
        .date("week", "any day of the week to plan (its Monday is used); default: next week"),
        .integer("station", "police station id"),
        .integer("community", "community (division) id"),
        .oneOf("category", analysisCategories, "an incident category, or `preventable`"),
        .string("sub", "incident subcategory code; unknown code is 422"),
        .number("cell", "grid cell edge in metres, 50–1000 (default 150)"),
        .oneOf("window", ["1", "2", "3", "4", "6", "8", "12"], "patrol window length in hours (default 2)"),
        .number("hours", "patrol-hours per station and week, 0–1000 (default 40); `cap<stationID>=hours` overrides one station"),
    ]

    static let analysis: [APIOperation] = [
        // Alerts (预警通报)
        .get("api/v1/alerts", "List early-warning alerts of the caller's jurisdiction, newest period first",
             query: APIField.paging + analysisAlertFilter, returns: .page),
        .get("api/v1/alerts/export.csv", "Export the caller's alerts matching the filters as CSV (audited)",
             query: analysisAlertFilter, returns: .csv),
        .post("api/v1/alerts/recompute", "Recompute alerts for a month and a week in the caller's jurisdiction (default: the last complete ones; audited). A JSON body with the same two fields is read when the query has none",
              query: [.string("month", "YYYY-MM"), .date("week", "a day of the week to evaluate")]),
        .get("api/v1/alerts/:id", "Show one alert of the caller's jurisdiction with its handling timeline"),
        .post("api/v1/alerts/:id/actions", "Acknowledge, assign or close an alert (timeline and audit; assignment notifies the assignee)",
              body: .json([
                .oneOf("action", ["acknowledge", "assign", "close"], required: true),
                .integer("assigneeID", "user id; required for assign (must be able to see the alert)"),
                .string("note", "≤ 500 characters; required for close"),
              ])),

        // Monthly preventable-case table
        .get("api/v1/analysis/monthly", "Monthly preventable-case table (社区可防性案件统计表) of a month and jurisdiction in the caller's scope",
             query: analysisJurisdiction),
        .get("api/v1/analysis/monthly.csv", "Export the monthly preventable-case table as CSV (audited)",
             query: analysisJurisdiction + [.oneOf("layout", ["long", "wide"], "`wide`: one line per row; otherwise one line per row × subcategory")],
             returns: .csv),

        // Hot spots and patrol plans
        .get("api/v1/analysis/hotspots", "Gi* hot-spot analysis of incidents on grid cells for a period and jurisdiction in the caller's scope",
             query: analysisHotspotQuery),
        .get("api/v1/analysis/hotspots.csv", "Export the hot-spot cells as CSV (audited)",
             query: analysisHotspotQuery, returns: .csv),
        .get("api/v1/analysis/patrols", "Draft patrol plan (巡逻建议) for a week from the hot spots of the caller's jurisdiction",
             query: analysisPatrolQuery),
        .get("api/v1/analysis/patrols.csv", "Export the draft patrol plan as CSV (audited)",
             query: analysisPatrolQuery, returns: .csv),

        // Report
        .get("api/v1/analysis/report", "Monthly incident-analysis report (警情分析报告) of a jurisdiction: figures, trend, narrative and hot spots",
             query: analysisJurisdiction),

        // External import
        .get("api/v1/analysis/import/jobs/:id", "State of the caller's own background external-incident import: phase, progress and outcome"),
    ]
}
