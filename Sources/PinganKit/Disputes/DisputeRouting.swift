/// Unified intake (统一登记、分流): the registration desk at any level sends a new file to the level
/// responsible for it and, where possible, to a mediator there. The rule of thumb of the three-level
/// system: ordinary disputes stay in the community; disputes that cross communities, involve a group or
/// a company stay with the street; mass, demolition and cross-street matters go to the district centre.
public enum DisputeRouting {
    public struct Facts: Sendable {
        public var type: DisputeType
        public var peopleInvolved: Int
        public var massPetition: Bool
        public var groupFight: Bool
        public var criminalRisk: Bool
        public init(type: DisputeType, peopleInvolved: Int, massPetition: Bool = false, groupFight: Bool = false, criminalRisk: Bool = false) {
            self.type = type; self.peopleInvolved = peopleInvolved; self.massPetition = massPetition; self.groupFight = groupFight; self.criminalRisk = criminalRisk
        }
    }

    /// Group size from which a dispute leaves the community (群体性纠纷) and the district takes over.
    public static let streetFromPeople = 10
    public static let districtFromPeople = 30

    public struct Decision: Equatable, Sendable {
        public var level: DisputeLevel
        public var reasonZh: String
        public var reasonEn: String
    }

    public static func level(for f: Facts) -> Decision {
        if f.massPetition || f.peopleInvolved >= districtFromPeople {
            return Decision(level: .district, reasonZh: "可能引发群体性上访或涉及\(districtFromPeople)人以上，由区调处中心办理",
                            reasonEn: "Risk of a mass petition or \(districtFromPeople)+ people: district centre")
        }
        if f.type == .demolition {
            return Decision(level: .district, reasonZh: "征地拆迁纠纷由区调处中心统筹", reasonEn: "Demolition and land acquisition: district centre")
        }
        if f.groupFight || f.criminalRisk || f.peopleInvolved >= streetFromPeople {
            return Decision(level: .street, reasonZh: "有械斗或民转刑风险，或涉及\(streetFromPeople)人以上，由街道调处分中心办理",
                            reasonEn: "Risk of a group fight or of turning criminal, or \(streetFromPeople)+ people: street sub-centre")
        }
        switch f.type {
        case .landForest, .wageArrears, .labour, .medical, .property:
            return Decision(level: .street, reasonZh: "\(f.type.nameZh)涉及单位或行业部门，由街道调处分中心办理",
                            reasonEn: "\(f.type.nameEn) involves an employer or an agency: street sub-centre")
        default:
            return Decision(level: .community, reasonZh: "一般纠纷就地化解，由社区调解室办理", reasonEn: "An ordinary dispute is settled locally: community station")
        }
    }

    public struct Candidate: Equatable, Sendable {
        public var id: Int
        public var openFiles: Int
        public var overdueFiles: Int
        public init(id: Int, openFiles: Int, overdueFiles: Int = 0) { self.id = id; self.openFiles = openFiles; self.overdueFiles = overdueFiles }
    }

    /// The mediator to suggest among those at the level covering the place: fewest overdue files,
    /// then fewest open files, then the lowest id (stable). nil when the level has no mediator:
    /// the file then waits in the level's queue (the committee assigns it).
    public static func mediator(among candidates: [Candidate]) -> Int? {
        candidates.min { ($0.overdueFiles, $0.openFiles, $0.id) < ($1.overdueFiles, $1.openFiles, $1.id) }?.id
    }
}
