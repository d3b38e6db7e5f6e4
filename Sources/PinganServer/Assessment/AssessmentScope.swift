import Fluent

// How the records of this feature belong to a place in the tree (`ScopedModel`, Auth/Scope.swift): the grain of each
// table — what a grid worker sees of it — is decided here, beside the models, and applied by the one scope API.

extension Cadre: ScopedModel {
    static var communityKey: KeyPath<Cadre, FieldProperty<Cadre, Int>> { \.$communityID }
    static var gridKey: KeyPath<Cadre, OptionalFieldProperty<Cadre, Int>>? { \.$gridID }
    var scopeCommunityID: Int { communityID }
    var scopeGridID: Int? { gridID }
}

extension ResponsibilityLetter: ScopedModel {
    static var communityKey: KeyPath<ResponsibilityLetter, FieldProperty<ResponsibilityLetter, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}

extension FourCheck: ScopedModel {
    static var communityKey: KeyPath<FourCheck, FieldProperty<FourCheck, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
