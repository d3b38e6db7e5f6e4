/// API description of the Map feature (一张图): layers as GeoJSON, point lookup, place search, and the public outlines.
extension APICatalog {
    /// `MapView`: what is in view.
    private static let mapView: [APIField] = [
        .string("bbox", "minLon,minLat,maxLon,maxLat (WGS-84); default: everything"),
        .integer("zoom", "0–22 (default 12); points are clustered below 16"),
    ]

    private static let mapPoint: [APIField] = [
        .number("lon", "longitude, −180…180", required: true),
        .number("lat", "latitude, −90…90", required: true),
        .oneOf("datum", ["wgs84", "gcj02"], "gcj02 for a point read off a GCJ-02 map (default WGS-84)"),
    ]

    /// `IncidentFilter`, as the incident ledger reads it.
    private static let mapIncidentFilter: [APIField] = [
        .integer("street", "street (division) id"),
        .integer("community", "community (division) id"),
        .integer("grid", "grid (division) id"),
        .oneOf("category", ["criminal", "public_order", "dispute", "help", "traffic", "fire", "other"]),
        .string("subcategory", "subcategory code"),
        .boolean("preventable", "true/false (also 1/0, yes/no)"),
        .oneOf("status", ["received", "dispatched", "handled", "closed"]),
        .oneOf("source", ["110", "walk_in", "portal", "patrol", "other"]),
        .date("from", "occurred on or after; without from/to/month: the last 30 days"),
        .date("to", "occurred on or before"),
        .string("month", "YYYY-MM"),
        .string("q", "text in address, description or modus operandi"),
        .oneOf("sort", ["occurred_desc", "occurred_asc", "reported_desc", "status"]),
    ]

    /// `HotspotParams`, as the hot-spot analysis reads them.
    private static let mapHotspotQuery: [APIField] = [
        .string("month", "YYYY-MM; default: the month just ended"),
        .integer("station", "police station id"),
        .integer("community", "community (division) id"),
        .date("from", "first day (inclusive); with `to` overrides `month`"),
        .date("to", "last day (inclusive)"),
        .oneOf("category", ["criminal", "public_order", "dispute", "help", "traffic", "fire", "other", "preventable"]),
        .string("sub", "incident subcategory code (not checked against the code table here)"),
        .number("cell", "grid cell edge in metres, 50–1000 (default 150)"),
    ]

    static let map: [APIOperation] = [
        .get("api/v1/map/layers/divisions", "Map layer: outlines of one division level in view and in the caller's jurisdiction",
             query: mapView + [.oneOf("level", ["district", "street", "community", "grid"], "default community")], returns: .geoJSON),
        .get("api/v1/map/layers/incidents", "Map layer: located incidents of the caller's jurisdiction in view, clustered below zoom 16",
             query: mapView + mapIncidentFilter, returns: .geoJSON),
        .get("api/v1/map/layers/requests", "Map layer: located residents' portal requests of the caller's jurisdiction in view",
             query: mapView + [.oneOf("status", ["open", "all"], "default open (anything but `all`)")], returns: .geoJSON),
        .get("api/v1/map/layers/sites", "Map layer: active registry places with a position in the caller's jurisdiction (cameras and checkpoints by default)",
             query: mapView + [.oneOf("kind", ["building", "rental", "compound", "organisation", "special_industry", "entertainment",
                                               "internet_cafe", "shop", "hazard_holder", "camera", "checkpoint"], "one kind instead of cameras and checkpoints")],
             returns: .geoJSON),
        .get("api/v1/map/layers/disputes", "Map layer: open dispute files the caller may see, placed at their grid's or community's centre",
             query: mapView, returns: .geoJSON),
        .get("api/v1/map/layers/hotspots", "Map layer: Gi* hot cells of the caller's jurisdiction as squares, ranked",
             query: mapView + mapHotspotQuery, returns: .geoJSON),
        .get("api/v1/map/layers/patrols", "Map layer: grids covered by a day's patrol plans in the caller's jurisdiction",
             query: mapView + [.date("day", "default today")], returns: .geoJSON),
        .get("api/v1/map/layers/events", "Map layer: located grid events the caller may see, coloured by their deadline clock",
             query: mapView + [.oneOf("status", ["open", "all"], "default open: not closed or declined")], returns: .geoJSON),
        .get("api/v1/map/layers/resources", "Map layer: emergency plans' resources (shelters, supplies, equipment …) of the plans the caller sees, coloured by kind",
             query: mapView + [.integer("family", "one plan's resources (the plan's family id)")], returns: .geoJSON),
        .get("api/v1/map/locate", "Find the community and grid containing a point, within the caller's jurisdiction",
             query: mapPoint),
        .get("api/v1/map/places", "Find streets, communities and grids in the caller's jurisdiction by name (at most 20), with their bounding boxes",
             query: [.string("q", "part of the name; empty gives no results")]),
        .get("api/public/map/communities", "Public: community outlines and names in view (no sign-in)",
             query: mapView, returns: .geoJSON, isPublic: true),
        .get("api/public/map/locate", "Public: the community containing a point, for the report form (no sign-in)",
             query: mapPoint, isPublic: true),
    ]
}
