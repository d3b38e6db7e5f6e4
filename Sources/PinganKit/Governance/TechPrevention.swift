/// Technical-prevention coverage (科技创安覆盖率, seed 004): 「***个居民小区，有***个实行了科技创安，覆盖率**.*%；**万居民户中，
/// **万户实行了科技创安…；***个实行物业管理的小区…；**个街乡中，有**个街乡建成了地区电视监控系统，共有电视监控探头****个」.
///
/// Read off the site registry:
/// - a compound (小区) has technical prevention when it has access control (门禁) and at least one camera;
/// - its households are the compound's households; it is property-managed when it names a property company;
/// - a street has a video system when at least one public camera point in it is working;
/// - cameras are the compounds' cameras plus the registered camera points;
/// - a building has 门禁 when its record says so (楼栋门禁).
///
/// Targets (`CoverageTarget`) are set by the district for itself and, where it differs, per street; each rate is then
/// shown with its target and the gap in compounds, households or buildings still to fit.

public struct CompoundFact: Sendable {
    public var streetID: Int, households: Int, propertyManaged: Bool, accessControl: Bool, cameras: Int
    public init(streetID: Int, households: Int, propertyManaged: Bool, accessControl: Bool, cameras: Int) {
        self.streetID = streetID; self.households = households; self.propertyManaged = propertyManaged; self.accessControl = accessControl; self.cameras = cameras
    }
    public var hasTechnicalPrevention: Bool { accessControl && cameras > 0 }
}

public struct BuildingFact: Sendable {
    public var streetID: Int, accessControl: Bool
    public init(streetID: Int, accessControl: Bool) { self.streetID = streetID; self.accessControl = accessControl }
}

public struct CameraPointFact: Sendable {
    public var streetID: Int, isPublic: Bool, working: Bool
    public init(streetID: Int, isPublic: Bool, working: Bool) { self.streetID = streetID; self.isPublic = isPublic; self.working = working }
}

public struct CoverageRow: Codable, Equatable, Sendable {
    public var areaID: Int, name: String
    public var compounds = 0, compoundsCovered = 0
    public var households = 0, householdsCovered = 0
    public var managed = 0, managedCovered = 0
    public var accessControl = 0
    /// Buildings, and those with 门禁.
    public var buildings = 0, buildingsWithAccess = 0
    public var cameras = 0, cameraPoints = 0
    public var videoSystem = false
    public init(areaID: Int, name: String) { self.areaID = areaID; self.name = name }
    public var compoundRate: String { Rate.format(compoundsCovered, of: compounds) }
    public var householdRate: String { Rate.format(householdsCovered, of: households) }
    public var managedRate: String { Rate.format(managedCovered, of: managed) }
    public var buildingRate: String { Rate.format(buildingsWithAccess, of: buildings) }
}

/// Target rates in whole percent (nil: none set). A street's own value wins over the district's.
public struct CoverageTarget: Codable, Equatable, Sendable {
    public var compounds: Int?, households: Int?, managed: Int?, buildings: Int?
    public init(compounds: Int? = nil, households: Int? = nil, managed: Int? = nil, buildings: Int? = nil) {
        self.compounds = compounds; self.households = households; self.managed = managed; self.buildings = buildings
    }
    public var isEmpty: Bool { compounds == nil && households == nil && managed == nil && buildings == nil }
    public static let range = 0...100

    /// The street's targets, each falling back to the district's.
    public func over(_ district: CoverageTarget) -> CoverageTarget {
        CoverageTarget(compounds: compounds ?? district.compounds, households: households ?? district.households,
                       managed: managed ?? district.managed, buildings: buildings ?? district.buildings)
    }

    /// How many more (compounds, households, buildings) must be covered to reach `percent` of `whole`; 0 when met.
    public static func gap(_ part: Int, of whole: Int, percent: Int) -> Int {
        guard whole > 0 else { return 0 }
        let needed = (whole * percent + 99) / 100   // rounded up: 80 % of 11 compounds is 9
        return max(0, needed - part)
    }
}

public struct CoverageTotals: Codable, Equatable, Sendable {
    public var streets: [CoverageRow]
    public var total: CoverageRow
    public var streetsWithVideo: Int
    public var streetCount: Int
    public var videoRate: String { Rate.format(streetsWithVideo, of: streetCount) }
    /// Nothing in the registry at all (e.g. a year before the registry was filled): no comparison is meaningful.
    public var isEmpty: Bool { total.compounds == 0 && total.cameraPoints == 0 }

    public static func compute(streets: [(id: Int, name: String)], compounds: [CompoundFact], cameras: [CameraPointFact], buildings: [BuildingFact] = []) -> CoverageTotals {
        var rows = Dictionary(uniqueKeysWithValues: streets.map { ($0.id, CoverageRow(areaID: $0.id, name: $0.name)) })
        for c in compounds where rows[c.streetID] != nil {
            rows[c.streetID]!.compounds += 1; rows[c.streetID]!.households += c.households; rows[c.streetID]!.cameras += c.cameras
            if c.accessControl { rows[c.streetID]!.accessControl += 1 }
            if c.propertyManaged { rows[c.streetID]!.managed += 1 }
            if c.hasTechnicalPrevention {
                rows[c.streetID]!.compoundsCovered += 1; rows[c.streetID]!.householdsCovered += c.households
                if c.propertyManaged { rows[c.streetID]!.managedCovered += 1 }
            }
        }
        for b in buildings where rows[b.streetID] != nil {
            rows[b.streetID]!.buildings += 1
            if b.accessControl { rows[b.streetID]!.buildingsWithAccess += 1 }
        }
        for p in cameras where rows[p.streetID] != nil {
            rows[p.streetID]!.cameraPoints += 1; rows[p.streetID]!.cameras += 1
            if p.isPublic && p.working { rows[p.streetID]!.videoSystem = true }
        }
        let list = streets.map { rows[$0.id]! }
        var total = CoverageRow(areaID: 0, name: "")
        for r in list {
            total.compounds += r.compounds; total.compoundsCovered += r.compoundsCovered; total.households += r.households; total.householdsCovered += r.householdsCovered
            total.managed += r.managed; total.managedCovered += r.managedCovered; total.accessControl += r.accessControl
            total.buildings += r.buildings; total.buildingsWithAccess += r.buildingsWithAccess
            total.cameras += r.cameras; total.cameraPoints += r.cameraPoints
        }
        return CoverageTotals(streets: list, total: total, streetsWithVideo: list.filter(\.videoSystem).count, streetCount: list.count)
    }

    /// The seed's paragraph, with this registry's figures.
    public func sentence(chinese: Bool) -> String {
        let t = total
        if chinese {
            return "辖区\(t.compounds)个居民小区，有\(t.compoundsCovered)个实行了科技创安，覆盖率\(t.compoundRate)；\(t.households)户居民中，\(t.householdsCovered)户实行了科技创安，覆盖率\(t.householdRate)；"
                + "\(t.managed)个实行物业管理的小区，有\(t.managedCovered)个实行了科技创安，覆盖率\(t.managedRate)；\(streetCount)个街乡中，有\(streetsWithVideo)个建成了地区电视监控系统，覆盖率\(videoRate)，共有电视监控探头\(t.cameras)个。"
        }
        return "Of \(t.compounds) compounds, \(t.compoundsCovered) have technical prevention (\(t.compoundRate)); of \(t.households) households, \(t.householdsCovered) (\(t.householdRate)); "
            + "of \(t.managed) property-managed compounds, \(t.managedCovered) (\(t.managedRate)); \(streetsWithVideo) of \(streetCount) streets have a video system (\(videoRate)), with \(t.cameras) cameras."
    }
}
