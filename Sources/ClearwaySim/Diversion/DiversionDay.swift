import ClearwayCore
import Foundation

/// A generated day of a busy port's inspected containers, replayed against a routing policy in rounds, as the
/// diversion worker runs: every `stepMinutes` the waiting boxes are planned, and boxes that must leave before the
/// next round are committed to their slot. Measures circulation (ready → inspected → back on the block) per box.
public struct DiversionDay: Sendable {
    /// How the day is generated.
    public struct Parameters: Sendable, Equatable, Codable {
        public var boxes = 250
        public var seed: UInt64 = 1
        /// Midnight China time of the simulated day.
        public var start = Date(timeIntervalSince1970: 1_796_054_400)
        public var stepMinutes = 10
        /// Shares of inspection kinds: scan, physical, the rest sampling.
        public var scanShare = 0.6
        public var physicalShare = 0.3
        public var reeferShare = 0.12
        public var dangerousGoodsShare = 0.04
        public var fumigationShare = 0.02
        /// Share of reefers that are green-channel fresh produce.
        public var greenShareOfReefers = 0.6
        /// Relative arrival rate per hour of the day, China time (selections follow discharge and office hours).
        public var hourlyProfile: [Double] = [
            0.4, 0.3, 0.3, 0.3, 0.4, 0.6, 0.9, 1.2, 1.5, 1.6, 1.6, 1.5, 1.2, 1.4, 1.6, 1.6, 1.5, 1.3, 1.1, 1.0, 0.9, 0.8, 0.6, 0.5,
        ]
        public init() {}
    }

    /// The routing policies compared.
    public enum Policy: String, Sendable, CaseIterable {
        /// Nearest compatible site, first free lane, in arrival order.
        case nearestFree = "nearest-free"
        /// Clearway's optimal plan, re-made each round.
        case planner
    }

    /// Where one box went and how long it circulated.
    public struct Outcome: Sendable, Equatable {
        public var box: Diversion.Box
        public var slot: Diversion.Slot
        public var circulationMinutes: Double
    }

    public struct Result: Sendable {
        public var policy: Policy
        /// Placed boxes in the order they were committed.
        public var outcomes: [Outcome]
        /// Boxes still without a slot when the run ended, with the minutes they had waited by then (a lower bound of
        /// their circulation).
        public var unplaced: [(box: Diversion.Box, waitedMinutes: Double)]
        public var boxes: Int
        public var placed: Int
        public var meanCirculationMinutes: Double
        public var p90CirculationMinutes: Double
        public var rounds: Int
        public var planningSeconds: Double
    }

    public var network: DiversionNetwork
    public var parameters: Parameters
    public init(network: DiversionNetwork, parameters: Parameters = .init()) {
        self.network = network
        self.parameters = parameters
    }

    /// The day's boxes, the same for every policy with the same seed.
    public func generate() -> [Diversion.Box] {
        var random = SeededRandom(seed: parameters.seed)
        let locations = network.travelMinutes.keys.sorted()
        let profile = parameters.hourlyProfile
        let total = profile.reduce(0, +)
        return (0..<parameters.boxes).map { index in
            var pick = random.unit() * total
            var hour = 0
            while hour < profile.count - 1, pick >= profile[hour] {
                pick -= profile[hour]
                hour += 1
            }
            let ready = parameters.start.addingTimeInterval((Double(hour) + random.unit()) * 3600)
            let k = random.unit()
            let kind: InspectionKind = k < parameters.scanShare ? .scan
                : k < parameters.scanShare + parameters.physicalShare ? .physical : .sampling
            var needs: [InspectionSite.Facility] = []
            var green = false
            let special = random.unit()
            if special < parameters.reeferShare {
                needs = [.reeferPower]
                green = random.unit() < parameters.greenShareOfReefers
            } else if special < parameters.reeferShare + parameters.dangerousGoodsShare, kind != .scan {
                needs = [.dangerousGoods]
            } else if special < parameters.reeferShare + parameters.dangerousGoodsShare + parameters.fumigationShare {
                needs = [.fumigation]
            }
            let fumigation = needs == [.fumigation]
            return Diversion.Box(
                id: String(format: "box-%05d", index), kind: fumigation ? .physical : kind, needs: needs, greenChannel: green,
                location: locations[Int(random.unit() * Double(locations.count)) % locations.count], readyAt: ready)
        }.sorted { $0.readyAt < $1.readyAt }
    }

    /// Replays the day under one policy.
    public func run(_ policy: Policy) -> Result {
        let boxes = generate()
        let step = TimeInterval(parameters.stepMinutes * 60)
        let end = parameters.start.addingTimeInterval(48 * 3600)
        var committed: [String: Diversion.Slot] = [:]
        var circulation: [Double] = []
        var outcomes: [Outcome] = []
        var next = 0
        var waiting: [Diversion.Box] = []
        var holding: [Diversion.Box] = []
        var now = parameters.start
        var rounds = 0
        var planning = Duration.zero
        let clock = ContinuousClock()
        while now < end, next < boxes.count || !waiting.isEmpty {
            while next < boxes.count, boxes[next].readyAt <= now {
                waiting.append(boxes[next])
                next += 1
            }
            holding.removeAll { $0.started!.end <= now }
            if !waiting.isEmpty {
                let began = clock.now
                let plan = policy == .planner
                    ? Diversion.plan(holding + waiting, network: network, now: now)
                    : Diversion.nearestFree(holding + waiting, network: network, now: now)
                planning += clock.now - began
                rounds += 1
                var placements: [String: Diversion.Placement] = [:]
                for placement in plan.placements where !placement.started { placements[placement.box] = placement }
                waiting.removeAll { box in
                    guard let placement = placements[box.id], placement.slot.leaveBy < now.addingTimeInterval(step) else { return false }
                    committed[box.id] = placement.slot
                    var started = box
                    started.started = placement.slot
                    holding.append(started)
                    let back = Double(network.travel(from: box.location, to: placement.slot.site) ?? 0) * 60
                    circulation.append((placement.slot.end.timeIntervalSince(box.readyAt) + back) / 60)
                    outcomes.append(Outcome(box: box, slot: placement.slot, circulationMinutes: circulation.last!))
                    return true
                }
            }
            now = now.addingTimeInterval(step)
        }
        let sorted = circulation.sorted()
        let p90 = sorted.isEmpty ? 0 : sorted[max(0, Int((0.9 * Double(sorted.count)).rounded(.up)) - 1)]
        return Result(
            policy: policy, outcomes: outcomes,
            unplaced: (waiting + boxes[next...]).map { ($0, now.timeIntervalSince($0.readyAt) / 60) }, boxes: boxes.count, placed: committed.count,
            meanCirculationMinutes: sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count), p90CirculationMinutes: p90,
            rounds: rounds,
            planningSeconds: Double(planning.components.seconds) + Double(planning.components.attoseconds) / 1e18)
    }
}
