import Foundation

/// What a person typed into the header's search box, read the way they meant it (issue 21 §2).
///
/// People type numbers with a Chinese input method switched on (full-width "Ｊ２０２６…"), paste with spaces and
/// line breaks, and write record numbers in lower case. The query is normalised once here; the stored text is
/// matched as a substring (`LIKE %text%`), which is what works for Chinese names and addresses without a tokenizer.
public struct SearchQuery: Equatable, Sendable {
    /// The normalised text: compatibility-mapped (full-width → ASCII), white space collapsed, at most 50 characters.
    public let text: String
    /// A record number the text names, when it has the shape of one.
    public let record: RecordNumber?

    public static let maxLength = 50

    public init?(_ raw: String) {
        let mapped = raw.precomposedStringWithCompatibilityMapping
        let words = mapped.split(whereSeparator: { $0.isWhitespace })
        let text = String(words.joined(separator: " ").prefix(Self.maxLength))
        guard !text.isEmpty else { return nil }
        self.text = text
        self.record = RecordNumber(text)
    }

    /// The LIKE pattern for a substring match. `%` and `_` are dropped rather than escaped: no record text needs them
    /// and SQLite and PostgreSQL disagree on the default escape character.
    public var likePattern: String {
        "%" + text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
    }

    /// Looks like a resident ID number or a phone number: such a search is an unmasking and belongs to the registry's
    /// purpose-stated, audited identifier search, never to the general box.
    public var looksLikeIdentifier: Bool {
        let compact = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "-", with: "")
        let digits = compact.filter(\.isASCII).filter(\.isNumber)
        if compact.count == 18, digits.count >= 17, compact.allSatisfy({ $0.isNumber || $0 == "X" || $0 == "x" }) { return true }
        if compact.count == 15, digits.count == 15 { return true }
        return compact.count == 11 && digits.count == 11 && compact.hasPrefix("1")
    }
}

/// The numbers Pingan prints on its records, parsed back to the kind and row they name.
///
/// Incident J20261201-000123, grid event E20261201-000045 (案卷号 AJ20261201-…once registered), dispute TJ2026-000017, resident request WS000042,
/// petition XF2026-00003. The date or year in a number is checked against the record by the caller (a number with
/// the right row but a wrong date names nothing).
public struct RecordNumber: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable { case incident, gridEvent, dispute, portalRequest, petition
        /// A registered grid event's 案卷号 (AJ20261201-000045): matched on the stored case number, not on a row id.
        case gridCase
    }
    public var kind: Kind
    public var id: Int
    /// The number as it should be printed (upper case, no spaces): compare with the record's own number.
    public var canonical: String

    public init?(_ raw: String) {
        let s = raw.uppercased().filter { !$0.isWhitespace }
        func tail(_ prefix: String, dated: Int?) -> Int? {
            guard s.hasPrefix(prefix) else { return nil }
            let rest = s.dropFirst(prefix.count)
            if let dated {
                let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0].count == dated, parts[0].allSatisfy(\.isASCII), Int(parts[0]) != nil,
                      (1...9).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                return Int(parts[1])
            }
            guard (1...9).contains(rest.count), rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(rest)
        }
        let shapes: [(String, Int?, Kind)] = [("TJ", 4, .dispute), ("XF", 4, .petition), ("WS", nil, .portalRequest),
                                              ("AJ", 8, .gridCase), ("J", 8, .incident), ("E", 8, .gridEvent)]
        for (prefix, dated, kind) in shapes {
            if let id = tail(prefix, dated: dated), id > 0 {
                self.kind = kind; self.id = id; self.canonical = s
                return
            }
        }
        return nil
    }
}
