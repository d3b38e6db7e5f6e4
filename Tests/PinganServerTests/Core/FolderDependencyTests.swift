import XCTest

/// Issue 24 §5: feature folders must not lean on each other both ways. This reads the server's sources as a maintainer
/// would: a folder uses another when it names a type, function or constant declared at the top level of only that
/// folder, or calls a member that only that folder adds to a framework type (`req.localCalendar`). `App/` (the
/// composition root) and `Demo/` (the seeder) may use every folder. A two-way pair not in `known` fails with the
/// names that make it; a known pair that is gone fails too, so the list only shrinks.
final class FolderDependencyTests: XCTestCase {
    /// Two-way dependencies still to remove (issue 24 §5), as "A<->B" with A before B.
    static let known: Set<String> = [
        "Analysis<->Registry", "Assessment<->Forces", "Audit<->Auth", "Audit<->Core", "Auth<->Core",
        "Auth<->GridEvents", "Auth<->Jurisdiction", "Disputes<->Governance",
        "Notifications<->Portal",
    ]
    static let compositionRoots: Set<String> = ["App", "Demo"]

    func testNoNewTwoWayDependencyBetweenFeatureFolders() throws {
        let uses = try Self.uses()
        XCTAssertGreaterThan(uses.count, 10, "no sources read")
        var pairs: [String: String] = [:]
        for (from, targets) in uses where !Self.compositionRoots.contains(from) {
            for (to, why) in targets where from < to && !Self.compositionRoots.contains(to) {
                guard let back = uses[to]?[from] else { continue }
                pairs["\(from)<->\(to)"] = "\(from) → \(to): \(why.sorted().prefix(6).joined(separator: ", ")); "
                    + "\(to) → \(from): \(back.sorted().prefix(6).joined(separator: ", "))"
            }
        }
        let new = Set(pairs.keys).subtracting(Self.known)
        XCTAssertTrue(new.isEmpty, "new two-way dependencies between folders (move the shared piece to Core, or invert the use):\n"
            + new.sorted().map { pairs[$0]! }.joined(separator: "\n"))
        let gone = Self.known.subtracting(pairs.keys)
        XCTAssertTrue(gone.isEmpty, "no longer two-way — remove from FolderDependencyTests.known: \(gone.sorted())")
    }

    /// folder → folder it uses → the names that make it (name@file).
    static func uses() throws -> [String: [String: Set<String>]] {
        let files = try ScopeLintTests.swiftFiles().map { (folder: String($0.path.split(separator: "/")[0]), file: String($0.path.split(separator: "/").last!),
                                                             text: strip($0.lines.joined(separator: "\n"))) }
        func all(_ pattern: String, _ text: String, options: NSRegularExpression.Options = [.anchorsMatchLines]) -> [[String]] {
            let re = try! NSRegularExpression(pattern: pattern, options: options)
            return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { m in
                (0..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : String(text[Range(m.range(at: $0), in: text)!]) }
            }
        }
        // Top-level declarations (not private) and how often any name is declared anywhere.
        var declared: [String: Set<String>] = [:]
        var anywhere: [String: Int] = [:]
        var members: [String: Set<String>] = [:]        // member name → folders adding it to a type
        var extended: [String: Set<String>] = [:]       // member name → the types it extends
        for f in files {
            for m in all(#"^(?:(?:public|private|fileprivate|internal|final|indirect)\s+)*(?:struct|enum|class|protocol|typealias|actor|func|let|var)\s+([A-Za-z_]\w*)"#, f.text)
            where !m[0].contains("private") { declared[m[1], default: []].insert(f.folder) }
            for m in all(#"\b(?:func|var|let|case|struct|enum|class|typealias)\s+([A-Za-z_]\w*)"#, f.text) { anywhere[m[1], default: 0] += 1 }
            for m in all(#"^extension\s+([\w.]+)[^{\n]*\{\n([\s\S]*?)^\}"#, f.text) {
                for mm in all(#"^    (?:(?:public|static|final|mutating|nonisolated)\s+)*(?:func|var|let)\s+([A-Za-z_]\w*)"#, m[2]) where !mm[0].contains("private") {
                    members[mm[1], default: []].insert(f.folder)
                    extended[mm[1], default: []].insert(String(m[1].split(separator: ".")[0]))
                }
            }
        }
        let owner = declared.compactMapValues { $0.count == 1 ? $0.first : nil }
        // A member counts only when it is unmistakable: one folder adds it, to a framework type, and the name is declared once.
        let memberOwner = members.compactMapValues { $0.count == 1 ? $0.first : nil }.filter { name, _ in
            name.count >= 4 && declared[name] == nil && anywhere[name] == 1 && extended[name, default: []].allSatisfy { declared[$0] == nil }
        }
        var uses: [String: [String: Set<String>]] = [:]
        for f in files {
            uses[f.folder, default: [:]] = uses[f.folder] ?? [:]
            let words = Set(all(#"\b[A-Za-z_]\w*\b"#, f.text, options: []).map { $0[0] })
            for w in words { if let g = owner[w], g != f.folder { uses[f.folder, default: [:]][g, default: []].insert("\(w)@\(f.file)") } }
            let calls = Set(all(#"\.([A-Za-z_]\w*)\b"#, f.text, options: []).map { $0[1] })
            for c in calls { if let g = memberOwner[c], g != f.folder { uses[f.folder, default: [:]][g, default: []].insert(".\(c)@\(f.file)") } }
        }
        return uses
    }

    /// The code without comments and string literals (a word in a message is not a use).
    static func strip(_ text: String) -> String {
        var s = text
        for (pattern, with) in [(#"//[^\n]*"#, ""), (#"\"\"\"[\s\S]*?\"\"\""#, "\"\""), (#"\"(?:\\.|[^\"\\\n])*\""#, "\"\"")] {
            s = s.replacingOccurrences(of: pattern, with: with, options: .regularExpression)
        }
        return s
    }
}
