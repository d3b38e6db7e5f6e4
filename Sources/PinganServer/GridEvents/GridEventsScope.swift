import Fluent

// How the records of this feature belong to a place in the tree (`ScopedModel`, Auth/Scope.swift): the grain of each
// table — what a grid worker sees of it — is decided here, beside the models, and applied by the one scope API.

extension GridEvent: ScopedModel {
    static var communityKey: KeyPath<GridEvent, FieldProperty<GridEvent, Int>> { \.$communityID }
    static var gridKey: KeyPath<GridEvent, OptionalFieldProperty<GridEvent, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}
