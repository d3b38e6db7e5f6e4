import XCTest

/// Scoping is the one rule that must never be wrong, so no query of a scoped table may be built by hand.
/// The scoped tables are read from the `extension X: ScopedModel` conformances (`<Feature>/<Feature>Scope.swift`; a new `ScopedModel` is linted without touching this
/// test). A query of one of them passes when its statement goes through the scope API (`req.scoped`, `findScoped`,
/// `visible`, `restrict…`, or a filter type whose `apply` does), or when the line or the one above carries
/// `// unscoped: <reason>` — district-wide computations, imports that check the whole district for duplicates.
/// The demo seeder (`Demo/`) writes as the system and is not linted.
final class ScopeLintTests: XCTestCase {
    static let sources: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/PinganServer")

    static func swiftFiles() throws -> [(path: String, lines: [String])] {
        let fm = FileManager.default
        guard let e = fm.enumerator(at: sources, includingPropertiesForKeys: nil) else { return [] }
        var out: [(String, [String])] = []
        for case let url as URL in e where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            out.append((url.path.replacingOccurrences(of: sources.path + "/", with: ""), text.components(separatedBy: "\n")))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// Model names and table names of every `ScopedModel`.
    static func scopedTables(_ files: [(path: String, lines: [String])]) -> (models: [String], tables: [String]) {
        let all = files.flatMap(\.lines)
        let models = all.compactMap { line -> String? in
            guard let r = line.range(of: #"^extension (\w+): ScopedModel"#, options: .regularExpression) else { return nil }
            return String(line[r].dropFirst("extension ".count).prefix { $0 != ":" })
        }
        var tables: [String] = []
        for (i, line) in all.enumerated() {
            for m in models where line.contains("final class \(m): Model") {
                for l in all[i..<min(i + 4, all.count)] {
                    if let r = l.range(of: #"schema = "(\w+)""#, options: .regularExpression) {
                        tables.append(String(l[r]).components(separatedBy: "\"")[1]); break
                    }
                }
            }
        }
        return (models, tables)
    }

    /// A call that narrows to the scope.
    static let scoping = try! NSRegularExpression(pattern: #"[rR]estrict\w*\(|req\.scoped\(|findScoped\(|req\.visible\("#)

    static func matches(_ re: NSRegularExpression, _ s: String) -> Bool { re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil }

    /// Whether the query started on `lines[i]` goes through the scope API: in its own builder chain, or — when it is
    /// held in a variable (`let q = …`, `q.from(…)`) — when that variable is passed to a restrict call a few lines on.
    static func isScoped(_ lines: [String], at start: Int) -> Bool {
        var i = start
        while i > 0, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(".") { i -= 1 }  // a chain's continuation line
        var chain = [lines[i]]
        var j = i + 1
        while j < lines.count, j <= i + 6, lines[j].trimmingCharacters(in: .whitespaces).hasPrefix(".") { chain.append(lines[j]); j += 1 }
        if matches(scoping, chain.joined(separator: "\n")) { return true }
        let line = lines[i]
        var variable: String?
        if let r = line.range(of: #"(let|var) \w+ = "#, options: .regularExpression) { variable = line[r].split(separator: " ")[1].description }
        else if let r = line.range(of: #"^\s*\w+\.from\("#, options: .regularExpression) { variable = line[r].trimmingCharacters(in: .whitespaces).components(separatedBy: ".")[0] }
        guard let v = variable else { return false }
        let after = lines[i..<min(i + 12, lines.count)].joined(separator: "\n")
        return after.range(of: #"[rR]estrict\w*\(\#(v)\b"#, options: .regularExpression) != nil
    }

    func testScopedTablesAreOnlyQueriedThroughTheScopeAPI() throws {
        let files = try Self.swiftFiles()
        XCTAssertFalse(files.isEmpty, "no sources found at \(Self.sources.path)")
        let (models, tables) = Self.scopedTables(files)
        XCTAssertGreaterThanOrEqual(models.count, 15, "no ScopedModel conformances found (the <Feature>Scope.swift files)")
        XCTAssertEqual(models.count, tables.count, "a scoped model's schema was not found: \(models) vs \(tables)")
        // Whole names only: `Team.query(on:` must not match `ResponseTeam.query(on:` (another model, another table).
        func word(_ s: String) -> NSRegularExpression { try! NSRegularExpression(pattern: #"(?<![A-Za-z0-9_])"# + NSRegularExpression.escapedPattern(for: s)) }
        var patterns = models.flatMap { [word("\($0).query(on:"), word("\($0).find(")] }
        patterns += tables.flatMap { [word("from(\"\($0)\")"), word("FROM \($0) "), word("from \($0) ")] }
        var offenders: [String] = []
        for (path, lines) in files where !path.hasPrefix("Auth/Scope") && !path.hasPrefix("Demo/") {
            for (i, line) in lines.enumerated() where patterns.contains(where: { Self.matches($0, line) }) {
                let code = line.components(separatedBy: "//").first ?? line
                guard patterns.contains(where: { Self.matches($0, code) }) else { continue }
                var start = i
                while start > 0, lines[start].trimmingCharacters(in: .whitespaces).hasPrefix(".") { start -= 1 }
                let marked = line.contains("// unscoped:") || (start > 0 && lines[start - 1].contains("// unscoped:"))
                if marked || Self.isScoped(lines, at: i) { continue }
                offenders.append("\(path):\(i + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        XCTAssertEqual(offenders, [], "queries of scoped tables built without the scope API (use req.scoped / findScoped / scope.restrict, or say why with // unscoped:)")
    }
}
