import Fluent

// How the records of this feature belong to a place in the tree (`ScopedModel`, Auth/Scope.swift): the grain of each
// table — what a grid worker sees of it — is decided here, beside the models, and applied by the one scope API.

// Grid grain: a grid worker sees the records of their grids.
extension Incident: ScopedModel {
    static var communityKey: KeyPath<Incident, FieldProperty<Incident, Int>> { \.$communityID }
    static var gridKey: KeyPath<Incident, OptionalFieldProperty<Incident, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}
