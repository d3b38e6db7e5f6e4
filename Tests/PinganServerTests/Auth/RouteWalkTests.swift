import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Walks every registered route with every role, in scope and out of scope. A route added
/// without an entry here fails the suite, so nothing ships unscoped by accident.
final class RouteWalkTests: XCTestCase {
    enum Target { case none, incident, division, user, person, site, dispute, alert, officer, inspection, leader, disputeAttachment, team, patrolPlan, patrolLog, training, duty, cadre, letter, portalRequest, portalType, portalNotice, station, office, importJob, siteImportJob, incidentImportJob, gridEvent, photo, unit, category, calendarDay, patrolFinding, pushMessage, inboxCopy, petition, meeting, meetingAction, group, officeCommunity, campaign, campaignTarget, staffNotice, outboxMessage, emergencyPlan, emergencyDrill, emergencyDrillAction, emergencyActivation }
    /// `also`: a second permission the route needs (taking a patrol finding up as an event needs to see patrols and to report events).
    struct Rule { var permission: Permission?; var target: Target = .none; var isPublic = false; var also: Permission? = nil }

    static let rules: [String: Rule] = [
        "GET health": .init(permission: nil, isPublic: true),
        "GET static/app.css": .init(permission: nil, isPublic: true),
        "GET static/app.js": .init(permission: nil, isPublic: true),
        "GET static/map.js": .init(permission: nil, isPublic: true),
        "GET static/favicon.svg": .init(permission: nil, isPublic: true),
        "GET map": .init(permission: .viewJurisdiction),
        "GET api/v1/map/layers/divisions": .init(permission: .viewJurisdiction),
        "GET api/v1/map/layers/incidents": .init(permission: .viewIncidents),
        "GET api/v1/map/layers/requests": .init(permission: .viewPortal),
        "GET api/v1/map/layers/sites": .init(permission: .viewRegistry),
        "GET api/v1/map/layers/disputes": .init(permission: .viewDisputes),
        "GET api/v1/map/layers/hotspots": .init(permission: .viewAnalysis),
        "GET api/v1/map/layers/patrols": .init(permission: .viewTeams),
        "GET api/v1/map/layers/events": .init(permission: .viewGridEvents),
        "GET api/v1/map/locate": .init(permission: .viewJurisdiction),
        "GET api/v1/map/places": .init(permission: .viewJurisdiction),
        "GET api/public/map/communities": .init(permission: nil, isPublic: true),
        "GET api/public/map/locate": .init(permission: nil, isPublic: true),
        "GET events": .init(permission: .viewGridEvents),
        "GET events/export.csv": .init(permission: .viewGridEvents),
        "GET events/new": .init(permission: .reportGridEvents),
        "POST events": .init(permission: .reportGridEvents),
        "GET events/desk": .init(permission: .dispatchGridEvents),
        "GET events/evaluation": .init(permission: .viewGridEvents),
        "GET events/evaluation.csv": .init(permission: .viewGridEvents),
        "GET events/:id": .init(permission: .viewGridEvents, target: .gridEvent),
        "POST events/:id/actions": .init(permission: .viewGridEvents, target: .gridEvent),
        "GET api/v1/events": .init(permission: .viewGridEvents),
        "POST api/v1/events": .init(permission: .reportGridEvents),
        "GET api/v1/events/evaluation": .init(permission: .viewGridEvents),
        "GET api/v1/events/:id": .init(permission: .viewGridEvents, target: .gridEvent),
        "POST api/v1/events/:id/actions": .init(permission: .viewGridEvents, target: .gridEvent),
        "GET api/v1/event-categories": .init(permission: .viewGridEvents),
        "GET api/v1/units": .init(permission: .viewGridEvents),
        "POST forces/patrols/findings/:id/event": .init(permission: .reportGridEvents, target: .patrolFinding, also: .viewTeams),
        "POST api/v1/patrols/findings/:id/event": .init(permission: .reportGridEvents, target: .patrolFinding, also: .viewTeams),
        "POST forces/inspections/:id/event": .init(permission: .reportGridEvents, target: .inspection, also: .viewForces),
        "POST api/v1/inspections/:id/event": .init(permission: .reportGridEvents, target: .inspection, also: .viewForces),
        "GET events/settings": .init(permission: .configureGridEvents),
        "GET events/settings/units": .init(permission: .configureGridEvents),
        "POST events/settings/units": .init(permission: .configureGridEvents),
        "GET events/settings/units/:id": .init(permission: .configureGridEvents, target: .unit),
        "POST events/settings/units/:id": .init(permission: .configureGridEvents, target: .unit),
        "GET events/settings/categories": .init(permission: .configureGridEvents),
        "POST events/settings/categories": .init(permission: .configureGridEvents),
        "GET events/settings/categories/:code": .init(permission: .configureGridEvents, target: .category),
        "POST events/settings/categories/:code": .init(permission: .configureGridEvents, target: .category),
        "GET events/settings/limits": .init(permission: .configureGridEvents),
        "POST events/settings/limits": .init(permission: .configureGridEvents),
        "GET events/settings/calendar": .init(permission: .configureGridEvents),
        "POST events/settings/calendar/hours": .init(permission: .configureGridEvents),
        "POST events/settings/calendar/days": .init(permission: .configureGridEvents),
        "POST events/settings/calendar/days/:day/delete": .init(permission: .configureGridEvents, target: .calendarDay),
        "POST events/settings/calendar/years": .init(permission: .configureGridEvents),
        "GET api/v1/events/settings": .init(permission: .configureGridEvents),
        "PUT api/v1/events/settings": .init(permission: .configureGridEvents),
        "POST api/v1/units": .init(permission: .configureGridEvents),
        "PATCH api/v1/units/:id": .init(permission: .configureGridEvents, target: .unit),
        "POST api/v1/event-categories": .init(permission: .configureGridEvents),
        "PATCH api/v1/event-categories/:code": .init(permission: .configureGridEvents, target: .category),
        "GET photos/:id": .init(permission: nil, target: .photo),
        "GET photos/:id/thumb": .init(permission: nil, target: .photo),
        "GET photos/:id/original": .init(permission: nil, target: .photo),
        "POST photos/:id/moderation": .init(permission: .dispatchGridEvents, target: .photo),
        "GET public/photos/:id": .init(permission: nil, isPublic: true),
        "POST public/track/:token/rate": .init(permission: nil, isPublic: true),
        "POST api/public/requests/:token/rating": .init(permission: nil, isPublic: true),
        "GET login": .init(permission: nil, isPublic: true),
        "POST login": .init(permission: nil, isPublic: true),
        "GET login/code": .init(permission: nil, isPublic: true),
        "POST login/code": .init(permission: nil, isPublic: true),
        "POST logout": .init(permission: nil, isPublic: true),
        "GET ": .init(permission: nil),
        "GET api/v1/desk": .init(permission: nil),
        // Search is open to every signed-in role; what it lists is narrowed kind by kind (SearchTests).
        "GET search": .init(permission: nil),
        "GET api/v1/search": .init(permission: nil),
        "GET overview": .init(permission: .viewIncidents),
        "GET jurisdiction": .init(permission: .viewJurisdiction),
        "GET jurisdiction/:id": .init(permission: .viewJurisdiction, target: .division),
        "GET jurisdiction/:id/edit": .init(permission: .editJurisdiction, target: .division),
        "POST jurisdiction/:id": .init(permission: .editJurisdiction, target: .division),
        "GET api/v1/divisions": .init(permission: .viewJurisdiction),
        "GET api/v1/divisions/:id": .init(permission: .viewJurisdiction, target: .division),
        "PATCH api/v1/divisions/:id": .init(permission: .editJurisdiction, target: .division),
        "GET incidents": .init(permission: .viewIncidents),
        "GET incidents/export.csv": .init(permission: .viewIncidents),
        "GET incidents/new": .init(permission: .editIncidents),
        "POST incidents": .init(permission: .editIncidents),
        "GET incidents/:id": .init(permission: .viewIncidents, target: .incident),
        "GET incidents/:id/edit": .init(permission: .editIncidents, target: .incident),
        "POST incidents/:id": .init(permission: .editIncidents, target: .incident),
        "POST incidents/:id/status": .init(permission: .editIncidents, target: .incident),
        "POST incidents/:id/followups": .init(permission: .editIncidents, target: .incident),
        "GET api/v1/incidents": .init(permission: .viewIncidents),
        "GET api/v1/incidents/export.csv": .init(permission: .viewIncidents),
        "POST api/v1/incidents": .init(permission: .editIncidents),
        "GET api/v1/incidents/:id": .init(permission: .viewIncidents, target: .incident),
        "PATCH api/v1/incidents/:id": .init(permission: .editIncidents, target: .incident),
        "POST api/v1/incidents/:id/transitions": .init(permission: .editIncidents, target: .incident),
        "POST api/v1/incidents/:id/followups": .init(permission: .editIncidents, target: .incident),
        "GET api/v1/incident-subcategories": .init(permission: .viewIncidents),
        "GET people": .init(permission: .viewRegistry),
        "GET people/export.csv": .init(permission: .viewRegistry),
        "GET people/new": .init(permission: .editRegistry),
        "GET people/import": .init(permission: .editRegistry),
        "POST people/import": .init(permission: .editRegistry),
        "POST api/v1/people/import": .init(permission: .editRegistry),
        "POST people": .init(permission: .editRegistry),
        "GET people/:id": .init(permission: .viewRegistry, target: .person),
        "GET people/:id/edit": .init(permission: .editRegistry, target: .person),
        "POST people/:id": .init(permission: .editRegistry, target: .person),
        "POST people/:id/reveal": .init(permission: .revealIdentity, target: .person),
        "GET api/v1/people": .init(permission: .viewRegistry),
        "GET api/v1/people/export.csv": .init(permission: .viewRegistry),
        "POST api/v1/people": .init(permission: .editRegistry),
        "GET api/v1/people/:id": .init(permission: .viewRegistry, target: .person),
        "PATCH api/v1/people/:id": .init(permission: .editRegistry, target: .person),
        "POST api/v1/people/:id/reveal": .init(permission: .revealIdentity, target: .person),
        "GET sites": .init(permission: .viewRegistry),
        "GET sites/export.csv": .init(permission: .viewRegistry),
        "GET sites/new": .init(permission: .editRegistry),
        "GET sites/import": .init(permission: .editRegistry),
        "POST sites/import": .init(permission: .editRegistry),
        "POST sites": .init(permission: .editRegistry),
        "GET sites/:id": .init(permission: .viewRegistry, target: .site),
        "GET sites/:id/edit": .init(permission: .editRegistry, target: .site),
        "POST sites/:id": .init(permission: .editRegistry, target: .site),
        "POST sites/:id/members": .init(permission: .editRegistry, target: .site),
        "POST sites/:id/members/remove": .init(permission: .editRegistry, target: .site),
        "GET api/v1/sites": .init(permission: .viewRegistry),
        "GET api/v1/sites/export.csv": .init(permission: .viewRegistry),
        "POST api/v1/sites": .init(permission: .editRegistry),
        "POST api/v1/sites/import": .init(permission: .editRegistry),
        "GET api/v1/sites/:id": .init(permission: .viewRegistry, target: .site),
        "PATCH api/v1/sites/:id": .init(permission: .editRegistry, target: .site),
        "GET api/v1/sites/:id/members": .init(permission: .viewRegistry, target: .site),
        "POST api/v1/sites/:id/members": .init(permission: .editRegistry, target: .site),
        "POST api/v1/sites/:id/members/remove": .init(permission: .editRegistry, target: .site),
        "GET api/v1/site-kinds": .init(permission: .viewRegistry),
        "GET survey": .init(permission: .viewRegistry),
        "GET survey/export.csv": .init(permission: .viewRegistry),
        "GET api/v1/survey": .init(permission: .viewRegistry),
        "GET admin/audit": .init(permission: .viewAudit),
        "GET admin/audit/export.csv": .init(permission: .viewAudit),
        "GET api/v1/audit": .init(permission: .viewAudit),
        "GET account": .init(permission: nil),
        // Targeted push: everyone has an inbox (their own copies only); sending and following needs sendMessages.
        "GET inbox": .init(permission: nil),
        "GET inbox/:id": .init(permission: nil, target: .inboxCopy),
        "POST inbox/:id/done": .init(permission: nil, target: .inboxCopy),
        "GET api/v1/inbox": .init(permission: nil),
        "GET notifications": .init(permission: nil),
        "GET notifications/:id": .init(permission: nil, target: .staffNotice),
        "POST notifications/read-all": .init(permission: nil),
        "GET api/v1/notifications": .init(permission: nil),
        "POST api/v1/notifications/:id/read": .init(permission: nil, target: .staffNotice),
        "POST api/v1/notifications/read-all": .init(permission: nil),
        "GET portal/outbox": .init(permission: .viewPortal),
        "POST portal/outbox/:id/retry": .init(permission: .handlePortal, target: .outboxMessage),
        "GET api/v1/portal/outbox": .init(permission: .viewPortal),
        "POST api/v1/portal/outbox/:id/retry": .init(permission: .handlePortal, target: .outboxMessage),
        "GET api/v1/inbox/:id": .init(permission: nil, target: .inboxCopy),
        "POST api/v1/inbox/:id/done": .init(permission: nil, target: .inboxCopy),
        "GET messages": .init(permission: .sendMessages),
        "GET messages/new": .init(permission: .sendMessages),
        "POST messages": .init(permission: .sendMessages),
        "GET messages/:id": .init(permission: .sendMessages, target: .pushMessage),
        "GET messages/:id/receipts.csv": .init(permission: .sendMessages, target: .pushMessage),
        "POST messages/:id/remind": .init(permission: .sendMessages, target: .pushMessage),
        "GET api/v1/messages": .init(permission: .sendMessages),
        "POST api/v1/messages": .init(permission: .sendMessages),
        "GET api/v1/messages/:id": .init(permission: .sendMessages, target: .pushMessage),
        "POST api/v1/messages/:id/remind": .init(permission: .sendMessages, target: .pushMessage),
        // Governance office (综治): petitions, community grain.
        "GET governance": .init(permission: .viewGovernance),
        "GET governance/petitions": .init(permission: .viewGovernance),
        "GET governance/petitions/export.csv": .init(permission: .viewGovernance),
        "GET governance/petitions/new": .init(permission: .editGovernance),
        "POST governance/petitions": .init(permission: .editGovernance),
        "GET governance/petitions/stats": .init(permission: .viewGovernance),
        "GET governance/petitions/:id": .init(permission: .viewGovernance, target: .petition),
        "GET governance/petitions/:id/edit": .init(permission: .editGovernance, target: .petition),
        "POST governance/petitions/:id/edit": .init(permission: .editGovernance, target: .petition),
        "POST governance/petitions/:id/conclude": .init(permission: .editGovernance, target: .petition),
        "GET api/v1/petitions": .init(permission: .viewGovernance),
        "POST api/v1/petitions": .init(permission: .editGovernance),
        "GET api/v1/petitions/stats": .init(permission: .viewGovernance),
        "GET api/v1/petitions/:id": .init(permission: .viewGovernance, target: .petition),
        "PATCH api/v1/petitions/:id": .init(permission: .editGovernance, target: .petition),
        "POST api/v1/petitions/:id/conclude": .init(permission: .editGovernance, target: .petition),
        // Meetings belong to a street: seen by whole-district roles and by those who work in one of its communities.
        "GET governance/meetings": .init(permission: .viewGovernance),
        "GET governance/meetings/new": .init(permission: .editGovernance),
        "POST governance/meetings": .init(permission: .editGovernance),
        "GET governance/meetings/:id": .init(permission: .viewGovernance, target: .meeting),
        "POST governance/meetings/:id/actions": .init(permission: .editGovernance, target: .meeting),
        "GET governance/actions": .init(permission: .viewGovernance),
        "GET governance/actions/export.csv": .init(permission: .viewGovernance),
        "POST governance/actions/:id/done": .init(permission: .editGovernance, target: .meetingAction),
        "GET api/v1/meetings": .init(permission: .viewGovernance),
        "POST api/v1/meetings": .init(permission: .editGovernance),
        "GET api/v1/meetings/:id": .init(permission: .viewGovernance, target: .meeting),
        "POST api/v1/meetings/:id/actions": .init(permission: .editGovernance, target: .meeting),
        "GET api/v1/meeting-actions": .init(permission: .viewGovernance),
        "POST api/v1/meeting-actions/:id/done": .init(permission: .editGovernance, target: .meetingAction),
        "GET governance/groups": .init(permission: .viewGovernance),
        // Campaigns belong to the district or a street, like meetings; their places to a community.
        "GET governance/plans": .init(permission: .viewGovernance),
        "GET governance/plans/export.csv": .init(permission: .viewGovernance),
        "GET governance/plans/new": .init(permission: .runCampaigns),
        "POST governance/plans": .init(permission: .runCampaigns),
        "GET governance/plans/:id": .init(permission: .viewGovernance, target: .emergencyPlan),
        "GET governance/plans/:id/edit": .init(permission: .runCampaigns, target: .emergencyPlan),
        "POST governance/plans/:id/edit": .init(permission: .runCampaigns, target: .emergencyPlan),
        "POST governance/plans/:id/approve": .init(permission: .runCampaigns, target: .emergencyPlan),
        "POST governance/plans/:id/revise": .init(permission: .runCampaigns, target: .emergencyPlan),
        "POST governance/plans/:id/drills": .init(permission: .editGovernance, target: .emergencyPlan),
        "POST governance/drills/:id/actions": .init(permission: .editGovernance, target: .emergencyDrill),
        "POST governance/drill-actions/:id/done": .init(permission: .editGovernance, target: .emergencyDrillAction),
        "POST governance/plans/:id/activate": .init(permission: .runCampaigns, target: .emergencyPlan),
        "GET governance/activations/:id": .init(permission: .viewGovernance, target: .emergencyActivation),
        "POST governance/activations/:id/step": .init(permission: .editGovernance, target: .emergencyActivation),
        "POST governance/activations/:id/end": .init(permission: .runCampaigns, target: .emergencyActivation),
        "POST api/v1/emergency-plans/:id/activate": .init(permission: .runCampaigns, target: .emergencyPlan),
        "GET api/v1/emergency-activations/:id": .init(permission: .viewGovernance, target: .emergencyActivation),
        "POST api/v1/emergency-activations/:id/step": .init(permission: .editGovernance, target: .emergencyActivation),
        "POST api/v1/emergency-activations/:id/end": .init(permission: .runCampaigns, target: .emergencyActivation),
        "GET api/v1/emergency-plans": .init(permission: .viewGovernance),
        "POST api/v1/emergency-plans": .init(permission: .runCampaigns),
        "GET api/v1/emergency-plans/:id": .init(permission: .viewGovernance, target: .emergencyPlan),
        "PATCH api/v1/emergency-plans/:id": .init(permission: .runCampaigns, target: .emergencyPlan),
        "POST api/v1/emergency-plans/:id/approve": .init(permission: .runCampaigns, target: .emergencyPlan),
        "POST api/v1/emergency-plans/:id/revise": .init(permission: .runCampaigns, target: .emergencyPlan),
        "POST api/v1/emergency-plans/:id/drills": .init(permission: .editGovernance, target: .emergencyPlan),
        "POST api/v1/emergency-drills/:id/actions": .init(permission: .editGovernance, target: .emergencyDrill),
        "POST api/v1/emergency-drill-actions/:id/done": .init(permission: .editGovernance, target: .emergencyDrillAction),
        "GET governance/campaigns": .init(permission: .viewGovernance),
        "GET governance/campaigns/new": .init(permission: .runCampaigns),
        "POST governance/campaigns": .init(permission: .runCampaigns),
        "GET governance/campaigns/:id": .init(permission: .viewGovernance, target: .campaign),
        "GET governance/campaigns/:id/edit": .init(permission: .runCampaigns, target: .campaign),
        "POST governance/campaigns/:id/edit": .init(permission: .runCampaigns, target: .campaign),
        "GET governance/campaigns/:id/targets.csv": .init(permission: .viewGovernance, target: .campaign),
        "GET governance/campaigns/:id/targets/new": .init(permission: .editGovernance, target: .campaign),
        "POST governance/campaigns/:id/targets": .init(permission: .editGovernance, target: .campaign),
        "GET governance/campaigns/:id/import": .init(permission: .editGovernance, target: .campaign),
        "POST governance/campaigns/:id/import": .init(permission: .editGovernance, target: .campaign),
        "POST api/v1/campaigns/:id/targets/import": .init(permission: .editGovernance, target: .campaign),
        "GET governance/campaign-targets/:id": .init(permission: .viewGovernance, target: .campaignTarget),
        "GET governance/campaign-targets/:id/edit": .init(permission: .editGovernance, target: .campaignTarget),
        "POST governance/campaign-targets/:id/edit": .init(permission: .editGovernance, target: .campaignTarget),
        "POST governance/campaign-targets/:id/step": .init(permission: .editGovernance, target: .campaignTarget),
        "GET api/v1/campaigns": .init(permission: .viewGovernance),
        "POST api/v1/campaigns": .init(permission: .runCampaigns),
        "GET api/v1/campaigns/:id": .init(permission: .viewGovernance, target: .campaign),
        "PATCH api/v1/campaigns/:id": .init(permission: .runCampaigns, target: .campaign),
        "GET api/v1/campaigns/:id/progress": .init(permission: .viewGovernance, target: .campaign),
        "GET api/v1/campaigns/:id/targets": .init(permission: .viewGovernance, target: .campaign),
        "POST api/v1/campaigns/:id/targets": .init(permission: .editGovernance, target: .campaign),
        "GET api/v1/campaign-targets/:id": .init(permission: .viewGovernance, target: .campaignTarget),
        "PATCH api/v1/campaign-targets/:id": .init(permission: .editGovernance, target: .campaignTarget),
        "POST api/v1/campaign-targets/:id/step": .init(permission: .editGovernance, target: .campaignTarget),
        // Integrated offices are keyed by their community, seen as a whole.
        "GET governance/offices": .init(permission: .viewGovernance),
        "GET governance/coverage": .init(permission: .viewGovernance),
        "GET governance/systems": .init(permission: .viewGovernance),
        "GET api/v1/governance/systems": .init(permission: .viewGovernance),
        "GET api/v1/governance/coverage": .init(permission: .viewGovernance),
        "GET governance/offices/:community": .init(permission: .viewGovernance, target: .officeCommunity),
        "POST governance/offices/:community": .init(permission: .editGovernance, target: .officeCommunity),
        "POST governance/offices/:community/checks": .init(permission: .editGovernance, target: .officeCommunity),
        "GET api/v1/offices": .init(permission: .viewGovernance),
        "GET api/v1/offices/:community": .init(permission: .viewGovernance, target: .officeCommunity),
        "PUT api/v1/offices/:community": .init(permission: .editGovernance, target: .officeCommunity),
        "PUT api/v1/offices/:community/checks": .init(permission: .editGovernance, target: .officeCommunity),
        "GET governance/groups/export.csv": .init(permission: .viewGovernance),
        "GET governance/groups/new": .init(permission: .editGovernance),
        "POST governance/groups": .init(permission: .editGovernance),
        "GET governance/groups/:id": .init(permission: .viewGovernance, target: .group),
        "POST governance/groups/:id": .init(permission: .editGovernance, target: .group),
        "POST governance/groups/:id/check": .init(permission: .editGovernance, target: .group),
        "GET api/v1/groups": .init(permission: .viewGovernance),
        "POST api/v1/groups": .init(permission: .editGovernance),
        "GET api/v1/groups/coverage": .init(permission: .viewGovernance),
        "GET api/v1/groups/:id": .init(permission: .viewGovernance, target: .group),
        "PATCH api/v1/groups/:id": .init(permission: .editGovernance, target: .group),
        "POST api/v1/groups/:id/check": .init(permission: .editGovernance, target: .group),
        "POST account/password": .init(permission: nil),
        "POST account/tokens": .init(permission: nil),
        "POST account/tokens/revoke": .init(permission: nil),
        "GET account/2fa": .init(permission: nil),
        "POST account/2fa/setup": .init(permission: nil),
        "POST account/2fa/confirm": .init(permission: nil),
        "POST account/2fa/recovery": .init(permission: nil),
        "POST account/2fa/disable": .init(permission: nil),
        "GET admin/users": .init(permission: .manageUsers),
        "POST admin/users": .init(permission: .manageUsers),
        "POST admin/users/:id/unlock": .init(permission: .manageUsers, target: .user),
        "POST admin/users/:id/deactivate": .init(permission: .manageUsers, target: .user),
        "GET api/v1/users": .init(permission: .manageUsers),
        "GET admin/users/:id": .init(permission: .manageUsers, target: .user),
        "POST admin/users/:id/password": .init(permission: .manageUsers, target: .user),
        "POST admin/users/:id/2fa/reset": .init(permission: .manageUsers, target: .user),
        "POST admin/users/:id/tokens/revoke": .init(permission: .manageUsers, target: .user),
        "POST api/v1/users": .init(permission: .manageUsers),
        "GET api/v1/users/:id/tokens": .init(permission: .manageUsers, target: .user),
        "POST api/v1/users/:id/tokens/revoke": .init(permission: .manageUsers, target: .user),
        "GET disputes": .init(permission: .viewDisputes),
        "GET disputes/export.csv": .init(permission: .viewDisputes),
        "GET disputes/new": .init(permission: .editDisputes),
        "POST disputes": .init(permission: .editDisputes),
        "GET disputes/desk": .init(permission: .viewDisputes),
        "GET disputes/stats": .init(permission: .viewDisputes),
        "GET disputes/stats.csv": .init(permission: .viewDisputes),
        "GET disputes/:id": .init(permission: .viewDisputes, target: .dispute),
        "GET disputes/:id/print": .init(permission: .viewDisputes, target: .dispute),
        "POST disputes/:id/actions": .init(permission: .editDisputes, target: .dispute),
        "POST disputes/:id/sessions": .init(permission: .editDisputes, target: .dispute),
        "GET api/v1/disputes": .init(permission: .viewDisputes),
        "GET api/v1/disputes/export.csv": .init(permission: .viewDisputes),
        "POST api/v1/disputes": .init(permission: .editDisputes),
        "GET api/v1/disputes/desk": .init(permission: .viewDisputes),
        "GET api/v1/disputes/stats": .init(permission: .viewDisputes),
        "GET api/v1/disputes/:id": .init(permission: .viewDisputes, target: .dispute),
        "POST api/v1/disputes/:id/actions": .init(permission: .editDisputes, target: .dispute),
        "POST api/v1/disputes/:id/sessions": .init(permission: .editDisputes, target: .dispute),
        "GET api/v1/dispute-types": .init(permission: .viewDisputes),
        "POST disputes/:id/links": .init(permission: .editDisputes, target: .dispute),
        "POST api/v1/disputes/:id/links": .init(permission: .editDisputes, target: .dispute),
        "GET api/v1/incidents/:id/disputes": .init(permission: .viewDisputes, target: .incident),
        "GET disputes/:id/edit": .init(permission: .editDisputes, target: .dispute),
        "POST disputes/:id/edit": .init(permission: .editDisputes, target: .dispute),
        "PATCH api/v1/disputes/:id": .init(permission: .editDisputes, target: .dispute),
        "POST disputes/:id/attachments": .init(permission: .editDisputes, target: .dispute),
        "POST api/v1/disputes/:id/attachments": .init(permission: .editDisputes, target: .dispute),
        "GET api/v1/disputes/:id/attachments": .init(permission: .viewDisputes, target: .dispute),
        "GET disputes/attachments/:id": .init(permission: .viewDisputes, target: .disputeAttachment),
        "POST disputes/attachments/:id/delete": .init(permission: .editDisputes, target: .disputeAttachment),
        "GET api/v1/dispute-attachments/:id": .init(permission: .viewDisputes, target: .disputeAttachment),
        "DELETE api/v1/dispute-attachments/:id": .init(permission: .editDisputes, target: .disputeAttachment),
        "GET analysis": .init(permission: .viewAnalysis),
        "GET analysis/monthly.csv": .init(permission: .viewAnalysis),
        "GET api/v1/analysis/monthly": .init(permission: .viewAnalysis),
        "GET api/v1/analysis/monthly.csv": .init(permission: .viewAnalysis),
        "GET analysis/report": .init(permission: .viewAnalysis),
        "GET api/v1/analysis/report": .init(permission: .viewAnalysis),
        "GET analysis/hotspots": .init(permission: .viewAnalysis),
        "GET analysis/hotspots.csv": .init(permission: .viewAnalysis),
        "GET api/v1/analysis/hotspots": .init(permission: .viewAnalysis),
        "GET api/v1/analysis/hotspots.csv": .init(permission: .viewAnalysis),
        "GET analysis/patrols": .init(permission: .viewAnalysis),
        "GET analysis/patrols.csv": .init(permission: .viewAnalysis),
        "GET api/v1/analysis/patrols": .init(permission: .viewAnalysis),
        "GET api/v1/analysis/patrols.csv": .init(permission: .viewAnalysis),
        "GET analysis/import": .init(permission: .editIncidents),
        "POST analysis/import": .init(permission: .editIncidents),
        "GET alerts": .init(permission: .viewAnalysis),
        "GET alerts/export.csv": .init(permission: .viewAnalysis),
        "POST alerts/recompute": .init(permission: .manageAlerts),
        "GET alerts/:id": .init(permission: .viewAnalysis, target: .alert),
        "POST alerts/:id/action": .init(permission: .manageAlerts, target: .alert),
        "GET api/v1/alerts": .init(permission: .viewAnalysis),
        "GET api/v1/alerts/export.csv": .init(permission: .viewAnalysis),
        "POST api/v1/alerts/recompute": .init(permission: .manageAlerts),
        "GET api/v1/alerts/:id": .init(permission: .viewAnalysis, target: .alert),
        "POST api/v1/alerts/:id/actions": .init(permission: .manageAlerts, target: .alert),
        "GET forces": .init(permission: .viewForces),
        "GET forces/staffing": .init(permission: .viewForces),
        "GET forces/staffing/export.csv": .init(permission: .viewForces),
        "GET forces/staffing/whatif": .init(permission: .viewForces),
        "GET forces/staffing/whatif.csv": .init(permission: .viewForces),
        "GET forces/staffing/rules": .init(permission: .configureStaffing),
        "POST forces/staffing/rules": .init(permission: .configureStaffing),
        "GET forces/staffing/snapshots": .init(permission: .viewForces),
        "GET forces/staffing/snapshots/export.csv": .init(permission: .viewForces),
        "POST forces/staffing/snapshots": .init(permission: .configureStaffing),
        "GET forces/officers": .init(permission: .viewForces),
        "POST forces/officers/:id": .init(permission: .manageOfficers, target: .officer),
        "GET forces/officers/:id/report": .init(permission: .viewForces, target: .officer),
        "GET api/v1/staffing/plan": .init(permission: .viewForces),
        "GET api/v1/staffing/export.csv": .init(permission: .viewForces),
        "GET api/v1/staffing/whatif": .init(permission: .viewForces),
        "GET api/v1/staffing/rules": .init(permission: .viewForces),
        "PUT api/v1/staffing/rules": .init(permission: .configureStaffing),
        "GET api/v1/staffing/snapshots": .init(permission: .viewForces),
        "POST api/v1/staffing/snapshots": .init(permission: .configureStaffing),
        "GET api/v1/officers": .init(permission: .viewForces),
        "PATCH api/v1/officers/:id": .init(permission: .manageOfficers, target: .officer),
        "GET api/v1/officers/:id/report": .init(permission: .viewForces, target: .officer),
        "GET forces/worklog": .init(permission: .viewForces),
        "GET forces/worklog/export.csv": .init(permission: .viewForces),
        "GET forces/worklog/new": .init(permission: .editWorkLog),
        "POST forces/worklog": .init(permission: .editWorkLog),
        "GET forces/presence": .init(permission: .viewForces),
        "GET api/v1/worklog": .init(permission: .viewForces),
        "POST api/v1/worklog": .init(permission: .editWorkLog),
        "GET api/v1/presence": .init(permission: .viewForces),
        "GET forces/inspections": .init(permission: .viewForces),
        "GET forces/inspections/export.csv": .init(permission: .viewForces),
        "GET forces/inspections/new": .init(permission: .editInspections),
        "POST forces/inspections": .init(permission: .editInspections),
        "GET forces/inspections/:id": .init(permission: .viewForces, target: .inspection),
        "POST forces/inspections/:id/close": .init(permission: .editInspections, target: .inspection),
        "GET api/v1/inspections": .init(permission: .viewForces),
        "GET api/v1/inspections/overdue": .init(permission: .viewForces),
        "POST api/v1/inspections": .init(permission: .editInspections),
        "GET api/v1/inspections/:id": .init(permission: .viewForces, target: .inspection),
        "POST api/v1/inspections/:id/close": .init(permission: .editInspections, target: .inspection),
        "GET forces/leaders": .init(permission: .viewForces),
        "POST forces/leaders": .init(permission: .manageOfficers),
        "POST forces/leaders/:id/remove": .init(permission: .manageOfficers, target: .leader),
        "GET api/v1/leaders": .init(permission: .viewForces),
        "POST api/v1/leaders": .init(permission: .manageOfficers),
        "DELETE api/v1/leaders/:id": .init(permission: .manageOfficers, target: .leader),
        "GET forces/teams": .init(permission: .viewTeams),
        "GET forces/teams/export.csv": .init(permission: .viewTeams),
        "POST forces/teams": .init(permission: .editTeams),
        "GET forces/teams/:id": .init(permission: .viewTeams, target: .team),
        "GET forces/teams/:id/edit": .init(permission: .editTeams, target: .team),
        "POST forces/teams/:id": .init(permission: .editTeams, target: .team),
        "POST forces/teams/:id/members": .init(permission: .editTeams, target: .team),
        "POST forces/teams/:id/member-status": .init(permission: .editTeams, target: .team),
        "GET forces/training": .init(permission: .viewTeams),
        "POST forces/training": .init(permission: .editTeams),
        "GET forces/training/:id": .init(permission: .viewTeams, target: .training),
        "POST forces/training/:id/attendance": .init(permission: .editTeams, target: .training),
        "GET api/v1/teams": .init(permission: .viewTeams),
        "POST api/v1/teams": .init(permission: .editTeams),
        "GET api/v1/teams/:id": .init(permission: .viewTeams, target: .team),
        "PATCH api/v1/teams/:id": .init(permission: .editTeams, target: .team),
        "POST api/v1/teams/:id/members": .init(permission: .editTeams, target: .team),
        "GET api/v1/training": .init(permission: .viewTeams),
        "POST api/v1/training": .init(permission: .editTeams),
        "GET api/v1/training/share": .init(permission: .viewTeams),
        "GET api/v1/training/:id": .init(permission: .viewTeams, target: .training),
        "POST api/v1/training/:id/attendance": .init(permission: .editTeams, target: .training),
        "GET forces/patrols": .init(permission: .viewTeams),
        "GET forces/patrols/export.csv": .init(permission: .viewTeams),
        "GET forces/patrols/new": .init(permission: .editTeams),
        "POST forces/patrols": .init(permission: .editTeams),
        "GET forces/patrols/review": .init(permission: .viewTeams),
        "GET forces/patrols/review.csv": .init(permission: .viewTeams),
        "GET forces/patrols/:id": .init(permission: .viewTeams, target: .patrolPlan),
        "POST forces/patrols/:id/cancel": .init(permission: .editTeams, target: .patrolPlan),
        "GET forces/patrols/logs": .init(permission: .viewTeams),
        "GET forces/patrols/logs/export.csv": .init(permission: .viewTeams),
        "GET forces/patrols/logs/new": .init(permission: .editTeams),
        "POST forces/patrols/logs": .init(permission: .editTeams),
        "GET forces/patrols/logs/:id": .init(permission: .viewTeams, target: .patrolLog),
        "POST forces/patrols/logs/:id/checkins": .init(permission: .editTeams, target: .patrolLog),
        "POST forces/patrols/logs/:id/findings": .init(permission: .editTeams, target: .patrolLog),
        "GET api/v1/patrols/plans": .init(permission: .viewTeams),
        "POST api/v1/patrols/plans": .init(permission: .editTeams),
        "GET api/v1/patrols/plans/:id": .init(permission: .viewTeams, target: .patrolPlan),
        "POST api/v1/patrols/plans/:id/cancel": .init(permission: .editTeams, target: .patrolPlan),
        "GET api/v1/patrols/logs": .init(permission: .viewTeams),
        "POST api/v1/patrols/logs": .init(permission: .editTeams),
        "GET api/v1/patrols/logs/:id": .init(permission: .viewTeams, target: .patrolLog),
        "POST api/v1/patrols/logs/:id/checkins": .init(permission: .editTeams, target: .patrolLog),
        "POST api/v1/patrols/logs/:id/findings": .init(permission: .editTeams, target: .patrolLog),
        "GET api/v1/patrols/evaluation": .init(permission: .viewTeams),
        "GET forces/duty": .init(permission: .viewTeams),
        "GET forces/duty/export.csv": .init(permission: .viewTeams),
        "POST forces/duty": .init(permission: .editTeams),
        "POST forces/duty/:id/end": .init(permission: .editTeams, target: .duty),
        "GET api/v1/duty": .init(permission: .viewTeams),
        "GET api/v1/duty/today": .init(permission: .viewTeams),
        "POST api/v1/duty": .init(permission: .editTeams),
        "POST api/v1/duty/:id/end": .init(permission: .editTeams, target: .duty),
        "GET forces/assessment": .init(permission: .viewTeams),
        "GET forces/assessment/export.csv": .init(permission: .viewTeams),
        "POST forces/assessment/entries": .init(permission: .editTeams),
        "POST forces/assessment/scheme": .init(permission: .configureStaffing),
        "GET api/v1/member-assessment": .init(permission: .viewTeams),
        "POST api/v1/member-assessment/entries": .init(permission: .editTeams),
        "POST api/v1/member-assessment/scheme": .init(permission: .configureStaffing),
        "GET assessment": .init(permission: .viewAssessment),
        "GET assessment/export.csv": .init(permission: .viewAssessment),
        "POST assessment/run": .init(permission: .manageAssessment),
        "GET assessment/payouts": .init(permission: .viewAssessment),
        "GET assessment/payouts.csv": .init(permission: .viewAssessment),
        "GET assessment/cadres": .init(permission: .viewAssessment),
        "POST assessment/cadres": .init(permission: .manageAssessment),
        "GET assessment/cadres/:id": .init(permission: .viewAssessment, target: .cadre),
        "GET assessment/checks": .init(permission: .viewAssessment),
        "POST assessment/checks": .init(permission: .editFourChecks),
        "GET assessment/rules": .init(permission: .viewAssessment),
        "POST assessment/rules": .init(permission: .manageAssessment),
        "GET api/v1/assessment/ladder": .init(permission: .viewAssessment),
        "POST api/v1/assessment/run": .init(permission: .manageAssessment),
        "GET api/v1/assessment/payouts": .init(permission: .viewAssessment),
        "GET api/v1/assessment/checks": .init(permission: .viewAssessment),
        "POST api/v1/assessment/checks": .init(permission: .editFourChecks),
        "GET api/v1/assessment/rules": .init(permission: .viewAssessment),
        "PUT api/v1/assessment/rules": .init(permission: .manageAssessment),
        "GET api/v1/cadres": .init(permission: .viewAssessment),
        "POST api/v1/cadres": .init(permission: .manageAssessment),
        "GET api/v1/cadres/:id": .init(permission: .viewAssessment, target: .cadre),
        "GET assessment/index": .init(permission: .viewAssessment),
        "GET assessment/publication": .init(permission: .viewAssessment),
        "GET assessment/dual": .init(permission: .viewAssessment),
        "GET assessment/letters": .init(permission: .viewAssessment),
        "POST assessment/letters": .init(permission: .manageAssessment),
        "GET assessment/letters/:id": .init(permission: .viewAssessment, target: .letter),
        "GET api/v1/assessment/letters": .init(permission: .viewAssessment),
        "POST api/v1/assessment/letters": .init(permission: .manageAssessment),
        "GET api/v1/assessment/letters/:id": .init(permission: .viewAssessment, target: .letter),
        "POST assessment/dual": .init(permission: .scorePersonnel),
        "GET api/v1/assessment/dual": .init(permission: .viewAssessment),
        "POST api/v1/assessment/dual": .init(permission: .scorePersonnel),
        "GET assessment/publication.csv": .init(permission: .viewAssessment),
        "GET api/v1/assessment/publication": .init(permission: .viewAssessment),
        "GET assessment/indicators": .init(permission: .viewAssessment),
        "POST assessment/indicators": .init(permission: .manageAssessment),
        "GET assessment/indicators.json": .init(permission: .viewAssessment),
        "POST assessment/indicators/import": .init(permission: .manageAssessment),
        "POST assessment/indicators/reset": .init(permission: .manageAssessment),
        "GET api/v1/assessment/indicators": .init(permission: .viewAssessment),
        "PUT api/v1/assessment/indicators": .init(permission: .manageAssessment),
        "GET assessment/year": .init(permission: .viewAssessment),
        "GET assessment/year.csv": .init(permission: .viewAssessment),
        "GET api/v1/assessment/year": .init(permission: .viewAssessment),
        "GET assessment/index.csv": .init(permission: .viewAssessment),
        "GET api/v1/assessment/index": .init(permission: .viewAssessment),
        "GET assessment/perception": .init(permission: .viewAssessment),
        "POST assessment/perception": .init(permission: .editFourChecks),
        "GET api/v1/assessment/perception": .init(permission: .viewAssessment),
        "POST api/v1/assessment/perception": .init(permission: .editFourChecks),
        "GET public": .init(permission: nil, isPublic: true),
        "GET public/communities/:id": .init(permission: nil, isPublic: true),
        "GET public/report": .init(permission: nil, isPublic: true),
        "POST public/report": .init(permission: nil, isPublic: true),
        "GET public/track": .init(permission: nil, isPublic: true),
        "GET public/track/:token": .init(permission: nil, isPublic: true),
        "GET public/notices": .init(permission: nil, isPublic: true),
        "GET public/notices/:id": .init(permission: nil, isPublic: true),
        "GET public/survey": .init(permission: nil, isPublic: true),
        "POST public/survey": .init(permission: nil, isPublic: true),
        "GET public/perception": .init(permission: nil, isPublic: true),
        "GET api/public/communities": .init(permission: nil, isPublic: true),
        "POST api/public/requests": .init(permission: nil, isPublic: true),
        "GET api/public/requests/:token": .init(permission: nil, isPublic: true),
        "GET api/public/notices": .init(permission: nil, isPublic: true),
        "GET api/public/perception": .init(permission: nil, isPublic: true),
        "GET open311/v2/:resource": .init(permission: nil, isPublic: true),
        "POST open311/v2/:resource": .init(permission: nil, isPublic: true),
        "GET open311/v2/services/:file": .init(permission: nil, isPublic: true),
        "GET open311/v2/requests/:file": .init(permission: nil, isPublic: true),
        "GET open311/v2/tokens/:file": .init(permission: nil, isPublic: true),
        // Unknown paths and methods under /open311/v2 answer in the Open311 error format (issue 25).
        "GET open311/v2": .init(permission: nil, isPublic: true),
        "GET open311/v2/**": .init(permission: nil, isPublic: true),
        "POST open311/v2/**": .init(permission: nil, isPublic: true),
        "PUT open311/v2/**": .init(permission: nil, isPublic: true),
        "PATCH open311/v2/**": .init(permission: nil, isPublic: true),
        "DELETE open311/v2/**": .init(permission: nil, isPublic: true),
        "GET portal": .init(permission: .viewPortal),
        "GET portal/export.csv": .init(permission: .viewPortal),
        "GET portal/requests/:id": .init(permission: .viewPortal, target: .portalRequest),
        "POST portal/requests/:id/reply": .init(permission: .handlePortal, target: .portalRequest),
        "POST portal/requests/:id/convert": .init(permission: .handlePortal, target: .portalRequest),
        "GET portal/notices": .init(permission: .viewPortal),
        "GET portal/notices/new": .init(permission: .publishNotices),
        "POST portal/notices": .init(permission: .publishNotices),
        "GET api/v1/portal/requests": .init(permission: .viewPortal),
        "GET api/v1/portal/requests/export.csv": .init(permission: .viewPortal),
        "GET api/v1/portal/requests/:id": .init(permission: .viewPortal, target: .portalRequest),
        "POST api/v1/portal/requests/:id/replies": .init(permission: .handlePortal, target: .portalRequest),
        "POST api/v1/portal/requests/:id/convert": .init(permission: .handlePortal, target: .portalRequest),
        "GET api/v1/portal/notices": .init(permission: .viewPortal),
        "POST api/v1/portal/notices": .init(permission: .publishNotices),
        "POST portal/notices/:id/withdraw": .init(permission: .publishNotices, target: .portalNotice),
        "GET portal/notices/:id/edit": .init(permission: .publishNotices, target: .portalNotice),
        "POST portal/notices/:id": .init(permission: .publishNotices, target: .portalNotice),
        "PATCH api/v1/portal/notices/:id": .init(permission: .publishNotices, target: .portalNotice),
        "GET people/import/jobs/:id": .init(permission: .editRegistry, target: .importJob),
        "GET api/v1/people/import/jobs/:id": .init(permission: .editRegistry, target: .importJob),
        "GET sites/import/jobs/:id": .init(permission: .editRegistry, target: .siteImportJob),
        "GET api/v1/sites/import/jobs/:id": .init(permission: .editRegistry, target: .siteImportJob),
        "GET analysis/import/jobs/:id": .init(permission: .editIncidents, target: .incidentImportJob),
        "GET api/v1/analysis/import/jobs/:id": .init(permission: .editIncidents, target: .incidentImportJob),
        "GET stations": .init(permission: .viewJurisdiction),
        "GET stations/new": .init(permission: .editJurisdiction),
        "POST stations": .init(permission: .editJurisdiction),
        "GET stations/:id": .init(permission: .viewJurisdiction, target: .station),
        "GET stations/:id/edit": .init(permission: .editJurisdiction, target: .station),
        "POST stations/:id/edit": .init(permission: .editJurisdiction, target: .station),
        "POST stations/:id/offices": .init(permission: .editJurisdiction, target: .station),
        "GET offices/:id/edit": .init(permission: .editJurisdiction, target: .office),
        "POST offices/:id/edit": .init(permission: .editJurisdiction, target: .office),
        "GET api/v1/stations": .init(permission: .viewJurisdiction),
        "POST api/v1/stations": .init(permission: .editJurisdiction),
        "GET api/v1/stations/:id": .init(permission: .viewJurisdiction, target: .station),
        "PATCH api/v1/stations/:id": .init(permission: .editJurisdiction, target: .station),
        "POST api/v1/stations/:id/offices": .init(permission: .editJurisdiction, target: .station),
        "PATCH api/v1/offices/:id": .init(permission: .editJurisdiction, target: .office),
        "POST api/v1/portal/notices/:id/withdraw": .init(permission: .publishNotices, target: .portalNotice),
        "GET api/v1/portal/request-types": .init(permission: .viewPortal),
        "GET portal/types": .init(permission: .viewPortal),
        "POST portal/types/:id": .init(permission: .configurePortal, target: .portalType),
        "PATCH api/v1/portal/request-types/:id": .init(permission: .configurePortal, target: .portalType),
    ]

    /// One request to a route template, with an empty body for writes (so the rules, not the data, decide).
    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, id: Int, headers: HTTPHeaders) async throws -> HTTPStatus {
        var status = HTTPStatus.ok
        var h = headers
        h.replaceOrAdd(name: .accept, value: path.hasPrefix("api/") ? "application/json" : "text/html")
        // Non-numeric keys: a category code and a calendar day that exist, or (for the missing id) ones that do not.
        let missing = id == 987_654
        let filled = path.replacingOccurrences(of: ":id", with: "\(id)").replacingOccurrences(of: ":community", with: "\(id)").replacingOccurrences(of: ":code", with: missing ? "ZZZ" : "E01")
            .replacingOccurrences(of: ":day", with: missing ? "2099-01-01" : "2027-10-09")
        try await app.call(method, "/" + filled, headers: h, beforeRequest: { req in
            if method != .GET {
                if path.hasPrefix("api/") { req.headers.contentType = .json; req.body = .init(string: "{}") }
                else { req.headers.contentType = .urlEncodedForm; req.body = .init(string: "x=1") }
            }
        }, afterResponse: { status = $0.status })
        return status
    }

    func testEveryRouteEveryRole() async throws {
        try await withApp { app, f in
            let inside = try await createIncident(app, f, community: f.c1, grid: f.g1a)
            let outside = try await createIncident(app, f, community: f.c3, grid: f.g3)
            let personInside = try await createPerson(app, f, as: "admin", community: f.c1, grid: f.g1a, id: residentID(sequence: "501"))
            let personOutside = try await createPerson(app, f, as: "admin", community: f.c3, grid: f.g3, id: residentID(sequence: "502"))
            let siteInside = try await createSite(app, f, as: "admin", community: f.c1, grid: f.g1a)
            let siteOutside = try await createSite(app, f, as: "admin", community: f.c3, grid: f.g3)
            // Street level and unassigned: in the street mediator's queue; the other one is in another street.
            let disputeInside = try await createDispute(app, f, community: f.c1, grid: f.g1a, level: "street")
            let disputeOutside = try await createDispute(app, f, community: f.c3, grid: f.g3, level: "street")
            let attachmentOutside = try await makeDisputeAttachment(app, f, dispute: disputeOutside)
            let alertInside = try await insertAlert(app, community: f.c1, station: f.stationA)
            let alertOutside = try await insertAlert(app, community: f.c3, station: f.stationB)
            let inspectionInside = try await makeInspection(app, f, site: siteInside)
            let inspectionOutside = try await makeInspection(app, f, site: siteOutside)
            let leaderOutside = try await makeLeaderAssignment(app, f, community: f.c3, name: "沙头所长")
            let teamInside = try await makeTeam(app, f, community: f.c1), teamOutside = try await makeTeam(app, f, community: f.c3, name: "沙头巡防队")
            let planInside = try await makePatrolPlan(app, f, team: teamInside.team), planOutside = try await makePatrolPlan(app, f, team: teamOutside.team)
            let logInside = try await makePatrolLog(app, f, team: teamInside.team), logOutside = try await makePatrolLog(app, f, team: teamOutside.team)
            let trainingInside = try await makeTraining(app, f, community: f.c1), trainingOutside = try await makeTraining(app, f, community: f.c3)
            let dutyInside = try await makeDutySlot(app, community: f.c1), dutyOutside = try await makeDutySlot(app, community: f.c3)
            let cadreInside = try await makeCadre(app, community: f.c1, grid: f.g1a)
            let cadreOutside = try await makeCadre(app, community: f.c3, grid: f.g3)
            let letterInside = try await makeLetter(app, f, community: f.c1)
            let letterOutside = try await makeLetter(app, f, community: f.c3)
            let portalInside = try await insertPortalRequest(app, community: f.c1)
            let portalOutside = try await insertPortalRequest(app, community: f.c3)
            let noticeInside = try await insertPortalNotice(app, f, division: f.c1), noticeOutside = try await insertPortalNotice(app, f, division: f.c3)
            let officeInside = try await makeOffice(app, station: f.stationA), officeOutside = try await makeOffice(app, station: f.stationB)
            let eventInside = try await insertGridEvent(app, community: f.c1, grid: f.g1a), eventOutside = try await insertGridEvent(app, community: f.c3, grid: f.g3)
            let photoInside = try await insertPhoto(app, event: eventInside), photoOutside = try await insertPhoto(app, event: eventOutside)
            let unit = ResponsibleUnit(name: "城管中队", kind: .urbanManagement, divisionID: f.district); try await unit.create(on: app.db)
            let unitInside = unit.id!
            func finding(_ log: Int) async throws -> Int { let x = PatrolFinding(); x.logID = log; x.details = "消防通道被占用"; try await x.create(on: app.db); return x.id! }
            let findingInside = try await finding(logInside), findingOutside = try await finding(logOutside)
            let victim = User(username: "victim", displayName: "V", passwordHash: "!", role: .analyst, scopeDivisionID: f.district)
            try await victim.create(on: app.db)
            let everyone = Array(f.users.values)
            let pushInside = try await insertPush(app, sender: f.users["admin"]!, area: f.c1, kind: .task, to: everyone)
            let pushOutside = try await insertPush(app, sender: f.users["admin"]!, area: f.c3, kind: .task, to: [victim.id!])
            let petitionInside = try await insertPetition(app, f, community: f.c1), petitionOutside = try await insertPetition(app, f, community: f.c3)
            let meetingInside = try await insertMeeting(app, f, area: f.streetA), meetingOutside = try await insertMeeting(app, f, area: f.streetB)
            let groupInside = try await insertGroup(app, community: f.c1), groupOutside = try await insertGroup(app, community: f.c3)
            let campaignInside = try await insertCampaign(app, f, area: f.streetA, community: f.c1)
            let campaignOutside = try await insertCampaign(app, f, area: f.streetB, community: f.c3)
            let emergencyInside = try await insertEmergencyPlan(app, f, area: f.streetA), emergencyOutside = try await insertEmergencyPlan(app, f, area: f.streetB)
            func outboxMessage(_ request: Int, _ community: Int) async throws -> Int {
                let m = OutboxMessage()
                m.channel = .sms; m.recipientSealed = try FieldCipher(secret: app.pingan.secretKey).seal("13800138000"); m.recipientMasked = "138****8000"
                m.subject = "s"; m.body = "b"; m.status = .failed; m.attempts = 6; m.nextAttemptAt = Date(); m.lastError = "HTTP 500"; m.createdAt = Date()
                m.requestID = request; m.communityID = community; m.event = .accepted
                try await m.create(on: app.db)
                return m.id!
            }
            app.pingan.notify = NotifyChannels(sms: .init(url: "http://127.0.0.1:9/sms", token: nil, timeout: 1))
            let outboxInside = try await outboxMessage(portalInside, f.c1), outboxOutside = try await outboxMessage(portalOutside, f.c3)
            let victimNotice = StaffNotice(userID: victim.id!, kind: .incident, title: "x", link: "/incidents/\(inside)", at: Date())
            try await victimNotice.create(on: app.db)
            let users: [String: Role] = ["admin": .admin, "command": .districtCommand, "chief": .stationChief, "officer": .communityOfficer,
                                         "grid": .gridWorker, "mediator": .mediator, "leader": .teamLeader, "analyst": .analyst]
            let wholeDistrict: Set<String> = ["admin", "command", "analyst"]
            let inScopeDivision: [String: Int] = ["admin": f.district, "command": f.district, "analyst": f.district, "chief": f.c1,
                                                  "officer": f.c1, "grid": f.g1a, "mediator": f.streetA, "leader": f.c1]

            var seen = Set<String>()
            for route in app.routes.all {
                let path = route.path.map(\.description).joined(separator: "/")
                let key = "\(route.method.rawValue) \(path)"
                seen.insert(key)
                guard let rule = Self.rules[key] else { XCTFail("Route \(key) has no scoping rule in RouteWalkTests"); continue }

                // Signed out: only public routes answer.
                if !rule.isPublic {
                    let s = try await Self.send(app, route.method, path, id: inside, headers: [:])
                    // Reads redirect to sign-in (pages) or answer 401 (API); writes without a session's CSRF token are refused first.
                    let ok: [HTTPStatus] = route.method == .GET ? [.unauthorized, .seeOther] : [.unauthorized, .seeOther, .forbidden]
                    XCTAssertTrue(ok.contains(s), "\(key) signed out gave \(s)")
                    continue
                }
            }
            for (key, rule) in Self.rules where !rule.isPublic {
                let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPMethod(rawValue: parts[0])
                let path = parts.count > 1 ? parts[1] : ""
                for (user, role) in users {
                    func status(_ id: Int) async throws -> HTTPStatus { try await Self.send(app, method, path, id: id, headers: f.bearer(user)) }
                    let allowed = (rule.permission.map { role.can($0) } ?? true) && (rule.also.map { role.can($0) } ?? true)
                    let inID: Int, outID: Int?
                    switch rule.target {
                    case .none: inID = 0; outID = nil
                    case .incident: inID = inside; outID = wholeDistrict.contains(user) ? nil : outside
                    case .division: inID = inScopeDivision[user]!; outID = wholeDistrict.contains(user) ? nil : f.c3
                    case .user: inID = victim.id!; outID = nil
                    case .person: inID = personInside; outID = wholeDistrict.contains(user) ? nil : personOutside
                    case .site: inID = siteInside; outID = wholeDistrict.contains(user) ? nil : siteOutside
                    case .dispute: inID = disputeInside; outID = wholeDistrict.contains(user) ? nil : disputeOutside
                    case .alert: inID = alertInside; outID = wholeDistrict.contains(user) ? nil : alertOutside
                    case .officer: inID = f.users["officer"]!; outID = wholeDistrict.contains(user) ? nil : f.users["officer3"]!
                    case .inspection: inID = inspectionInside; outID = wholeDistrict.contains(user) ? nil : inspectionOutside
                    case .disputeAttachment:
                        // Removing is a write: every call gets a fresh attachment on the in-scope file.
                        inID = try await makeDisputeAttachment(app, f, dispute: disputeInside)
                        outID = wholeDistrict.contains(user) ? nil : attachmentOutside
                    case .team: inID = teamInside.team; outID = wholeDistrict.contains(user) ? nil : teamOutside.team
                    case .patrolPlan: inID = planInside; outID = wholeDistrict.contains(user) ? nil : planOutside
                    case .patrolLog: inID = logInside; outID = wholeDistrict.contains(user) ? nil : logOutside
                    case .training: inID = trainingInside; outID = wholeDistrict.contains(user) ? nil : trainingOutside
                    case .duty: inID = dutyInside; outID = wholeDistrict.contains(user) ? nil : dutyOutside
                    case .cadre: inID = cadreInside; outID = wholeDistrict.contains(user) ? nil : cadreOutside
                    case .letter: inID = letterInside; outID = wholeDistrict.contains(user) ? nil : letterOutside
                    case .portalRequest: inID = portalInside; outID = wholeDistrict.contains(user) ? nil : portalOutside
                    case .portalType: inID = 1; outID = nil // district-wide configuration: no scope to leave
                    case .portalNotice: inID = noticeInside; outID = wholeDistrict.contains(user) ? nil : noticeOutside
                    case .station: inID = f.stationA; outID = wholeDistrict.contains(user) ? nil : f.stationB
                    case .office: inID = officeInside; outID = wholeDistrict.contains(user) ? nil : officeOutside
                    case .gridEvent: inID = eventInside; outID = wholeDistrict.contains(user) ? nil : eventOutside
                    // District-wide configuration, kept by whole-district roles only: no scope to leave.
                    case .unit: inID = unitInside; outID = nil
                    case .patrolFinding: inID = findingInside; outID = wholeDistrict.contains(user) ? nil : findingOutside
                    case .category: inID = 0; outID = nil
                    case .pushMessage: inID = pushInside; outID = wholeDistrict.contains(user) ? nil : pushOutside
                    // Someone else's copy looks missing to everyone, whole-district roles included.
                    case .inboxCopy: inID = pushInside; outID = pushOutside
                    // A work notice is its addressee's alone: someone else's looks missing to everyone.
                    case .staffNotice:
                        let n = StaffNotice(userID: f.users[user]!, kind: .incident, title: "x", link: "/incidents/\(inside)", at: Date())
                        try await n.create(on: app.db)
                        inID = n.id!; outID = victimNotice.id!
                    case .outboxMessage: inID = outboxInside; outID = wholeDistrict.contains(user) ? nil : outboxOutside
                    case .petition: inID = petitionInside; outID = wholeDistrict.contains(user) ? nil : petitionOutside
                    case .officeCommunity: inID = f.c1; outID = wholeDistrict.contains(user) ? nil : f.c3
                    case .group: inID = groupInside; outID = wholeDistrict.contains(user) ? nil : groupOutside
                    case .campaign: inID = campaignInside.campaign; outID = wholeDistrict.contains(user) ? nil : campaignOutside.campaign
                    case .campaignTarget: inID = campaignInside.target; outID = wholeDistrict.contains(user) ? nil : campaignOutside.target
                    case .emergencyPlan: inID = emergencyInside.plan; outID = wholeDistrict.contains(user) ? nil : emergencyOutside.plan
                    case .emergencyDrill: inID = emergencyInside.drill; outID = wholeDistrict.contains(user) ? nil : emergencyOutside.drill
                    case .emergencyDrillAction: inID = emergencyInside.action; outID = wholeDistrict.contains(user) ? nil : emergencyOutside.action
                    case .emergencyActivation: inID = emergencyInside.activation; outID = wholeDistrict.contains(user) ? nil : emergencyOutside.activation
                    case .meeting: inID = meetingInside.meeting; outID = wholeDistrict.contains(user) ? nil : meetingOutside.meeting
                    case .meetingAction: inID = meetingInside.action; outID = wholeDistrict.contains(user) ? nil : meetingOutside.action
                    case .calendarDay:
                        // Deleting is a write: every call gets the day back first.
                        var settings = try await GridEventSettings.load(app.db)
                        GridEventSettingsInput.adding(CalendarDayEntry(day: LocalDay("2027-10-09")!, kind: .working, nameZh: "调休上班"), to: &settings)
                        try await settings.save(app.db)
                        inID = 0; outID = nil
                    case .photo:
                        // A photo is as visible as its event: roles that cannot see events get 404, like a missing photo.
                        let sees = role.can(.viewGridEvents)
                        if !sees { let s = try await status(photoInside); XCTAssertEqual(s, .notFound, "\(key) as \(user) without events"); continue }
                        inID = photoInside; outID = wholeDistrict.contains(user) ? nil : photoOutside
                    case .importJob:
                        // A job is its uploader's alone: the user's own is "in scope", someone else's is not.
                        inID = app.importJobs.start(userID: f.users[user]!, fileName: "x.csv", dryRun: true).id
                        outID = app.importJobs.start(userID: victim.id!, fileName: "y.csv", dryRun: true).id
                    case .siteImportJob, .incidentImportJob:
                        // Also the uploader's alone, and only under its own kind's page.
                        let kind: ImportJobs.Kind = rule.target == .siteImportJob ? .sites : .incidents
                        inID = app.importJobs.start(userID: f.users[user]!, fileName: "x.csv", dryRun: true, kind: kind).id
                        outID = app.importJobs.start(userID: f.users[user]!, fileName: "y.csv", dryRun: true).id
                    case .leader:
                        // Removing is the only write: every allowed call needs a fresh in-scope assignment.
                        inID = try await makeLeaderAssignment(app, f, community: f.c1, name: "挂点\(user)\(key.hashValue)")
                        outID = wholeDistrict.contains(user) ? nil : leaderOutside
                    }
                    let s = try await status(inID)
                    if allowed {
                        XCTAssertFalse([.unauthorized, .forbidden, .notFound, .internalServerError].contains(s), "\(key) as \(user) in scope gave \(s)")
                        if let outID {
                            let o = try await status(outID)
                            XCTAssertEqual(o, .notFound, "\(key) as \(user) out of scope must look missing")
                        }
                        if rule.target != .none {
                            let missing = try await status(987_654)
                            XCTAssertEqual(missing, .notFound, "\(key) as \(user) with a missing id")
                        }
                    } else {
                        XCTAssertEqual(s, .forbidden, "\(key) as \(user) lacks \(rule.permission!.rawValue)" + (rule.also.map { " or \($0.rawValue)" } ?? ""))
                    }
                }
            }
            XCTAssertEqual(seen, Set(Self.rules.keys), "rules name routes that no longer exist")
        }
    }
}
