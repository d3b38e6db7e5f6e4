import Fluent

// How the records of this feature belong to a place in the tree (`ScopedModel`, Auth/Scope.swift): the grain of each
// table — what a grid worker sees of it — is decided here, beside the models, and applied by the one scope API.

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
