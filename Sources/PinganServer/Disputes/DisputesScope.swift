import Fluent

// How the records of this feature belong to a place in the tree (`ScopedModel`, Auth/Scope.swift): the grain of each
// table — what a grid worker sees of it — is decided here, beside the models, and applied by the one scope API.

extension Dispute: ScopedModel {
    static var communityKey: KeyPath<Dispute, FieldProperty<Dispute, Int>> { \.$communityID }
    static var gridKey: KeyPath<Dispute, OptionalFieldProperty<Dispute, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}
