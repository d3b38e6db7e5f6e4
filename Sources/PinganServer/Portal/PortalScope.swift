import Fluent

// How the records of this feature belong to a place in the tree (`ScopedModel`, Auth/Scope.swift): the grain of each
// table — what a grid worker sees of it — is decided here, beside the models, and applied by the one scope API.

extension PortalRequest: ScopedModel {
    static var communityKey: KeyPath<PortalRequest, FieldProperty<PortalRequest, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}

/// A subscription belongs to the community whose notices it receives.
extension NoticeSubscription: ScopedModel {
    static var communityKey: KeyPath<NoticeSubscription, FieldProperty<NoticeSubscription, Int>> { \.$communityID }
    var scopeCommunityID: Int { communityID }
}
