import Foundation

/// One agency's approval a declaration needs before release (one submission, many agencies): which agency, what
/// kind of approval, for which goods items, by when (its SLA clock), and what the agency decided.
public struct AgencyApproval: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending
        case approved
        case rejected
    }

    public var agency: String
    /// What the agency grants, e.g. `quarantine-approval`, `automatic-import-licence`, `radio-type-approval`.
    public var kind: String
    /// Goods item numbers that need it.
    public var items: [Int]
    public var requiredAt: Date
    /// When the agency's SLA runs out.
    public var dueAt: Date
    public var status: Status
    public var decidedAt: Date?
    public var decidedBy: String?
    public var note: String?
    /// The permit or licence number the approval rests on.
    public var reference: String?
    /// Whether goods may be released provisionally while the agency's system is down (degraded mode).
    public var provisionalAllowed: Bool?

    public init(agency: String, kind: String, items: [Int], requiredAt: Date, dueAt: Date) {
        self.agency = agency
        self.kind = kind
        self.items = items
        self.requiredAt = requiredAt
        self.dueAt = dueAt
        status = .pending
    }

    /// Whether the SLA ran out before a decision (or, still pending, by `now`).
    public func isOverdue(at now: Date) -> Bool { (decidedAt ?? now) > dueAt }
}

/// Which agencies must approve what, by commodity code prefix: reference data (`Data/reference/agency-routing.csv`).
public struct AgencyRouting: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var commodityPrefix: String
        public var agency: String
        public var kind: String
        public var slaMinutes: Int
        /// The direction the approval is needed in; licences and quarantine approvals are mostly for imports.
        public var direction: Direction
        /// The approval may be waived for a provisional release while the agency's system is down.
        public var provisional: Bool
        public init(commodityPrefix: String, agency: String, kind: String, slaMinutes: Int, direction: Direction = .import,
                    provisional: Bool = false) {
            self.provisional = provisional
            self.commodityPrefix = commodityPrefix
            self.agency = agency
            self.kind = kind
            self.slaMinutes = slaMinutes
            self.direction = direction
        }

        func applies(to draft: DeclarationDraft) -> [Int] {
            guard draft.direction == direction else { return [] }
            return draft.items.filter { $0.commodityCode.rawValue.hasPrefix(commodityPrefix) }.map(\.number)
        }
    }

    public var rules: [Rule]
    public init(rules: [Rule] = []) { self.rules = rules }

    /// The approvals a draft needs, one per agency and kind, listing the goods items each covers.
    public func requirements(for draft: DeclarationDraft, at now: Date) -> [AgencyApproval] {
        var result: [AgencyApproval] = []
        for rule in rules {
            let items = rule.applies(to: draft)
            guard !items.isEmpty else { continue }
            if let index = result.firstIndex(where: { $0.agency == rule.agency && $0.kind == rule.kind }) {
                result[index].items = Array(Set(result[index].items + items)).sorted()
                result[index].dueAt = min(result[index].dueAt, now.addingTimeInterval(Double(rule.slaMinutes) * 60))
                result[index].provisionalAllowed = (result[index].provisionalAllowed ?? true) && rule.provisional
            } else {
                var approval = AgencyApproval(agency: rule.agency, kind: rule.kind, items: items, requiredAt: now,
                                              dueAt: now.addingTimeInterval(Double(rule.slaMinutes) * 60))
                approval.provisionalAllowed = rule.provisional
                result.append(approval)
            }
        }
        return result
    }

    /// Whether any goods item of the draft needs this agency.
    public func involves(_ agency: String, in draft: DeclarationDraft) -> Bool {
        rules.contains { $0.agency == agency && !$0.applies(to: draft).isEmpty }
    }
}
