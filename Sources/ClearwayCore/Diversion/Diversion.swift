import Foundation

/// Intelligent cloud diversion (智能云分流, DOMAIN.md §8.3): containers picked for inspection are given a site and
/// a time slot so that the port's summed circulation time (to the site, waiting, inspection, back) is least.
///
/// The plan is exact: slots are columns of a min-cost assignment (`Assignment`), not a greedy choice. Boxes whose
/// inspection has started keep their slot and hold their lane, so re-planning never moves them.
public enum Diversion {
    /// A container to place: what inspection it needs, what it needs of a site, where it stands and how urgent it is.
    public struct Box: Sendable, Equatable, Codable {
        public var id: String
        public var kind: InspectionKind
        public var needs: [InspectionSite.Facility]
        public var greenChannel: Bool
        /// The yard block or berth the terminal last reported.
        public var location: String?
        /// When the box can leave for a site (its selection, or its discharge if later).
        public var readyAt: Date
        /// Set once the inspection has started: the slot it holds.
        public var started: Slot?

        public init(id: String, kind: InspectionKind, needs: [InspectionSite.Facility] = [], greenChannel: Bool = false,
                    location: String? = nil, readyAt: Date, started: Slot? = nil) {
            self.id = id
            self.kind = kind
            self.needs = needs
            self.greenChannel = greenChannel
            self.location = location
            self.readyAt = readyAt
            self.started = started
        }
    }

    /// A site's lane for one inspection.
    public struct Slot: Sendable, Equatable, Codable {
        public var site: String
        public var start: Date
        public var end: Date
        /// When the terminal should move the box off its block to be at the site on time.
        public var leaveBy: Date
        public init(site: String, start: Date, end: Date, leaveBy: Date) {
            self.site = site
            self.start = start
            self.end = end
            self.leaveBy = leaveBy
        }
    }

    /// Why a box has no slot.
    public enum Unplaced: Sendable, Equatable, Codable {
        /// No site does this inspection kind with these facilities.
        case noCompatibleSite(kind: InspectionKind, needs: [InspectionSite.Facility])
        /// Sites could, but all of them are down.
        case compatibleSitesDown([String])
        /// No road from the box's location to any site that could inspect it.
        case noRoute(from: String)
        /// Every open slot within the horizon is taken or closed.
        case noSlotWithinHorizon(hours: Int, sites: [String])
        /// The terminal has not reported the box discharged or gated in yet.
        case notAtPort

        public var detail: String {
            switch self {
            case .noCompatibleSite(let kind, let needs):
                let with = needs.isEmpty ? "" : " with " + needs.map(\.rawValue).joined(separator: ", ")
                return "no inspection site does \(kind.rawValue) inspections\(with)"
            case .compatibleSitesDown(let sites):
                return "every site that can inspect it is down: \(sites.joined(separator: ", "))"
            case .noRoute(let from):
                return "no travel time from '\(from)' to a site that can inspect it"
            case .noSlotWithinHorizon(let hours, let sites):
                return "no free slot at \(sites.joined(separator: ", ")) within \(hours) hours"
            case .notAtPort:
                return "the terminal has not reported the box discharged or gated in"
            }
        }
    }

    /// A box's slot and its expected circulation from now until it is back in the flow.
    public struct Placement: Sendable, Equatable, Codable {
        public var box: String
        public var slot: Slot
        /// Minutes from the plan's time until the box is back on its block.
        public var circulationMinutes: Double
        public var started: Bool
    }

    /// The result of one planning round.
    public struct Plan: Sendable, Equatable, Codable {
        public var at: Date
        public var placements: [Placement]
        public var unplaced: [String: Unplaced]
        /// Sum of placed boxes' circulation minutes, unweighted.
        public var totalCirculationMinutes: Double { placements.reduce(0) { $0 + $1.circulationMinutes } }

        public func placement(of box: String) -> Placement? { placements.first { $0.box == box } }
    }

    /// The sites that could inspect a box, ignoring whether they are up.
    public static func compatibleSites(for box: Box, in network: DiversionNetwork) -> [InspectionSite] {
        network.sites.filter { site in
            site.kinds.contains(box.kind) && box.needs.allSatisfy(site.facilities.contains)
        }
    }

    /// How much a minute of this box's circulation weighs.
    static func weight(_ box: Box, _ network: DiversionNetwork) -> Double {
        box.greenChannel ? network.weights.greenChannel : box.needs.contains(.reeferPower) ? network.weights.reefer : 1
    }

    /// The minutes (from now) each started inspection holds a lane, by site. One that overran holds it until a slot
    /// after now, when it is expected to be done.
    static func heldLanes(_ boxes: [Box], network: DiversionNetwork, now: Date) -> [String: [(from: Double, to: Double)]] {
        var held: [String: [(from: Double, to: Double)]] = [:]
        for box in boxes {
            guard let slot = box.started else { continue }
            let length = Double(network.site(slot.site)?.slotMinutes ?? 0) * 60
            let end = slot.start <= now ? max(slot.end, now.addingTimeInterval(length)) : slot.end
            held[slot.site, default: []].append((slot.start.timeIntervalSince(now) / 60, end.timeIntervalSince(now) / 60))
        }
        return held
    }

    /// Lanes of a site taken during `[from, from + length)` by the held intervals.
    static func busyLanes(_ held: [(from: Double, to: Double)], from: Double, length: Double) -> Int {
        held.reduce(0) { $0 + ($1.from < from + length && $1.to > from ? 1 : 0) }
    }

    /// Minutes from now to a site's first slot: slots follow the China-time clock in steps of their length from
    /// midnight, as appointment slots do, so re-planning every few minutes does not keep shifting them.
    static func firstSlot(after now: Date, length: Double) -> Date {
        let step = length * 60
        let local = now.timeIntervalSince1970 + 8 * 3600
        return Date(timeIntervalSince1970: (local / step).rounded(.up) * step - 8 * 3600)
    }

    static func startedPlacements(_ boxes: [Box], network: DiversionNetwork, now: Date) -> [Placement] {
        boxes.compactMap { box in
            guard let slot = box.started else { return nil }
            let back = Double(network.travel(from: box.location, to: slot.site) ?? 0)
            return Placement(box: box.id, slot: slot, circulationMinutes: max(0, slot.end.timeIntervalSince(now) / 60) + back,
                             started: true)
        }
    }

    /// One lane of one slot on offer.
    struct Column {
        var site: Int
        var startMinute: Double
        var start: Date
    }

    /// Plans every box at `now`. `down` lists sites out of service. Boxes already started keep their slot;
    /// one that overran holds its lane until `now` plus one slot.
    public static func plan(_ boxes: [Box], network: DiversionNetwork, down: Set<String> = [], now: Date) -> Plan {
        var placements: [Placement] = []
        var unplaced: [String: Unplaced] = [:]
        let held = heldLanes(boxes, network: network, now: now)
        placements += startedPlacements(boxes, network: network, now: now)
        let horizon = Double(network.horizonHours * 60)
        var columns: [Column] = []
        for (index, site) in network.sites.enumerated() where !down.contains(site.id) {
            let length = Double(site.slotMinutes)
            var begin = firstSlot(after: now, length: length)
            while true {
                let start = begin.timeIntervalSince(now) / 60
                guard start + length <= horizon else { break }
                if site.isOpen(from: begin) {
                    let busy = busyLanes(held[site.id] ?? [], from: start, length: length)
                    for _ in 0..<max(0, site.lanes - busy) { columns.append(Column(site: index, startMinute: start, start: begin)) }
                }
                begin = begin.addingTimeInterval(length * 60)
            }
        }
        // Rows: boxes with at least one column they could take; the others get their reason now.
        var rows: [Box] = []
        var rowColumns: [[Int]] = []
        for box in boxes where box.started == nil {
            let compatible = compatibleSites(for: box, in: network)
            if compatible.isEmpty {
                unplaced[box.id] = .noCompatibleSite(kind: box.kind, needs: box.needs)
                continue
            }
            let up = compatible.filter { !down.contains($0.id) }
            if up.isEmpty {
                unplaced[box.id] = .compatibleSitesDown(compatible.map(\.id))
                continue
            }
            let reachable = up.filter { network.travel(from: box.location, to: $0.id) != nil }
            if reachable.isEmpty {
                unplaced[box.id] = .noRoute(from: box.location ?? network.defaultLocation)
                continue
            }
            let ready = max(0, box.readyAt.timeIntervalSince(now) / 60)
            var usable: [Int] = []
            for (c, column) in columns.enumerated() {
                let site = network.sites[column.site]
                guard reachable.contains(where: { $0.id == site.id }),
                      column.startMinute >= ready + Double(network.travel(from: box.location, to: site.id)!)
                else { continue }
                usable.append(c)
            }
            if usable.isEmpty {
                unplaced[box.id] = .noSlotWithinHorizon(hours: network.horizonHours, sites: reachable.map(\.id))
                continue
            }
            rows.append(box)
            rowColumns.append(usable)
        }
        guard !rows.isEmpty else { return Plan(at: now, placements: placements, unplaced: unplaced) }
        // One "no slot" column per row, dearer than any real slot, so a shortage leaves the least urgent boxes out
        // instead of making the whole problem infeasible.
        let real = columns.count
        let width = real + rows.count
        let maxTravel = Double(network.travelMinutes.values.flatMap(\.values).max() ?? 0)
        let maxSlot = Double(network.sites.map(\.slotMinutes).max() ?? 0)
        let outside = (horizon + 2 * maxTravel + maxSlot) * 10
        var costs = [Double](repeating: .infinity, count: rows.count * width)
        for (r, box) in rows.enumerated() {
            let weight = weight(box, network)
            for c in rowColumns[r] {
                let column = columns[c]
                let site = network.sites[column.site]
                let back = Double(network.travel(from: box.location, to: site.id)!)
                costs[r * width + c] = weight * (column.startMinute + Double(site.slotMinutes) + back)
            }
            for d in real..<width { costs[r * width + d] = weight * outside }
        }
        // Cannot fail: every row has its own finite "no slot" column.
        guard let solution = try? Assignment.solve(rows: rows.count, columns: width, costs: costs) else {
            preconditionFailure("an assignment with a fallback column per row is always feasible")
        }
        for (r, box) in rows.enumerated() {
            let c = solution.columnOf[r]
            guard c < real else {
                let sites = Set(rowColumns[r].map { network.sites[columns[$0].site].id }).sorted()
                unplaced[box.id] = .noSlotWithinHorizon(hours: network.horizonHours, sites: sites)
                continue
            }
            let column = columns[c]
            let site = network.sites[column.site]
            let travel = Double(network.travel(from: box.location, to: site.id)!)
            let start = column.start
            let slot = Slot(site: site.id, start: start, end: start.addingTimeInterval(Double(site.slotMinutes) * 60),
                            leaveBy: start.addingTimeInterval(-travel * 60))
            placements.append(Placement(box: box.id, slot: slot,
                                        circulationMinutes: column.startMinute + Double(site.slotMinutes) + travel, started: false))
        }
        return Plan(at: now, placements: placements, unplaced: unplaced)
    }
}
