import Foundation
import PinganKit

extension KeyedDecodingContainer {
    /// Reads a field as text whether the client sent a string, number or boolean, so forms and
    /// JSON share one input type and a wrong type becomes a field message, not a 400.
    func loose(_ key: Key) -> String? {
        if let s = try? decodeIfPresent(String.self, forKey: key) { return s }
        if let i = try? decodeIfPresent(Int.self, forKey: key) { return String(i) }
        if let d = try? decodeIfPresent(Double.self, forKey: key) { return String(d) }
        if let b = try? decodeIfPresent(Bool.self, forKey: key) { return b ? "true" : "false" }
        return nil
    }

    /// A list sent as a JSON array, as repeated form fields (`types[]=a&types[]=b`) or as one comma-separated text.
    func looseList(_ key: Key) -> [String]? {
        if let list = try? decodeIfPresent([String].self, forKey: key) { return list }
        if let list = try? decodeIfPresent([Int].self, forKey: key) { return list.map(String.init) }
        return loose(key).map { $0.split(separator: ",").map { String($0).trimmed } }
    }
}

extension String {
    var trimmed: String { whitespaceTrimmed }
    var nilIfEmpty: String? { let t = trimmed; return t.isEmpty ? nil : t }
}

/// A coding key made from any string: the loose decoders read fields by name.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
