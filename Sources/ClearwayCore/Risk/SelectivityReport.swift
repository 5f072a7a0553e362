import Foundation

/// How lanes were decided over a set of declarations: the share decided automatically, lane shares, random hits
/// and rule hits.
public struct SelectivityReport: Sendable, Equatable {
    public var declarations: Int
    /// Declarations with a lane.
    public var decided: Int
    /// Lanes the system decided at lodgement and no officer changed.
    public var decidedAutomatically: Int
    public var changedByOfficer: Int
    public var lanes: [Declaration.Lane: Int]
    public var randomlySelected: Int
    /// Hits per rule id.
    public var ruleHits: [String: Int]
    /// Orders by outcome, for the completed ones.
    public var outcomes: [InspectionOutcome: Int]

    /// The share of decided declarations whose lane the system decided alone.
    public var automaticShare: Double { decided == 0 ? 0 : Double(decidedAutomatically) / Double(decided) }

    public init(_ states: [Declaration.State]) {
        declarations = states.count
        decided = 0
        decidedAutomatically = 0
        changedByOfficer = 0
        lanes = [:]
        randomlySelected = 0
        ruleHits = [:]
        outcomes = [:]
        for state in states {
            guard let lane = state.clearance.lane, let selection = state.clearance.selection else { continue }
            decided += 1
            lanes[lane, default: 0] += 1
            if selection.decidedBy == .system { decidedAutomatically += 1 } else { changedByOfficer += 1 }
            if selection.random?.selected == true { randomlySelected += 1 }
            for hit in selection.ruleHits { ruleHits[hit.rule, default: 0] += 1 }
            for order in state.clearance.inspections { if let outcome = order.outcome { outcomes[outcome, default: 0] += 1 } }
        }
    }
}
