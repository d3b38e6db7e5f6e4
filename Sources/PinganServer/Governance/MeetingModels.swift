import Fluent
import SQLKit
import Vapor
import PinganKit

/// A joint situation meeting (形势分析会 / 联席会议) of a street — or of the district — with its agenda as the product
/// counted it, its minutes, and the decisions taken (`MeetingAction`). Visible to the whole-district roles and to anyone
/// who works in one of the street's communities.
final class Meeting: Model, @unchecked Sendable {
    static let schema = "meetings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: MeetingKind
    /// A street (its leader and the station chief) or the district itself (district-level joint meetings).
    @Field(key: "area_division_id") var areaDivisionID: Int
    @Field(key: "held_on") var heldOn: String
    @Field(key: "title") var title: String
    @Field(key: "attendees") var attendees: String
    /// `[AgendaLine]` as JSON, counted when the meeting was recorded.
    @Field(key: "agenda") var agenda: String
    @Field(key: "minutes") var minutes: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var agendaLines: [AgendaLine] { (try? JSONDecoder().decode([AgendaLine].self, from: Data(agenda.utf8))) ?? [] }
}

/// 决定事项: a decision turned into work with an owner and a deadline, linked to what it is about, tracked to done.
final class MeetingAction: Model, @unchecked Sendable {
    static let schema = "meeting_actions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "meeting_id") var meetingID: Int
    @Field(key: "text") var text: String
    @Field(key: "owner") var owner: String
    /// The owner's account, when the owner is someone who signs in: told when the item is recorded and on each 督办,
    /// and may report it done themselves.
    @OptionalField(key: "owner_user_id") var ownerUserID: Int?
    /// 督办: how many times the item was chased and when last (at most once a day).
    @Field(key: "reminders") var reminders: Int
    @OptionalField(key: "last_reminded_at") var lastRemindedAt: Date?
    @Field(key: "due_on") var dueOn: String
    /// The list the decision is about (one of the agenda's topics) and its community's name; empty when about nothing listed.
    @Field(key: "about_path") var aboutPath: String
    @Field(key: "about_label") var aboutLabel: String
    @OptionalField(key: "done_on") var doneOn: String?
    @Field(key: "done_note") var doneNote: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    func state(today: String) -> ActionItemState { ActionItemState.of(dueOn: dueOn, doneOn: doneOn, today: today) }
    /// "德兴社区 · 有风险的在办纠纷", in the reader's language.
    func aboutText(_ L: Lang) -> String {
        guard let t = AgendaLine.topicName(path: aboutPath) else { return aboutLabel }
        return aboutLabel + " · " + L.t(t.zh, t.en)
    }
}

struct CreateMeetings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("meetings")
            .field("id", .int, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("area_division_id", .int, .required, .references("divisions", "id"))
            .field("held_on", .string, .required)
            .field("title", .string, .required)
            .field("attendees", .string, .required)
            .field("agenda", .string, .required)
            .field("minutes", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await db.schema("meeting_actions")
            .field("id", .int, .identifier(auto: true))
            .field("meeting_id", .int, .required, .references("meetings", "id"))
            .field("text", .string, .required)
            .field("owner", .string, .required)
            .field("due_on", .string, .required)
            .field("about_path", .string, .required)
            .field("about_label", .string, .required)
            .field("done_on", .string)
            .field("done_note", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX meetings_area ON meetings (area_division_id, held_on)").run()
            try await sql.raw("CREATE INDEX meeting_actions_meeting ON meeting_actions (meeting_id)").run()
            try await sql.raw("CREATE INDEX meeting_actions_due ON meeting_actions (done_on, due_on)").run()
        }
    }
    func revert(on db: any Database) async throws {
        try await db.schema("meeting_actions").delete()
        try await db.schema("meetings").delete()
    }
}

struct MeetingActionDTO: Content {
    var id: Int, meetingID: Int, text: String, owner: String, dueOn: String, state: ActionItemState
    var aboutPath: String?, aboutLabel: String?, doneOn: String?, doneNote: String
    var ownerUserID: Int?, reminders: Int, lastRemindedAt: Date?
    init(_ a: MeetingAction, today: String) {
        id = a.id ?? 0; meetingID = a.meetingID; text = a.text; owner = a.owner; dueOn = a.dueOn; state = a.state(today: today)
        aboutPath = a.aboutPath.isEmpty ? nil : a.aboutPath; aboutLabel = a.aboutLabel.isEmpty ? nil : a.aboutLabel
        doneOn = a.doneOn; doneNote = a.doneNote
        ownerUserID = a.ownerUserID; reminders = a.reminders; lastRemindedAt = a.lastRemindedAt
    }
}

/// An action item's owner account and its 督办 count (reminders).
struct AddMeetingActionOwners: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await db.schema("meeting_actions").field("owner_user_id", .int, .references("users", "id")).update()
        try await db.schema("meeting_actions").field("reminders", .int, .required, .sql(.default(0))).update()
        try await db.schema("meeting_actions").field("last_reminded_at", .datetime).update()
    }
    func revert(on db: any Database) async throws {
        for f in ["last_reminded_at", "reminders", "owner_user_id"] { try await db.schema("meeting_actions").deleteField(FieldKey(stringLiteral: f)).update() }
    }
}

struct MeetingDTO: Content {
    var id: Int, kind: MeetingKind, areaDivisionID: Int, area: String?, heldOn: String, title: String, attendees: String, minutes: String
    var agenda: [AgendaLine]
    var actions: [MeetingActionDTO]?
    init(_ m: Meeting, area: String?, actions: [MeetingAction]?, today: String) {
        id = m.id ?? 0; kind = m.kind; areaDivisionID = m.areaDivisionID; self.area = area; heldOn = m.heldOn; title = m.title
        attendees = m.attendees; minutes = m.minutes; agenda = m.agendaLines; self.actions = actions?.map { MeetingActionDTO($0, today: today) }
    }
}
