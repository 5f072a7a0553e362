import Foundation

/// What selectivity knows of a declaration at lodgement.
public struct RiskSubject: Sendable {
    public var draft: DeclarationDraft
    public var customsNumber: String
    public var creditTier: CreditTier
    /// The trading party's earlier inspections that found a discrepancy.
    public var priorDiscrepancies: Int
    /// The learned model's probability for the riskiest line, when a model is loaded.
    public var score: Double?
    public var currencyExponents: [String: Int]

    public init(draft: DeclarationDraft, customsNumber: String, creditTier: CreditTier, priorDiscrepancies: Int,
                score: Double?, currencyExponents: [String: Int]) {
        self.draft = draft
        self.customsNumber = customsNumber
        self.creditTier = creditTier
        self.priorDiscrepancies = priorDiscrepancies
        self.score = score
        self.currencyExponents = currencyExponents
    }
}

/// The selectivity decision with everything that led to it, recorded on the declaration for audit.
public struct Selection: Sendable, Equatable, Codable {
    public var lane: Declaration.Lane
    /// Who decided: `system` at lodgement, or an officer's override.
    public var decidedBy: Source
    public var ruleHits: [RuleHit]
    public var random: RandomSelection.Draw?
    public var score: Double?
    public var reasons: [RiskModel.Reason]
    /// The inspections asked for; empty for green.
    public var inspections: [Requested]
    public var creditTier: CreditTier?
    /// Fresh products of the green channel: their inspections go first.
    public var greenChannel: Bool?

    public enum Source: String, Sendable, Codable {
        case system
        case officer
    }

    /// A rule that hit, by id and version.
    public struct RuleHit: Sendable, Equatable, Codable {
        public var rule: String
        public var version: Int
        public var name: String
        public var lane: Declaration.Lane
    }

    /// One inspection to order.
    public struct Requested: Sendable, Equatable, Codable {
        public var kind: InspectionKind
        public var place: InspectionPlace
        /// The officer drawn at random, when the random draw asked for it.
        public var officer: String?
        public init(kind: InspectionKind, place: InspectionPlace, officer: String? = nil) {
            self.kind = kind
            self.place = place
            self.officer = officer
        }
    }

    public init(lane: Declaration.Lane, decidedBy: Source, ruleHits: [RuleHit] = [], random: RandomSelection.Draw? = nil,
                score: Double? = nil, reasons: [RiskModel.Reason] = [], inspections: [Requested] = [],
                creditTier: CreditTier? = nil) {
        self.lane = lane
        self.decidedBy = decidedBy
        self.ruleHits = ruleHits
        self.random = random
        self.score = score
        self.reasons = reasons
        self.inspections = inspections
        self.creditTier = creditTier
    }

    /// An officer's decision: the lane, and for inspection what and where.
    public static func byOfficer(_ lane: Declaration.Lane, inspection: Requested? = nil) -> Selection {
        let requested: [Requested] = switch lane {
        case .green: []
        case .documentary: [Requested(kind: .documentReview, place: .port)]
        case .inspection: [inspection ?? Requested(kind: .physical, place: .port)]
        }
        return Selection(lane: lane, decidedBy: .officer, inspections: requested)
    }
}

/// Decides the lane of a declaration from the targeting rules in force, the random draw and the model's score.
public enum Selectivity {
    /// Rules in force at `date`: the latest effective version of each id.
    public static func rulesInForce(_ rules: [RiskRule], at date: Date) -> [RiskRule] {
        var latest: [String: RiskRule] = [:]
        for rule in rules where rule.isEffective(at: date) {
            if let current = latest[rule.id], current.version >= rule.version { continue }
            latest[rule.id] = rule
        }
        return latest.values.sorted { $0.id < $1.id }
    }

    /// The strictest lane any hit asks for; each hit's inspection is ordered once per kind and place.
    public static func decide(_ subject: RiskSubject, rules: [RiskRule], at date: Date, random: RandomSelection.Draw?,
                              randomKind: (InspectionKind, InspectionPlace) = (.physical, .port), officer: String? = nil,
                              reasons: [RiskModel.Reason] = []) -> Selection {
        var hits: [Selection.RuleHit] = []
        var requested: [Selection.Requested] = []
        func request(_ kind: InspectionKind, _ place: InspectionPlace, officer: String? = nil) {
            if !requested.contains(where: { $0.kind == kind && $0.place == place }) {
                requested.append(.init(kind: kind, place: place, officer: officer))
            }
        }
        for rule in rulesInForce(rules, at: date) where rule.matches(subject) {
            hits.append(.init(rule: rule.id, version: rule.version, name: rule.name, lane: rule.then.lane))
            switch rule.then.lane {
            case .green: break
            case .documentary: request(.documentReview, rule.then.place ?? .port)
            case .inspection: request(rule.then.inspection ?? .physical, rule.then.place ?? .port)
            }
        }
        if random?.selected == true { request(randomKind.0, randomKind.1, officer: officer) }
        let physical = requested.contains { $0.kind != .documentReview }
        let lane: Declaration.Lane = physical ? .inspection : requested.isEmpty ? .green : .documentary
        // A document review is part of any physical inspection; ordering both would double the queue.
        if physical { requested.removeAll { $0.kind == .documentReview } }
        return Selection(lane: lane, decidedBy: .system, ruleHits: hits, random: random, score: subject.score,
                         reasons: reasons, inspections: requested.sorted { ($0.place.rawValue, $0.kind) < ($1.place.rawValue, $1.kind) },
                         creditTier: subject.creditTier)
    }
}
