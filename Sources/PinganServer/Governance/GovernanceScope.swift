import Fluent

// How the records of this feature belong to a place in the tree (`ScopedModel`, Auth/Scope.swift): the grain of each
// table — what a grid worker sees of it — is decided here, beside the models, and applied by the one scope API.

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
