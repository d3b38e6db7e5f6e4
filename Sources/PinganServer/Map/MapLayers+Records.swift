import Fluent
import SQLKit
import Vapor
import PinganKit

/// Residents' requests with a place (`status=open` by default, `all` for every request).
enum MapRequestLayer {
    static func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        let L = req.lang, cal = req.localCalendar
        let openOnly = (req.query[String.self, at: "status"] ?? "open") != "all"
        let types = Dictionary(uniqueKeysWithValues: try await PortalRequestType.query(on: req.db).all().map { ($0.code, L.t($0.nameZh, $0.nameEn)) })
        let q = try await req.scoped(PortalRequest.self, on: req.reading).filter(\.$lat != nil).filter(\.$lon != nil)
        if openOnly { q.filter(\.$status ~~ PortalStatus.allCases.filter { !$0.isClosed }) }
        if let b = view.bbox { q.filter(\.$lon >= b.minLon).filter(\.$lon <= b.maxLon).filter(\.$lat >= b.minLat).filter(\.$lat <= b.maxLat) }
        let rows = try await q.sort(\.$requestedAt, .descending).limit(MapView.maxPoints + 1).all()
        let features = rows.prefix(MapView.maxPoints).map { r in
            MapFeature(geometry: .point(GeoPoint(lon: r.lon!, lat: r.lat!)), properties: MapProperties(
                id: r.id, title: r.number + " · " + (types[r.typeCode] ?? r.typeCode),
                subtitle: cal.formatDateTime(r.requestedAt) + " · " + L.t(r.status.nameZh, r.status.nameEn) + (r.overdue ? L.t(" · 已超时", " · overdue") : ""),
                url: "/portal/requests/\(r.id!)", color: r.overdue ? "#b3261e" : "#a35f00", kind: "request"))
        }
        return MapFeatureCollection(layer: "requests", zoom: view.zoom, total: features.count, truncated: rows.count > MapView.maxPoints, features: Array(features))
    }
}

/// Registry places that carry a position: video points (视频监控点) and checkpoints (治安卡口) by default, `kind=` for one.
enum MapSiteLayer {
    static func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        let L = req.lang
        var kinds: [SiteKind] = [.camera, .checkpoint]
        if let k = req.query[String.self, at: "kind"]?.nilIfEmpty {
            guard let kind = SiteKind(rawValue: k) else { throw FieldErrors(["kind": L.t("登记类别无效", "Unknown kind")]) }
            kinds = [kind]
        }
        let sites = try await req.scoped(Site.self, on: req.reading).filter(\.$kind ~~ kinds).filter(\.$status == .active).sort(\.$id).all()
        var features: [MapFeature] = []
        for s in sites {
            let v = s.values
            guard let lon = v["lon"].flatMap(Double.init), let lat = v["lat"].flatMap(Double.init) else { continue }
            let p = GeoPoint(lon: lon, lat: lat)
            if let b = view.bbox, !b.contains(p) { continue }
            features.append(MapFeature(geometry: .point(p), properties: MapProperties(
                id: s.id, title: s.name, subtitle: L.t(s.kind.nameZh, s.kind.nameEn) + (s.address.isEmpty ? "" : " · " + s.address),
                url: "/sites/\(s.id!)", color: s.kind == .camera ? "#2f7d32" : "#616e7c", kind: s.kind.rawValue)))
            if features.count == MapView.maxPoints { break }
        }
        return MapFeatureCollection(layer: "sites", zoom: view.zoom, total: features.count, truncated: features.count == MapView.maxPoints, features: features)
    }
}

/// Open dispute files, placed at their grid's (or community's) centre — a file records no finer place — and said so.
enum MapDisputeLayer {
    static func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        let L = req.lang, cal = req.localCalendar
        let snap = try await req.application.boundaries.current(req.db)
        let open = DisputeStatus.allCases.filter(\.isOpen)
        let files = try await DisputeService.visible(req).filter(\.$status ~~ open).sort(\.$id).limit(5000).all()
        var byPlace: [Int: [Dispute]] = [:]
        for d in files { byPlace[d.gridID ?? d.communityID, default: []].append(d) }
        var features: [MapFeature] = []
        var total = 0
        for (placeID, list) in byPlace.sorted(by: { $0.key < $1.key }) {
            guard let place = snap.divisions[placeID], let centre = place.shape.interiorPoint() else { continue }
            if let b = view.bbox, !b.contains(centre) { continue }
            total += list.count
            if list.count > 1 && view.zoom < MapView.pointsFromZoom {
                features.append(MapFeature(geometry: .point(centre), properties: MapProperties(cluster: true, count: list.count)))
                continue
            }
            for (k, d) in list.enumerated() {
                // Several files of one grid are fanned out around its centre so each can be clicked.
                let angle = Double(k) * 2.4, r = list.count == 1 ? 0 : 0.00012 * sqrt(Double(k + 1))
                let p = GeoPoint(lon: centre.lon + r * cos(angle), lat: centre.lat + r * sin(angle))
                features.append(MapFeature(geometry: .point(p), properties: MapProperties(
                    id: d.id, title: d.fileNumber(cal) + " · " + L.t(d.type.nameZh, d.type.nameEn), subtitle: L.t("位置为所在网格中心（示意）", "Placed at its grid's centre (approximate)"),
                    url: "/disputes/\(d.id!)", color: "#6a3d9a", kind: "dispute")))
            }
        }
        return MapFeatureCollection(layer: "disputes", zoom: view.zoom, total: total, truncated: files.count == 5000, features: features)
    }
}

/// Gi* hot cells of the analysis (same parameters as /analysis/hotspots), drawn as squares labelled with their rank and
/// community instead of cell indices.
enum MapHotspotLayer {
    static func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        var e = FieldErrors()
        let p = HotspotParams(req, errors: &e)
        guard e.isEmpty else { throw e }
        let result = try await HotspotService.run(req, p)
        let L = req.lang
        let half = result.dto.cellSize / 2
        let features: [MapFeature] = result.dto.hotCells.enumerated().compactMap { i, c in
            let centre = GeoPoint(lon: c.centerLon, lat: c.centerLat)
            let frame = GeoLocalFrame(origin: centre)
            let corners = [(-half, -half), (half, -half), (half, half), (-half, half), (-half, -half)].map { frame.unproject(GeoXY(x: $0.0, y: $0.1)) }
            let square = GeoMultiPolygon(GeoPolygon(outer: corners))
            if let b = view.bbox, let sb = square.bbox, !b.intersects(sb) { return nil }
            let place = c.community ?? L.t("辖区外", "outside the communities")
            return MapFeature(geometry: .multiPolygon(square), properties: MapProperties(
                id: i + 1, title: L.t("热点 第\(i + 1)名 · \(place)", "Hot spot #\(i + 1) · \(place)"),
                subtitle: L.t("\(c.count) 起 · \(c.bandName)", "\(c.count) incidents · \(c.bandName)") + (c.peak.map { " · " + $0 } ?? ""),
                url: "/analysis/hotspots?cell=\(c.cell)", color: HotspotViews.fill(c.band, count: c.count), label: "\(i + 1)", rank: i + 1, kind: "hotspot"))
        }
        return MapFeatureCollection(layer: "hotspots", zoom: view.zoom, total: features.count, truncated: false, features: features)
    }
}

/// The grids today's (or `day=`'s) patrol plans cover, one outline per plan and grid.
enum MapPatrolLayer {
    static func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        let L = req.lang
        let day = req.query[String.self, at: "day"]?.nilIfEmpty ?? req.localCalendar.formatDate(Date())
        guard LocalDay(day) != nil else { throw FieldErrors(["day": L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05")]) }
        let plans = try await req.scoped(PatrolPlanRecord.self, on: req.reading).filter(\.$day == day).filter(\.$cancelledAt == nil).sort(\.$startMinute).all()
        let teams = Dictionary(uniqueKeysWithValues: try await req.scoped(Team.self, on: req.reading).filter(\.$id ~~ Array(Set(plans.map(\.teamID)))).all().map { ($0.id!, $0.name) })
        let snap = try await req.application.boundaries.current(req.db)
        var features: [MapFeature] = []
        for p in plans {
            let window = String(format: "%02d:%02d–%02d:%02d", p.startMinute / 60, p.startMinute % 60, (p.endMinute / 60) % 24, p.endMinute % 60)
            for g in p.grids {
                guard let grid = snap.divisions[g] else { continue }
                if let b = view.bbox, !b.intersects(grid.bbox) { continue }
                features.append(MapFeature(geometry: .multiPolygon(grid.shape(forZoom: view.zoom)), properties: MapProperties(
                    id: p.id, title: (teams[p.teamID] ?? "") + " · " + grid.name, subtitle: L.t("巡逻 \(day) \(window)", "Patrol \(day) \(window)"),
                    url: "/forces/patrols/\(p.id!)", color: "#2f7d32", kind: "patrol")))
            }
        }
        return MapFeatureCollection(layer: "patrols", zoom: view.zoom, total: features.count, truncated: false, features: features)
    }
}

/// Grid events with a place (`status=open` by default: not closed or declined; `all` for every one), coloured by their
/// clock: overdue red, near the deadline amber, otherwise blue.
enum MapGridEventLayer {
    static func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        let L = req.lang, cal = req.localCalendar
        let q = try await GridEventService.visible(req).filter(\.$lat != nil).filter(\.$lon != nil)
        if (req.query[String.self, at: "status"] ?? "open") != "all" { q.filter(\.$status !~ [.closed, .declined]) }
        if let b = view.bbox { q.filter(\.$lon >= b.minLon).filter(\.$lon <= b.maxLon).filter(\.$lat >= b.minLat).filter(\.$lat <= b.maxLat) }
        let rows = try await q.sort(\.$reportedAt, .descending).limit(MapView.maxPoints + 1).all()
        let names = try await GridEventCategories.names(req.db, L)
        let (_, working) = try await req.gridEventCalendar()
        let features = rows.prefix(MapView.maxPoints).map { e -> MapFeature in
            let clock = e.clock(working)
            let color = clock?.state == .overdue ? "#b3261e" : clock?.state == .nearDeadline ? "#a35f00" : "#1d4e89"
            return MapFeature(geometry: .point(GeoPoint(lon: e.lon!, lat: e.lat!)), properties: MapProperties(
                id: e.id, title: e.number(cal) + " · " + (names[e.categoryCode] ?? e.categoryCode),
                subtitle: L.t(e.status.nameZh, e.status.nameEn) + (clock.map { " · " + L.t($0.state.nameZh, $0.state.nameEn) } ?? "") + " · " + cal.formatDateTime(e.reportedAt),
                url: "/events/\(e.id!)", color: color, kind: "event"))
        }
        return MapFeatureCollection(layer: "events", zoom: view.zoom, total: features.count, truncated: rows.count > MapView.maxPoints, features: Array(features))
    }
}

/// Emergency plans' resources (应急资源: shelters, supply stores, equipment …) of the plans the user sees, coloured by
/// kind; `family=` keeps one plan's.
enum MapEmergencyResourceLayer {
    static func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        let L = req.lang
        var family: Int? = nil
        if let raw = req.query[String.self, at: "family"]?.nilIfEmpty {
            guard let n = Int(raw) else { throw FieldErrors(["family": L.t("预案编号应为整数", "family must be a plan's id")]) }
            family = n
        }
        let rows = try await EmergencyResourceService.visible(req, family: family, bbox: view.bbox)
        let features = rows.map { r in
            MapFeature(geometry: .point(GeoPoint(lon: r.lon, lat: r.lat)), properties: MapProperties(
                id: r.id, title: r.name,
                subtitle: L.t(r.kind.nameZh, r.kind.nameEn) + (r.capacity.map { " · \($0) " + L.t(r.kind.unitZh, r.kind.unitEn) } ?? "") + (r.keeper.isEmpty ? "" : " · " + r.keeper),
                url: "/governance/resources/\(r.id!)", color: r.kind.color, kind: r.kind.rawValue))
        }
        return MapFeatureCollection(layer: "resources", zoom: view.zoom, total: features.count, truncated: rows.count == 5000, features: features)
    }
}
