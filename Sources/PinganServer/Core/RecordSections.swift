import Vapor

/// Sections another feature adds to a record's page — the dispute files linked to an incident, say — so the record's
/// feature shows them without depending on the feature that owns them (issue 24 §5: no two-way dependency between
/// folders). The composition root (`App/`) registers them at start; each section applies its own permission and scope,
/// and answers nil when it has nothing to show.
struct RecordSections: Sendable {
    enum Record: String, Sendable { case incident }
    typealias Section = @Sendable (Request, _ id: Int) async throws -> Node?
    private var sections: [Record: [Section]] = [:]

    mutating func add(_ record: Record, _ section: @escaping Section) { sections[record, default: []].append(section) }

    /// The sections for one record, in the order they were added.
    func render(_ record: Record, _ req: Request, id: Int) async throws -> Node {
        var out: [Node] = []
        for s in sections[record] ?? [] { if let n = try await s(req, id) { out.append(n) } }
        return .group(out)
    }
}

private struct RecordSectionsKey: StorageKey { typealias Value = RecordSections }

extension Application {
    var recordSections: RecordSections {
        get { storage[RecordSectionsKey.self] ?? RecordSections() }
        set { storage[RecordSectionsKey.self] = newValue }
    }
}
