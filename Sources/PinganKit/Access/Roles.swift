/// Who may do what. Roles are always scoped to a subtree of the jurisdiction tree (or, for a
/// station chief, to the communities the station covers); the scope is applied by the server.
public enum Role: String, CaseIterable, Codable, Sendable {
    case admin                                  // 系统管理员
    case districtCommand = "district_command"   // 区指挥中心 / 综治办
    case stationChief = "station_chief"         // 派出所所长
    case communityOfficer = "community_officer" // 社区民警
    case gridWorker = "grid_worker"             // 网格员
    case mediator                               // 调解员
    case teamLeader = "team_leader"             // 群防群治队长
    case analyst                                // 研判分析员（只读）
    case unitStaff = "unit_staff"               // 处置单位人员（城管、市场监管、物业…）: only the grid events dispatched to their unit

    public var nameZh: String {
        switch self {
        case .admin: "系统管理员"
        case .districtCommand: "区指挥中心"
        case .stationChief: "派出所所长"
        case .communityOfficer: "社区民警"
        case .gridWorker: "网格员"
        case .mediator: "调解员"
        case .teamLeader: "联防队长"
        case .analyst: "研判分析员"
        case .unitStaff: "处置单位"
        }
    }
    public var nameEn: String {
        switch self {
        case .admin: "Administrator"
        case .districtCommand: "District command"
        case .stationChief: "Station chief"
        case .communityOfficer: "Community officer"
        case .gridWorker: "Grid worker"
        case .mediator: "Mediator"
        case .teamLeader: "Team leader"
        case .analyst: "Analyst (read-only)"
        case .unitStaff: "Responsible unit"
        }
    }

    public var permissions: Set<Permission> {
        switch self {
        case .admin: Set(Permission.allCases)
        case .districtCommand: [.viewIncidents, .editIncidents, .viewJurisdiction, .viewAudit, .viewRegistry, .viewDisputes, .editDisputes, .viewAnalysis, .manageAlerts,
                                .viewForces, .manageOfficers, .configureStaffing, .viewTeams,
                                .viewAssessment, .manageAssessment, .editFourChecks, .scorePersonnel,
                                .viewPortal, .handlePortal, .publishNotices,
                                .viewGridEvents, .reportGridEvents, .dispatchGridEvents, .configureGridEvents, .sendMessages,
                                .viewGovernance, .editGovernance, .runCampaigns, .configureGovernance]
        // Officers who register and supervise people may see full identity numbers (每次查看留痕).
        case .stationChief: [.viewIncidents, .editIncidents, .viewJurisdiction, .viewRegistry, .editRegistry, .revealIdentity, .viewDisputes, .editDisputes,
                             .viewAnalysis, .manageAlerts, .viewForces, .editWorkLog, .editInspections, .manageOfficers, .viewTeams, .editTeams,
                             .viewAssessment, .editFourChecks, .scorePersonnel, .viewPortal, .handlePortal, .publishNotices,
                             .viewGridEvents, .reportGridEvents, .sendMessages, .viewGovernance, .editGovernance, .runCampaigns]
        case .communityOfficer: [.viewIncidents, .editIncidents, .viewJurisdiction, .viewRegistry, .editRegistry, .revealIdentity, .viewDisputes, .editDisputes,
                                 .viewAnalysis, .manageAlerts, .viewForces, .editWorkLog, .editInspections, .viewTeams, .editTeams,
                                 .viewAssessment, .editFourChecks, .scorePersonnel, .viewPortal, .handlePortal, .publishNotices,
                                 .viewGridEvents, .reportGridEvents, .sendMessages, .viewGovernance, .editGovernance]
        // Grid workers register what their screening (排查) finds.
        // ... and find, report and verify the problems of their grid (网格事件).
        case .gridWorker: [.viewIncidents, .editIncidents, .viewJurisdiction, .viewRegistry, .editRegistry, .viewDisputes, .editDisputes,
                           .viewGridEvents, .reportGridEvents, .verifyGridEvents]
        case .mediator: [.viewIncidents, .viewJurisdiction, .viewDisputes, .editDisputes]
        // Team leaders (联防队长) run their team: members, training, patrol plans and logs, duty rosters.
        case .teamLeader: [.viewIncidents, .viewJurisdiction, .viewTeams, .editTeams]
        case .analyst: [.viewIncidents, .viewJurisdiction, .viewRegistry, .viewDisputes, .viewAnalysis, .viewForces, .viewTeams, .viewAssessment, .viewPortal,
                        .viewGridEvents, .viewGovernance]
        // A responsible unit's staff see and act on the events dispatched to their unit, nothing else.
        case .unitStaff: [.viewGridEvents, .handleGridEvents]
        }
    }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

public enum Permission: String, CaseIterable, Codable, Sendable {
    case viewIncidents, editIncidents
    case viewJurisdiction, editJurisdiction
    case manageUsers, viewAudit
    /// 实有人口 registry: read (identity data masked), write, and unmask identity numbers (audited).
    case viewRegistry, editRegistry, revealIdentity
    /// 矛盾纠纷调处: read the files in scope; register, accept, assign, mediate and close them.
    case viewDisputes, editDisputes
    /// 研判与预警: monthly tables, analysis reports and alerts (read); acknowledge, assign, close and
    /// recompute alerts (write). Grid workers, mediators and team leaders see neither: the tables are
    /// per community and station.
    case viewAnalysis, manageAlerts
    /// Forces (issue 4): see staffing, presence, work logs and inspections; write one's work log (工作纪实);
    /// inspect sites and issue/close rectification notices; set officers' concurrent posts (兼职);
    /// configure the district's staffing rules.
    case viewForces, editWorkLog, editInspections, manageOfficers, configureStaffing
    /// Teams and patrol (issue 4): see teams, members, training, patrol plans/logs/evaluation and duty
    /// rosters; write them (members, training attendance, plans and rosters, patrol logs with check-ins
    /// and findings). Opening an incident from a finding also needs `editIncidents`.
    case viewTeams, editTeams
    /// Assessment (issue 8): see the cadre ladder, payouts and inspections in scope; run the monthly ladder,
    /// manage cadres and configure the rules (district-wide, so district command only); record 四查 scores.
    case viewAssessment, manageAssessment, editFourChecks
    /// Dual assessment (seed 002): station chiefs and the governance office (district command) score community
    /// officers; officers score grid workers.
    case scorePersonnel
    /// Public portal (issue 6): read the residents' requests in scope; reply, change status and convert them;
    /// publish notices; configure request types and Open311 keys (admin only).
    case viewPortal, handlePortal, publishNotices, configurePortal
    /// Grid events (issue 19): see the events in scope (a unit: those dispatched to it); report one (采集); act as the
    /// command centre (立案, 派遣, 督办, 上报, 延期审批); act as a responsible unit (签收, 退回, 反馈); verify on the spot
    /// (核查); configure categories, units, time limits and the working calendar.
    case viewGridEvents, reportGridEvents, dispatchGridEvents, handleGridEvents, verifyGridEvents, configureGridEvents
    /// Targeted push (精准推送, issue 19): send notices and tasks to people in one's area and follow their receipts.
    /// Everyone signed in has an inbox; no permission is needed to read one's own.
    case sendMessages
    /// Governance office (综治, issue 20): see the petition register and its statistics; register, edit and conclude petitions.
    case viewGovernance, editGovernance
    /// Joint enforcement campaigns (联合执法): organise one for the district or one's street — its period, lead unit and
    /// departments. Adding places and recording their rectification needs only `editGovernance`.
    case runCampaigns
    /// The district's own governance settings, e.g. the technical-prevention coverage targets (district command).
    case configureGovernance
}
