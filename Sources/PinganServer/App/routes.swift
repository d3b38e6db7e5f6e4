import Vapor

/// Public routes (sign-in, health, stylesheet) and everything else behind a signed-in user.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: AuthController())
    let signedIn = app.grouped(User.guardMiddleware())
    try signedIn.register(collection: DashboardController())
    try signedIn.register(collection: JurisdictionController())
    try signedIn.register(collection: IncidentController())
    try signedIn.register(collection: IncidentAPIController())
    try signedIn.register(collection: PersonController())
    try signedIn.register(collection: PersonAPIController())
    try signedIn.register(collection: SiteController())
    try signedIn.register(collection: SiteAPIController())
    try signedIn.register(collection: SurveyController())
    try signedIn.register(collection: AuditController())
    try signedIn.register(collection: UserAdminController())
    try signedIn.register(collection: AccountController())
    try signedIn.register(collection: StaffingController())
    try signedIn.register(collection: StaffingAPIController())
    try signedIn.register(collection: WorkLogController())
    try signedIn.register(collection: WorkLogAPIController())
    try signedIn.register(collection: InspectionController())
    try signedIn.register(collection: InspectionAPIController())
    try signedIn.register(collection: LeaderController())
    try signedIn.register(collection: LeaderAPIController())
}
