extension QRCode {
    /// The symbol as a standalone SVG: one path of dark modules on a light square with the four-module quiet zone the
    /// standard asks for (§ 6.3.8). Attributes only (no `style`), so a strict Content-Security-Policy allows it inline.
    /// `label` becomes the image's accessible name (escaped here).
    public func svg(pixelsPerModule: Int = 5, quietZone: Int = 4, label: String = "QR code") -> String {
        let side = size + 2 * quietZone
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else { x += 1; continue }
                var run = 1
                while x + run < size && self[x + run, y] { run += 1 }
                path += "M\(x + quietZone) \(y + quietZone)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let px = side * pixelsPerModule
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" aria-label=\"\(Self.xmlEscape(label))\" "
            + "width=\"\(px)\" height=\"\(px)\" viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
    }

    /// Rows of `#` and `.` (for tests and the peer check).
    public var text: String {
        (0..<size).map { y in String((0..<size).map { self[$0, y] ? "#" : "." }) }.joined(separator: "\n")
    }

    static func xmlEscape(_ s: String) -> String {
        var r = ""
        for c in s {
            switch c {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "'": r += "&#39;"
            default: r.append(c)
            }
        }
        return r
    }
}
