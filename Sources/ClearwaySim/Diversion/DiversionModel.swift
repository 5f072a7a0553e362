import ClearwayCore
import Foundation

/// Inspected boxes routed to inspection sites for a day (智能云分流): first-come nearest free site against the
/// real planner re-run every round, on one port's sites from `Data/reference/inspection-sites.json`.
public struct DiversionModel: Sendable, Equatable, Codable {
    /// UN/LOCODE of the port whose sites are used.
    public var port: String
    /// `nearest-free` (first come, nearest free site) or `planner`.
    public var policy: String
    public var boxes: Int
    public var stepMinutes: Int
    public var scanShare: Double
    public var physicalShare: Double
    public var reeferShare: Double
    public var dangerousGoodsShare: Double
    public var fumigationShare: Double
    public var greenShareOfReefers: Double
    /// Relative rate of boxes picked for inspection, per hour of the day (24 values).
    public var hourlyProfile: [Double]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case port, policy, boxes, stepMinutes, scanShare, physicalShare, reeferShare, dangerousGoodsShare,
            fumigationShare, greenShareOfReefers, hourlyProfile
    }

    static var fieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [FieldProblem] {
        var c = ParameterChecks()
        if DiversionDay.Policy(rawValue: policy) == nil {
            c.add("policy", "is one of \(DiversionDay.Policy.allCases.map(\.rawValue).joined(separator: ", ")), not '\(policy)'")
        }
        c.count(boxes, "boxes", 1...20_000)
        c.count(stepMinutes, "stepMinutes", 1...120)
        for (field, share) in [("scanShare", scanShare), ("physicalShare", physicalShare), ("reeferShare", reeferShare),
                               ("dangerousGoodsShare", dangerousGoodsShare), ("fumigationShare", fumigationShare),
                               ("greenShareOfReefers", greenShareOfReefers)] {
            c.share(share, field)
        }
        if scanShare + physicalShare > 1 { c.add("physicalShare", "scanShare + physicalShare is above 1") }
        if hourlyProfile.count != 24 { c.add("hourlyProfile", "has 24 values, one per hour, not \(hourlyProfile.count)") }
        for (hour, weight) in hourlyProfile.enumerated() where !(weight >= 0 && weight.isFinite) {
            c.add("hourlyProfile[\(hour)]", "must be at least 0, not \(weight)")
        }
        return c.problems
    }

    public func simulate(name: String, seed: UInt64, start: Date, networks: [DiversionNetwork]) throws(ScenarioError)
        -> SimulationResult
    {
        guard let network = networks.first(where: { $0.port == port }) else {
            throw ScenarioError([.init(path: "parameters.port", message: "no inspection sites for '\(port)' (known: \(networks.map(\.port).joined(separator: ", ")))")])
        }
        var parameters = DiversionDay.Parameters()
        parameters.boxes = boxes
        parameters.seed = seed
        parameters.start = start
        parameters.stepMinutes = stepMinutes
        parameters.scanShare = scanShare
        parameters.physicalShare = physicalShare
        parameters.reeferShare = reeferShare
        parameters.dangerousGoodsShare = dangerousGoodsShare
        parameters.fumigationShare = fumigationShare
        parameters.greenShareOfReefers = greenShareOfReefers
        parameters.hourlyProfile = hourlyProfile
        let result = DiversionDay(network: network, parameters: parameters).run(DiversionDay.Policy(rawValue: policy)!)
        let placed = Tally(result.outcomes.map(\.circulationMinutes))
        // A box still waiting when the day's 48 hours run out has circulated at least that long; leaving it out would
        // reward a policy for the boxes it fails to place.
        let circulation = Tally(placed.values + result.unplaced.map(\.waitedMinutes))
        let rows = result.outcomes.map { outcome in
            let ready = outcome.box.readyAt.timeIntervalSince(start)
            return [outcome.box.id, outcome.box.kind.rawValue, outcome.box.location ?? "", clockText(ready), outcome.slot.site,
                    minutesText(outcome.slot.start.timeIntervalSince(outcome.box.readyAt)), String(format: "%.1f", outcome.circulationMinutes)]
        } + result.unplaced.map { box, waited in
            [box.id, box.kind.rawValue, box.location ?? "", clockText(box.readyAt.timeIntervalSince(start)), "", "",
             String(format: "%.1f", waited)]
        }
        return SimulationResult(
            scenario: name, model: "diversion",
            measures: [
                .init("inspected boxes", Double(result.boxes), ""),
                .init("placed within 48 h", Double(result.placed), ""),
                .init("mean circulation per inspected box", circulation.mean, "min"),
                .init("p90 circulation", circulation.percentile(90), "min"),
                .init("mean circulation of placed boxes", placed.mean, "min"),
                .init("planning rounds", Double(result.rounds), ""),
            ],
            columns: ["box", "inspection", "block", "ready", "site", "slot_starts_after_min", "circulation_min"],
            rows: rows, primary: circulation, primaryLabel: "circulation per inspected box (min)", events: result.rounds)
    }
}
