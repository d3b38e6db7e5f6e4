import Fluent

// Every kind of record that belongs to a place in the tree, and how it is attached. One list, so the grain of each
// table (what a grid worker sees of it) is decided here and nowhere else.

// Grid grain: a grid worker sees the records of their grids.
extension Incident: ScopedModel {
    static var communityKey: KeyPath<Incident, FieldProperty<Incident, Int>> { \.$communityID }
    static var gridKey: KeyPath<Incident, OptionalFieldProperty<Incident, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}
extension Person: ScopedModel {
    static var communityKey: KeyPath<Person, FieldProperty<Person, Int>> { \.$communityID }
    static var gridKey: KeyPath<Person, OptionalFieldProperty<Person, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}
extension Site: ScopedModel {
    static var communityKey: KeyPath<Site, FieldProperty<Site, Int>> { \.$communityID }
    static var gridKey: KeyPath<Site, OptionalFieldProperty<Site, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}
extension Dispute: ScopedModel {
    static var communityKey: KeyPath<Dispute, FieldProperty<Dispute, Int>> { \.$communityID }
    static var gridKey: KeyPath<Dispute, OptionalFieldProperty<Dispute, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}
extension Inspection: ScopedModel {
    static var communityKey: KeyPath<Inspection, FieldProperty<Inspection, Int>> { \.$communityID }
    static var gridKey: KeyPath<Inspection, OptionalFieldProperty<Inspection, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}
extension Cadre: ScopedModel {
    static var communityKey: KeyPath<Cadre, FieldProperty<Cadre, Int>> { \.$communityID }
    static var gridKey: KeyPath<Cadre, OptionalFieldProperty<Cadre, Int>>? { \.$gridID }
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
extension PortalRequest: ScopedModel {
    static var communityKey: KeyPath<PortalRequest, FieldProperty<PortalRequest, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
extension LeaderAssignmentRecord: ScopedModel {
    static var communityKey: KeyPath<LeaderAssignmentRecord, FieldProperty<LeaderAssignmentRecord, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
extension ResponsibilityLetter: ScopedModel {
    static var communityKey: KeyPath<ResponsibilityLetter, FieldProperty<ResponsibilityLetter, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
extension FourCheck: ScopedModel {
    static var communityKey: KeyPath<FourCheck, FieldProperty<FourCheck, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
extension AssessmentEntry: ScopedModel {
    static var communityKey: KeyPath<AssessmentEntry, FieldProperty<AssessmentEntry, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
extension GridEvent: ScopedModel {
    static var communityKey: KeyPath<GridEvent, FieldProperty<GridEvent, Int>> { \.$communityID }
    static var gridKey: KeyPath<GridEvent, OptionalFieldProperty<GridEvent, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}
/// Petitions belong to a community as a whole: grid workers see none.
extension Petition: ScopedModel {
    static var communityKey: KeyPath<Petition, FieldProperty<Petition, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
/// The group registry belongs to a community as a whole.
extension CommunityGroup: ScopedModel {
    static var communityKey: KeyPath<CommunityGroup, FieldProperty<CommunityGroup, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
/// A community's integrated office: the community as a whole.
extension IntegratedOffice: ScopedModel {
    static var communityKey: KeyPath<IntegratedOffice, FieldProperty<IntegratedOffice, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
/// A campaign's place belongs to its community as a whole; its campaign must be visible too (CampaignController.target).
extension CampaignTarget: ScopedModel {
    static var communityKey: KeyPath<CampaignTarget, FieldProperty<CampaignTarget, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
/// A resident's notice belongs to its request's community.
extension OutboxMessage: ScopedModel {
    static var communityKey: KeyPath<OutboxMessage, FieldProperty<OutboxMessage, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
