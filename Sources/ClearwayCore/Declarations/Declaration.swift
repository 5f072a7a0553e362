import Foundation

/// A customs declaration (报关单) as a stream of events: its customs decisions and the port events of its boxes.
///
/// Customs and logistics are two timelines joined by keys (DOMAIN.md §12); the declaration's ``Procedure`` decides
/// which conditions each movement needs, evaluated again as every event arrives.
public enum Declaration {
    /// Where a declaration stands.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case accepted
        case released
        case closed
        case cancelled
        case rejected
    }

    /// The selectivity outcome (DOMAIN.md §4.1): no intervention, documents checked, or goods inspected.
    public enum Lane: String, Sendable, Codable, CaseIterable {
        case green
        case documentary
        case inspection
    }

    /// How duties were settled before release.
    public enum Settlement: String, Sendable, Codable {
        case paid
        case guaranteed
    }

    /// What is known about one declaration now.
    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version: Int = 0
        public var status: Status?
        public var customsNumber: CustomsNumber?
        public var draft: DeclarationDraft?
        public var acceptedAt: Date?
        public var updatedAt: Date?
        public var clearance = Clearance()
        public var conveyance = Conveyance()
        /// Port facts per box, keyed by container number.
        public var boxes: [String: Box] = [:]
        public var refusals: [Refusal] = []
        public var exceptions: [String] = []
        /// Documents attached, by content hash.
        public var documents: [Attachment] = []

        public init(id: String) { self.id = id }
        public var exists: Bool { status != nil }
        public var procedure: Procedure { draft?.procedure ?? .serial }
        public var direction: Direction { draft?.direction ?? .import }
    }

    /// Customs' side of the declaration.
    public struct Clearance: Sendable, Equatable, Codable {
        public var lane: Lane?
        public var riskDecidedAt: Date?
        /// How the lane was chosen: rule hits, the random draw, the model's score and reasons.
        public var selection: Selection?
        /// Inspection orders, numbered from 1; port ones block release, destination ones are done after it.
        public var inspections: [InspectionOrder] = []
        /// The last phytosanitary certificate checked against the declaration, with what did not match.
        public var phytosanitary: PhytosanitaryCheck?
        /// The sealed move to the destination, when goods leave the port before a destination inspection.
        public var transfer: SupervisedTransfer?
        public var inspectionCompletedAt: Date?
        public var inspectionCompliant: Bool?
        /// Other agencies' approvals the goods need before release (optional so older snapshots still read).
        public var agencyApprovals: [AgencyApproval]?
        /// Agencies a provisional release went ahead without (degraded mode), until they decide.
        public var provisionalFor: [String]?
        public var dutiesSettledAt: Date?
        public var settlement: Settlement?
        public var releasedAt: Date?
        public var holdReason: String?
        public var heldSince: Date?
        public var departureApprovedAt: Date?
        public var completionDue: Date?
        public var completedAt: Date?
        public var closedAt: Date?
        public var finalAt: Date?
    }

    /// The conveyance (vessel, barge, flight) the declaration is bound to, as the carrier and tally firm report it.
    public struct Conveyance: Sendable, Equatable, Codable {
        public var arrivedAt: Date?
        public var departedAt: Date?
        public var tallyNormal: Bool?
        public var talliedAt: Date?
        public var manifests: [String: Date] = [:]
    }

    /// One box's port facts.
    public struct Box: Sendable, Equatable, Codable {
        public var dischargedAt: Date?
        public var gatedInAt: Date?
        public var loadedAt: Date?
        public var gatedOutAt: Date?
        public var shutOut = false
        public init() {}
    }

    /// A movement the rules forbade, with the conditions that did not hold.
    public struct Refusal: Sendable, Equatable, Codable {
        public var movement: Movement
        public var container: String?
        public var unmet: [Condition]
        public var at: Date
        public var reason: String { unmet.map { "hold: \($0.hold)" }.joined(separator: "; ") }
    }

    /// Rules from reference data that commands are decided with.
    public struct Rules: Sendable, Equatable {
        /// Days after acceptance within which a two-step summary declaration must be completed (DOMAIN.md §1.5).
        public var completionDays: Int
        /// Which agencies must approve which goods before release.
        public var agencyRouting: AgencyRouting
        /// Days goods may lie undeclared before customs may sell them off (DOMAIN.md §1.1): a port event older than
        /// this when a declaration is lodged belongs to an earlier stay of the box, not to the goods now declared.
        public var undeclaredDays: Int
        public init(completionDays: Int = 14, agencyRouting: AgencyRouting = .init(), undeclaredDays: Int = 90) {
            self.completionDays = completionDays
            self.agencyRouting = agencyRouting
            self.undeclaredDays = undeclaredDays
        }
    }

    /// What someone asks of a declaration.
    public enum Command: Sendable {
        /// Lodge a checked draft; `sequence` is the next gapless number of the accepting office's counter.
        case lodge(DeclarationDraft, sequence: Int)
        case amend(DeclarationDraft)
        case bindTransport(means: String, voyage: String?)
        case cancel(reason: String)
        case reject(reason: String)
        /// Records the selectivity decision; an officer may decide again until an inspection result is recorded.
        case decideRisk(Selection)
        case orderInspection(Selection.Requested)
        /// Records an inspection's result; `order` may be omitted when exactly one inspection is open.
        case completeInspection(order: Int?, outcome: InspectionOutcome, findings: String, evidence: [String])
        case settleDuties(Settlement)
        case hold(reason: String)
        case unhold
        case recordPortEvent(PortEvent)
        /// Its sender declared void a port event recorded on this declaration (the event as it was recorded).
        case retractPortEvent(PortEvent)
        case confirmDeparture(means: String, voyage: String?)
        case completeDeclaration(DeclarationDraft)
        case rebook(means: String, voyage: String?)
        case recordException(container: String, description: String)
        case attachDocument(Attachment)
        /// Seals the goods onto a supervised vehicle for the destination inspection (customs at the port).
        case startTransfer(vehicle: String, seal: String, corridor: [String], due: Date)
        /// A custody report from the electronic seal.
        case recordCheckpoint(SupervisedTransfer.Checkpoint)
        /// Records the check of an attached phytosanitary certificate against the declaration.
        case checkPhytosanitary(PlantHealthCertificate, document: String)
        /// Raises the missed-deadline alert when a transfer has not arrived by its due time (run by a worker).
        case checkCustody
        /// An agency's decision on the approval it owes; `reference` is the permit or licence it rests on.
        case decideAgencyApproval(agency: String, kind: String, approve: Bool, note: String, reference: String?)
        /// Degraded mode: release ahead of approvals whose agencies' systems are down, where the rules allow it.
        case releaseProvisionally(agenciesDown: Set<String>, tradingPartyTier: CreditTier)
    }

    /// The time, the principal and the rules every command is decided with.
    public struct Context: Sendable {
        public var now: Date
        public var principal: Principal
        public var rules: Rules
        public init(now: Date, principal: Principal, rules: Rules = Rules()) {
            self.now = now
            self.principal = principal
            self.rules = rules
        }
        var stamp: Event.Stamp { .init(at: now, by: principal) }
    }

    /// The counter a lodgement at `date` draws its customs number sequence from.
    public static func numberingCounter(for draft: DeclarationDraft, at date: Date) -> String {
        CustomsNumber.counterName(office: draft.declarationOffice, year: ChinaTime.calendar.component(.year, from: date))
    }

    /// Rebuilds the state of one declaration from its whole stream.
    public static func replay(id: String, _ events: [Event]) -> State {
        events.reduce(State(id: id), evolve)
    }
}
