import Vapor
import PinganKit

/// One layer as the page offers it: its API URL, its look, whether it starts switched on.
struct MapLayerOption: Codable, Sendable {
    var id: String
    var label: String
    var url: String
    var kind: String
    var on: Bool
    var color: String
    var minZoom: Int?
}

/// What `data-map-config` carries to map.js (see Map/Assets/map.js for the contract).
struct MapClientConfig: Codable, Sendable {
    struct Tiles: Codable, Sendable { var url: String; var attribution: String; var datum: String; var maxZoom: Int }
    struct Search: Codable, Sendable { var url: String }
    struct Focus: Codable, Sendable { var lon: Double; var lat: Double; var label: String }
    var bbox: [Double]
    var lang: String
    var height: Int?
    var layers: [MapLayerOption]
    var tiles: Tiles?
    var search: Search?
    var focus: Focus?

    var json: String { (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? "{}" }

    static func tiles(_ req: Request) -> Tiles? {
        req.config.mapTiles.map { Tiles(url: $0.urlTemplate, attribution: $0.attribution, datum: $0.datum, maxZoom: $0.maxZoom) }
    }
}

/// A location picker for a form (map.js `.map-picker`): tap to drop a pin, drag it, or use the device's position (only
/// when asked); the typed lon/lat inputs stay and are kept in step; community and grid are suggested from the point.
struct MapPicker {
    var lonField: String
    var latField: String
    var communityField: String? = "communityID"
    var gridField: String? = "gridID"
    var photoField: String? = nil
    var locateURL = "/api/v1/map/locate"
    var layerURL = "/api/v1/map/layers/divisions?level=community"

    func node(_ req: Request, bbox: GeoBBox?) -> Node {
        guard let bbox else { return .empty }
        struct Config: Encodable {
            var lon: String; var lat: String; var community: String?; var grid: String?; var photoInput: String?
            var locateURL: String; var bbox: [Double]; var layers: [MapLayerOption]; var tiles: MapClientConfig.Tiles?; var lang: String
        }
        let L = req.lang
        let c = Config(lon: "f-" + lonField, lat: "f-" + latField, community: communityField.map { "f-" + $0 }, grid: gridField.map { "f-" + $0 },
                       photoInput: photoField.map { "f-" + $0 }, locateURL: locateURL,
                       bbox: [bbox.minLon, bbox.minLat, bbox.maxLon, bbox.maxLat],
                       layers: [MapLayerOption(id: "communities", label: L.t("社区/村", "Communities"), url: layerURL, kind: "polygon", on: true, color: "#1d4e89", minZoom: nil)],
                       tiles: MapClientConfig.tiles(req), lang: L.isEnglish ? "en" : "zh")
        let json = (try? String(decoding: JSONEncoder().encode(c), as: UTF8.self)) ?? "{}"
        return .div(.class("wide"), .div(.class("map-picker"), .attr("data-picker-config", json)),
                    .p(.class("small muted no-js-hint"), .text(L.t("在地图上点选位置，或直接填写经纬度（WGS-84）。", "Pick the place on the map, or type the coordinates (WGS-84)."))))
    }
}
