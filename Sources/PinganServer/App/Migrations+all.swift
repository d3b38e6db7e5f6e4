import Fluent
import Vapor

/// The one ordered list of migrations. A merged migration is never edited; add a new one.
func registerMigrations(_ app: Application) {
    app.migrations.add(CreateJurisdiction())
    app.migrations.add(CreateAuth())
    app.migrations.add(CreateAudit())
    app.migrations.add(CreateIncidents())
    app.migrations.add(CreatePeople())
    app.migrations.add(CreateSites())
    app.migrations.add(CreateDisputes())
    app.migrations.add(CreateAnalysis())
    app.migrations.add(CreateForces())
    app.migrations.add(CreateLeaderAssignments())
    app.migrations.add(CreateDisputeAttachments())
    app.migrations.add(CreatePatrols())
    app.migrations.add(CreateMemberAssessment())
    app.migrations.add(CreateAssessment())
    app.migrations.add(CreatePersonnelScores())
    app.migrations.add(CreateResponsibilityLetters())
    app.migrations.add(CreatePortal())
    app.migrations.add(AddPatrolPlanCancellation())
    app.migrations.add(TruncatePeopleBirthDates())
    app.migrations.add(CreateStaffingSnapshots())
    app.migrations.add(AddDivisionMapFields())
    app.migrations.add(CreateGridEvents())
    app.migrations.add(CreatePhotos())
    app.migrations.add(AddPortalEventLink())
    app.migrations.add(CreateKeyCheck(secret: app.pingan.secretKey))
    app.migrations.add(ChainAuditLog(secret: app.pingan.secretKey))
}
