import Foundation

/// A port's inspection resources as data: its sites, the road minutes from yard blocks and berths to them, and how
/// much more a priority box's time weighs. Read from `Data/reference/inspection-sites.json`.
public struct DiversionNetwork: Sendable, Equatable, Codable {
    /// How much a minute of a box's circulation weighs in the plan, by priority.
    public struct Weights: Sendable, Equatable, Codable {
        /// Green-channel goods: fresh produce, live animals (DOMAIN.md §3.4).
        public var greenChannel: Double
        /// Refrigerated boxes off power.
        public var reefer: Double
        public init(greenChannel: Double, reefer: Double) {
            self.greenChannel = greenChannel
            self.reefer = reefer
        }
    }

    /// The port, a UN/LOCODE.
    public var port: String
    public var sites: [InspectionSite]
    /// Minutes from a yard block or berth to each site, by location then site id; the way back takes as long.
    public var travelMinutes: [String: [String: Int]]
    /// Where a box is taken to be when the terminal has not reported its position.
    public var defaultLocation: String
    /// How far ahead slots are offered.
    public var horizonHours: Int
    public var weights: Weights

    public init(port: String, sites: [InspectionSite], travelMinutes: [String: [String: Int]], defaultLocation: String,
                horizonHours: Int = 24, weights: Weights = .init(greenChannel: 4, reefer: 2)) {
        self.port = port
        self.sites = sites
        self.travelMinutes = travelMinutes
        self.defaultLocation = defaultLocation
        self.horizonHours = horizonHours
        self.weights = weights
    }

    public func site(_ id: String) -> InspectionSite? { sites.first { $0.id == id } }

    /// Road minutes from a location to a site; unknown locations count as the default one.
    public func travel(from location: String?, to site: String) -> Int? {
        let from = location.flatMap { travelMinutes[$0] != nil ? $0 : nil } ?? defaultLocation
        return travelMinutes[from]?[site]
    }

    /// Every problem with the data, each at its JSON pointer.
    public func validate() throws(ValidationFailure) {
        var issues = IssueCollector()
        if sites.isEmpty { issues.add("/sites", "sites-empty", "a port needs at least one inspection site") }
        var seen = Set<String>()
        for (index, site) in sites.enumerated() {
            let at = "/sites/\(index)"
            if site.id.isEmpty || !seen.insert(site.id).inserted {
                issues.add("\(at)/id", "site-id", "site ids are non-empty and unique ('\(site.id)')")
            }
            if site.kinds.isEmpty { issues.add("\(at)/kinds", "kinds-empty", "a site does at least one inspection kind") }
            if !(1...100).contains(site.lanes) { issues.add("\(at)/lanes", "lanes-range", "a site has 1 to 100 lanes") }
            if !(5...480).contains(site.slotMinutes) || 1440 % site.slotMinutes != 0 {
                issues.add("\(at)/slotMinutes", "slot-range", "a slot lasts 5 to 480 minutes and a day holds a whole number of them")
            }
            for (w, window) in site.hours.enumerated() {
                let from = InspectionSite.minute(window.from), to = InspectionSite.minute(window.to)
                if from == nil || to == nil || from! >= to! {
                    issues.add("\(at)/hours/\(w)", "window-format", "a window runs from HH:mm to a later HH:mm, up to 24:00")
                }
                if window.days.isEmpty || !window.days.allSatisfy({ (1...7).contains($0) }) {
                    issues.add("\(at)/hours/\(w)/days", "weekday-range", "weekdays are 1 (Monday) to 7 (Sunday)")
                }
            }
        }
        if travelMinutes[defaultLocation] == nil {
            issues.add("/defaultLocation", "location-unknown", "'\(defaultLocation)' has no travel times")
        }
        for (location, row) in travelMinutes.sorted(by: { $0.key < $1.key }) {
            for (site, minutes) in row.sorted(by: { $0.key < $1.key }) {
                if !seen.contains(site) {
                    issues.add("/travelMinutes/\(location)/\(site)", "site-unknown", "'\(site)' is not a site")
                } else if !(0...600).contains(minutes) {
                    issues.add("/travelMinutes/\(location)/\(site)", "travel-range", "travel takes 0 to 600 minutes")
                }
            }
        }
        if !(1...168).contains(horizonHours) { issues.add("/horizonHours", "horizon-range", "plan 1 to 168 hours ahead") }
        if !(weights.greenChannel >= 1 && weights.greenChannel <= 100 && weights.reefer >= 1 && weights.reefer <= 100) {
            issues.add("/weights", "weight-range", "priority weights are between 1 and 100")
        }
        try issues.finish()
    }
}
