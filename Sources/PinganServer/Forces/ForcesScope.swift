import Fluent

// How the records of this feature belong to a place in the tree (`ScopedModel`, Auth/Scope.swift): the grain of each
// table — what a grid worker sees of it — is decided here, beside the models, and applied by the one scope API.

extension Inspection: ScopedModel {
    static var communityKey: KeyPath<Inspection, FieldProperty<Inspection, Int>> { \.$communityID }
    static var gridKey: KeyPath<Inspection, OptionalFieldProperty<Inspection, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}

// Community grain: a grid worker sees none of these.
extension WorkLog: ScopedModel {
    /// An officer's log belongs to the officer's home community, wherever the day's work took place.
    static var communityKey: KeyPath<WorkLog, FieldProperty<WorkLog, Int>> { \.$homeCommunityID }
    var scopeCommunityID: Int { homeCommunityID }
}

extension Team: ScopedModel {
    static var communityKey: KeyPath<Team, FieldProperty<Team, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}

extension TeamMember: ScopedModel {
    static var communityKey: KeyPath<TeamMember, FieldProperty<TeamMember, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}

extension TrainingSessionRecord: ScopedModel {
    static var communityKey: KeyPath<TrainingSessionRecord, FieldProperty<TrainingSessionRecord, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}

extension PatrolPlanRecord: ScopedModel {
    static var communityKey: KeyPath<PatrolPlanRecord, FieldProperty<PatrolPlanRecord, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}

extension PatrolLogRecord: ScopedModel {
    static var communityKey: KeyPath<PatrolLogRecord, FieldProperty<PatrolLogRecord, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}

extension DutySlotRecord: ScopedModel {
    static var communityKey: KeyPath<DutySlotRecord, FieldProperty<DutySlotRecord, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}

extension LeaderAssignmentRecord: ScopedModel {
    static var communityKey: KeyPath<LeaderAssignmentRecord, FieldProperty<LeaderAssignmentRecord, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}

extension AssessmentEntry: ScopedModel {
    static var communityKey: KeyPath<AssessmentEntry, FieldProperty<AssessmentEntry, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
