import Foundation

extension Declaration {
    /// What happened to a declaration, with when and by whom.
    public enum Event: Sendable, Equatable, DomainEvent {
        case accepted(Accepted)
        case amended(Amended)
        case transportBound(TransportBound)
        case cancelled(Cancelled)
        case rejected(Rejected)
        case riskDecided(RiskDecided)
        case inspectionCompleted(InspectionCompleted)
        case inspectionOrdered(InspectionOrdered)
        case transferStarted(TransferStarted)
        case checkpointRecorded(CheckpointRecorded)
        case custodyAlerted(CustodyAlerted)
        case phytosanitaryChecked(PhytosanitaryChecked)
        case dutiesSettled(DutiesSettled)
        case released(Released)
        case held(Held)
        case unheld(Unheld)
        case portEventRecorded(PortEventRecorded)
        case portEventRetracted(PortEventRetracted)
        case movementRefused(MovementRefused)
        case departureApproved(DepartureApproved)
        case completed(Completed)
        case rebooked(Rebooked)
        case exceptionRecorded(ExceptionRecorded)
        case closed(Closed)
        case documentAttached(DocumentAttached)
        case agencyDecided(AgencyDecided)

        /// When and by whom; every event has one.
        public struct Stamp: Sendable, Equatable, Codable {
            public var at: Date
            public var by: Principal
        }

        public struct Accepted: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var customsNumber: CustomsNumber
            public var draft: DeclarationDraft
            public var completionDue: Date?
            /// The agencies' approvals the goods need, decided by the routing rules in force at acceptance.
            public var agencyApprovals: [AgencyApproval]?
        }
        public struct Amended: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var draft: DeclarationDraft
        }
        public struct TransportBound: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var means: String
            public var voyage: String?
        }
        public struct Cancelled: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var reason: String
        }
        public struct Rejected: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var reason: String
            public var returnToShipper: [String]
        }
        public struct RiskDecided: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var lane: Lane
            /// Absent in events recorded before selectivity was automated.
            public var selection: Selection?
        }
        public struct InspectionCompleted: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var compliant: Bool
            public var findings: String
            /// The order completed; absent in events recorded before inspection orders existed.
            public var order: Int?
            public var outcome: InspectionOutcome?
            public var evidence: [String]?
        }
        public struct InspectionOrdered: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var request: Selection.Requested
        }
        public struct TransferStarted: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var vehicle: String
            public var seal: String
            public var corridor: [String]
            public var due: Date
        }
        public struct CheckpointRecorded: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var checkpoint: SupervisedTransfer.Checkpoint
            /// What the report broke, decided when it was recorded.
            public var alerts: [SupervisedTransfer.CustodyAlert]
        }
        public struct PhytosanitaryChecked: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var check: PhytosanitaryCheck
        }
        public struct CustodyAlerted: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var alert: SupervisedTransfer.CustodyAlert
        }
        public struct DutiesSettled: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var settlement: Settlement
        }
        public struct Released: Sendable, Equatable, Codable {
            public var stamp: Stamp
            /// Degraded mode: the agencies whose approvals this release went ahead without, their systems being down.
            public var provisionalFor: [String]?
        }
        public struct Held: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var reason: String
        }
        public struct Unheld: Sendable, Equatable, Codable {
            public var stamp: Stamp
        }
        public struct PortEventRecorded: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var event: PortEvent
        }
        /// A recorded port event its sender has since declared void; what it recorded is undone.
        public struct PortEventRetracted: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var event: PortEvent
        }
        public struct MovementRefused: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var movement: Movement
            public var container: String?
            public var unmet: [Condition]
        }
        public struct DepartureApproved: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var means: String
            public var voyage: String?
        }
        public struct Completed: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var draft: DeclarationDraft
            public var late: Bool
        }
        public struct Rebooked: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var means: String
            public var voyage: String?
            public var shutOut: [String]
        }
        public struct ExceptionRecorded: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var container: String
            public var description: String
        }
        public struct Closed: Sendable, Equatable, Codable {
            public var stamp: Stamp
        }
        public struct DocumentAttached: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var document: Attachment
        }
        public struct AgencyDecided: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var agency: String
            public var kind: String
            public var approved: Bool
            public var note: String
            public var reference: String?
        }

        public var stamp: Stamp {
            switch self {
            case .accepted(let e): e.stamp
            case .amended(let e): e.stamp
            case .transportBound(let e): e.stamp
            case .cancelled(let e): e.stamp
            case .rejected(let e): e.stamp
            case .riskDecided(let e): e.stamp
            case .inspectionCompleted(let e): e.stamp
            case .inspectionOrdered(let e): e.stamp
            case .transferStarted(let e): e.stamp
            case .checkpointRecorded(let e): e.stamp
            case .custodyAlerted(let e): e.stamp
            case .phytosanitaryChecked(let e): e.stamp
            case .dutiesSettled(let e): e.stamp
            case .released(let e): e.stamp
            case .held(let e): e.stamp
            case .unheld(let e): e.stamp
            case .portEventRecorded(let e): e.stamp
            case .portEventRetracted(let e): e.stamp
            case .movementRefused(let e): e.stamp
            case .departureApproved(let e): e.stamp
            case .completed(let e): e.stamp
            case .rebooked(let e): e.stamp
            case .exceptionRecorded(let e): e.stamp
            case .closed(let e): e.stamp
            case .documentAttached(let e): e.stamp
            case .agencyDecided(let e): e.stamp
            }
        }

        public var name: String {
            switch self {
            case .accepted: "accepted"
            case .amended: "amended"
            case .transportBound: "transport-bound"
            case .cancelled: "cancelled"
            case .rejected: "rejected"
            case .riskDecided: "risk-decided"
            case .inspectionCompleted: "inspection-completed"
            case .inspectionOrdered: "inspection-ordered"
            case .transferStarted: "transfer-started"
            case .checkpointRecorded: "checkpoint-recorded"
            case .custodyAlerted: "custody-alerted"
            case .phytosanitaryChecked: "phytosanitary-checked"
            case .dutiesSettled: "duties-settled"
            case .released: "released"
            case .held: "held"
            case .unheld: "unheld"
            case .portEventRecorded: "port-event-recorded"
            case .portEventRetracted: "port-event-retracted"
            case .movementRefused: "movement-refused"
            case .departureApproved: "departure-approved"
            case .completed: "completed"
            case .rebooked: "rebooked"
            case .exceptionRecorded: "exception-recorded"
            case .closed: "closed"
            case .documentAttached: "document-attached"
            case .agencyDecided: "agency-decided"
            }
        }

        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        /// True for events that add, replace or complete inspection orders.
        /// True for events that change what an agency owes (an acceptance naming approvals, a decision, a lane).
        public var changesAgencyApprovals: Bool {
            switch self {
            case .accepted(let e): e.agencyApprovals != nil
            case .agencyDecided, .riskDecided: true
            default: false
            }
        }

        public var changesInspections: Bool {
            switch self {
            case .riskDecided, .inspectionOrdered, .inspectionCompleted: true
            default: false
            }
        }

        /// True for a refusal, which is recorded but changes nothing else.
        public var isRefusal: Bool { if case .movementRefused = self { true } else { false } }

        public func encodePayload(with encoder: some JSONEncoding) throws -> Data {
            switch self {
            case .accepted(let e): try encoder.encode(e)
            case .amended(let e): try encoder.encode(e)
            case .transportBound(let e): try encoder.encode(e)
            case .cancelled(let e): try encoder.encode(e)
            case .rejected(let e): try encoder.encode(e)
            case .riskDecided(let e): try encoder.encode(e)
            case .inspectionCompleted(let e): try encoder.encode(e)
            case .inspectionOrdered(let e): try encoder.encode(e)
            case .transferStarted(let e): try encoder.encode(e)
            case .checkpointRecorded(let e): try encoder.encode(e)
            case .custodyAlerted(let e): try encoder.encode(e)
            case .phytosanitaryChecked(let e): try encoder.encode(e)
            case .dutiesSettled(let e): try encoder.encode(e)
            case .released(let e): try encoder.encode(e)
            case .held(let e): try encoder.encode(e)
            case .unheld(let e): try encoder.encode(e)
            case .portEventRecorded(let e): try encoder.encode(e)
            case .portEventRetracted(let e): try encoder.encode(e)
            case .movementRefused(let e): try encoder.encode(e)
            case .departureApproved(let e): try encoder.encode(e)
            case .completed(let e): try encoder.encode(e)
            case .rebooked(let e): try encoder.encode(e)
            case .exceptionRecorded(let e): try encoder.encode(e)
            case .closed(let e): try encoder.encode(e)
            case .documentAttached(let e): try encoder.encode(e)
            case .agencyDecided(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "accepted": self = .accepted(try decoder.decode(Accepted.self, from: payload))
            case "amended": self = .amended(try decoder.decode(Amended.self, from: payload))
            case "transport-bound": self = .transportBound(try decoder.decode(TransportBound.self, from: payload))
            case "cancelled": self = .cancelled(try decoder.decode(Cancelled.self, from: payload))
            case "rejected": self = .rejected(try decoder.decode(Rejected.self, from: payload))
            case "risk-decided": self = .riskDecided(try decoder.decode(RiskDecided.self, from: payload))
            case "inspection-completed": self = .inspectionCompleted(try decoder.decode(InspectionCompleted.self, from: payload))
            case "inspection-ordered": self = .inspectionOrdered(try decoder.decode(InspectionOrdered.self, from: payload))
            case "transfer-started": self = .transferStarted(try decoder.decode(TransferStarted.self, from: payload))
            case "checkpoint-recorded": self = .checkpointRecorded(try decoder.decode(CheckpointRecorded.self, from: payload))
            case "custody-alerted": self = .custodyAlerted(try decoder.decode(CustodyAlerted.self, from: payload))
            case "phytosanitary-checked": self = .phytosanitaryChecked(try decoder.decode(PhytosanitaryChecked.self, from: payload))
            case "duties-settled": self = .dutiesSettled(try decoder.decode(DutiesSettled.self, from: payload))
            case "released": self = .released(try decoder.decode(Released.self, from: payload))
            case "held": self = .held(try decoder.decode(Held.self, from: payload))
            case "unheld": self = .unheld(try decoder.decode(Unheld.self, from: payload))
            case "port-event-recorded": self = .portEventRecorded(try decoder.decode(PortEventRecorded.self, from: payload))
            case "port-event-retracted": self = .portEventRetracted(try decoder.decode(PortEventRetracted.self, from: payload))
            case "movement-refused": self = .movementRefused(try decoder.decode(MovementRefused.self, from: payload))
            case "departure-approved": self = .departureApproved(try decoder.decode(DepartureApproved.self, from: payload))
            case "completed": self = .completed(try decoder.decode(Completed.self, from: payload))
            case "rebooked": self = .rebooked(try decoder.decode(Rebooked.self, from: payload))
            case "exception-recorded": self = .exceptionRecorded(try decoder.decode(ExceptionRecorded.self, from: payload))
            case "closed": self = .closed(try decoder.decode(Closed.self, from: payload))
            case "document-attached": self = .documentAttached(try decoder.decode(DocumentAttached.self, from: payload))
            case "agency-decided": self = .agencyDecided(try decoder.decode(AgencyDecided.self, from: payload))
            default: throw UnknownEventError(stream: "declaration", name: name)
            }
        }
    }
}
