/// Every column that holds a value sealed with `FieldCipher`, with the blind index computed from the same value.
/// Key rotation re-seals exactly these, the key check tests a key against them; a new sealed column is added here.
///
/// Not here, because they cannot be rebuilt: `perception_responses.respondent_key` is a blind index of a phone or a
/// tracking code that is not kept (it only stops a second answer in the same quarter) — after a rotation one more
/// answer in the current quarter is possible (docs/security.md).
struct SealedColumn: Sendable {
    var table: String
    var sealed: String
    /// The blind index beside it, and the field name its HMAC is namespaced with.
    var index: String? = nil
    var indexField: String? = nil
}

enum SealedColumns {
    static let all: [SealedColumn] = [
        .init(table: "people", sealed: "id_number_sealed", index: "id_number_index", indexField: "id_number"),
        .init(table: "people", sealed: "phone_sealed", index: "phone_index", indexField: "phone"),
        .init(table: "sites", sealed: "contact_phone_sealed", index: "contact_phone_index", indexField: "phone"),
        .init(table: "portal_requests", sealed: "phone_sealed", index: "phone_index", indexField: "portal_phone"),
        .init(table: "portal_requests", sealed: "name_sealed"),
        .init(table: "portal_requests", sealed: "email_sealed"),
        .init(table: "outbox_messages", sealed: "recipient_sealed"),
        .init(table: "notice_subscriptions", sealed: "address_sealed", index: "address_index", indexField: "notice_subscription"),
        .init(table: "team_members", sealed: "phone_sealed"),
        .init(table: "push_member_receipts", sealed: "phone_sealed"),
        // Two-step verification secrets (docs/authentication.md): a rotation that missed them would lock their owners out.
        .init(table: "users", sealed: "totp_secret"),
        .init(table: "users", sealed: "totp_pending"),
    ]

    /// Tables in a fixed order, each with its columns.
    static var byTable: [(table: String, columns: [SealedColumn])] {
        var out: [(String, [SealedColumn])] = []
        for c in all {
            if let i = out.firstIndex(where: { $0.0 == c.table }) { out[i].1.append(c) } else { out.append((c.table, [c])) }
        }
        return out
    }
}
