import Vapor

/// A small HTML tree that escapes by construction: text and attribute values are always
/// escaped; only `.raw` (used for our own CSS and SVG) is not.
///
/// Why not Plot (DESIGN.md suggests it): Plot 0.14 writes attribute values unescaped
/// (`Attribute.render` → `name="value"`), so any user text in `value=` or `href=` would be
/// an injection, and its `<option>` cannot carry text. This type keeps Plot's shape
/// (`.div(.class("x"), .text(y))`) without those holes.
public indirect enum Node: ExpressibleByStringInterpolation, Sendable {
    case element(String, [Node])
    case void(String, [Node])
    case attribute(String, String?)
    case text(String)
    case raw(String)
    case group([Node])

    public init(stringLiteral value: String) { self = .text(value) }
    public init(stringInterpolation: DefaultStringInterpolation) { self = .text(String(stringInterpolation: stringInterpolation)) }

    public static let empty = Node.group([])

    public func render() -> String {
        var out = ""
        out.reserveCapacity(4096)
        render(into: &out)
        return out
    }

    func render(into out: inout String) {
        switch self {
        case .text(let s): out += Node.escape(s)
        case .raw(let s): out += s
        case .group(let nodes): for n in nodes { n.render(into: &out) }
        case .attribute: break // rendered by the enclosing element
        case .element(let name, let children), .void(let name, let children):
            out += "<" + name
            var body: [Node] = []
            Node.collect(children, attributes: &out, body: &body)
            out += ">"
            if case .void = self { return }
            for n in body { n.render(into: &out) }
            out += "</" + name + ">"
        }
    }

    private static func collect(_ nodes: [Node], attributes out: inout String, body: inout [Node]) {
        for n in nodes {
            switch n {
            case .attribute(let name, let value):
                if let value { out += " \(name)=\"\(escape(value))\"" } else { out += " " + name }
            case .group(let inner):
                collect(inner, attributes: &out, body: &body)
            default:
                body.append(n)
            }
        }
    }

    public static func escape(_ s: String) -> String {
        guard s.contains(where: { "&<>\"'".contains($0) }) else { return s }
        var r = ""
        r.reserveCapacity(s.utf8.count + 16)
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

// MARK: - Elements
public extension Node {
    static func el(_ name: String, _ c: [Node]) -> Node { .element(name, c) }
    static func html(_ c: Node...) -> Node { .element("html", c) }
    static func head(_ c: Node...) -> Node { .element("head", c) }
    static func body(_ c: Node...) -> Node { .element("body", c) }
    static func title(_ s: String) -> Node { .element("title", [.text(s)]) }
    static func meta(_ c: Node...) -> Node { .void("meta", c) }
    static func link(_ c: Node...) -> Node { .void("link", c) }
    static func div(_ c: Node...) -> Node { .element("div", c) }
    static func span(_ c: Node...) -> Node { .element("span", c) }
    static func p(_ c: Node...) -> Node { .element("p", c) }
    static func a(_ c: Node...) -> Node { .element("a", c) }
    static func h1(_ c: Node...) -> Node { .element("h1", c) }
    static func h2(_ c: Node...) -> Node { .element("h2", c) }
    static func h3(_ c: Node...) -> Node { .element("h3", c) }
    static func nav(_ c: Node...) -> Node { .element("nav", c) }
    static func header(_ c: Node...) -> Node { .element("header", c) }
    static func main(_ c: Node...) -> Node { .element("main", c) }
    static func footer(_ c: Node...) -> Node { .element("footer", c) }
    static func section(_ c: Node...) -> Node { .element("section", c) }
    static func strong(_ c: Node...) -> Node { .element("strong", c) }
    static func small(_ c: Node...) -> Node { .element("small", c) }
    static func code(_ c: Node...) -> Node { .element("code", c) }
    static func pre(_ c: Node...) -> Node { .element("pre", c) }
    static func ul(_ c: Node...) -> Node { .element("ul", c) }
    static func ol(_ c: Node...) -> Node { .element("ol", c) }
    static func li(_ c: Node...) -> Node { .element("li", c) }
    static func dl(_ c: Node...) -> Node { .element("dl", c) }
    static func dt(_ c: Node...) -> Node { .element("dt", c) }
    static func dd(_ c: Node...) -> Node { .element("dd", c) }
    static func table(_ c: Node...) -> Node { .element("table", c) }
    static func caption(_ c: Node...) -> Node { .element("caption", c) }
    static func thead(_ c: Node...) -> Node { .element("thead", c) }
    static func tbody(_ c: Node...) -> Node { .element("tbody", c) }
    static func tr(_ c: Node...) -> Node { .element("tr", c) }
    static func th(_ c: Node...) -> Node { .element("th", c) }
    static func td(_ c: Node...) -> Node { .element("td", c) }
    static func form(_ c: Node...) -> Node { .element("form", c) }
    static func fieldset(_ c: Node...) -> Node { .element("fieldset", c) }
    static func legend(_ c: Node...) -> Node { .element("legend", c) }
    static func label(_ c: Node...) -> Node { .element("label", c) }
    static func input(_ c: Node...) -> Node { .void("input", c) }
    static func textarea(_ c: Node...) -> Node { .element("textarea", c) }
    static func select(_ c: Node...) -> Node { .element("select", c) }
    static func option(_ c: Node...) -> Node { .element("option", c) }
    static func button(_ c: Node...) -> Node { .element("button", c) }
    static func br() -> Node { .void("br", []) }
    static func time(_ c: Node...) -> Node { .element("time", c) }
    static func details(_ c: Node...) -> Node { .element("details", c) }
    static func summary(_ c: Node...) -> Node { .element("summary", c) }

    static func forEach<S: Sequence>(_ items: S, _ f: (S.Element) -> Node) -> Node { .group(items.map(f)) }
    static func `if`(_ condition: Bool, _ then: Node, else otherwise: Node = .empty) -> Node { condition ? then : otherwise }
}

// MARK: - Attributes
public extension Node {
    static func attr(_ name: String, _ value: String?) -> Node { .attribute(name, value ?? "") }
    static func `class`(_ v: String) -> Node { .attribute("class", v) }
    static func id(_ v: String) -> Node { .attribute("id", v) }
    static func href(_ v: String) -> Node { .attribute("href", v) }
    static func name(_ v: String) -> Node { .attribute("name", v) }
    static func value(_ v: String) -> Node { .attribute("value", v) }
    static func type(_ v: String) -> Node { .attribute("type", v) }
    static func method(_ v: String) -> Node { .attribute("method", v) }
    static func action(_ v: String) -> Node { .attribute("action", v) }
    static func `for`(_ v: String) -> Node { .attribute("for", v) }
    static func placeholder(_ v: String) -> Node { .attribute("placeholder", v) }
    static func lang(_ v: String) -> Node { .attribute("lang", v) }
    static func selected(_ on: Bool) -> Node { on ? .attribute("selected", nil) : .empty }
    static func checked(_ on: Bool) -> Node { on ? .attribute("checked", nil) : .empty }
    static func required(_ on: Bool = true) -> Node { on ? .attribute("required", nil) : .empty }
    static func disabled(_ on: Bool = true) -> Node { on ? .attribute("disabled", nil) : .empty }
}

extension Node: AsyncResponseEncodable {
    public func encodeResponse(for request: Request) async throws -> Response {
        let res = Response(status: .ok, body: .init(string: "<!DOCTYPE html>\n" + render()))
        res.headers.contentType = .html
        return res
    }
}
