import Vapor

/// The map's script and styles (`Map/Assets`, embedded at build time), served at /static/map.js and /static/map.css.
enum MapAssets {
    static let js = String(decoding: PackageResources.map_js, as: UTF8.self)
    static let css = String(decoding: PackageResources.map_css, as: UTF8.self)
}
