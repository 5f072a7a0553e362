import Foundation

/// Goods moved from the port to the consignee's factory on a supervised vehicle under an electronic seal
/// (DOMAIN.md §5.2), with the custody checkpoints the e-lock reports and the alerts they raised.
public struct SupervisedTransfer: Sendable, Equatable, Codable {
    public var vehicle: String
    /// The electronic seal's number, as customs applied it.
    public var seal: String
    /// The checkpoints the route may pass (place names or geohash cells); empty accepts any place.
    public var corridor: [String]
    /// When the goods must have arrived at the destination.
    public var due: Date
    public var startedAt: Date
    public var arrivedAt: Date?
    public var checkpoints: [Checkpoint] = []
    public var alerts: [CustodyAlert] = []

    public init(vehicle: String, seal: String, corridor: [String], due: Date, startedAt: Date) {
        self.vehicle = vehicle
        self.seal = seal
        self.corridor = corridor
        self.due = due
        self.startedAt = startedAt
    }

    /// One report from the seal: where, when, which seal and whether it is intact.
    public struct Checkpoint: Sendable, Equatable, Codable {
        public var seal: String
        public var position: String
        public var at: Date
        public var sealIntact: Bool
        /// True for the report at the destination that ends the transfer.
        public var arrived: Bool
        public init(seal: String, position: String, at: Date, sealIntact: Bool, arrived: Bool = false) {
            self.seal = seal
            self.position = position
            self.at = at
            self.sealIntact = sealIntact
            self.arrived = arrived
        }
    }

    /// What the custody chain has broken; each one holds the goods until an officer has looked into it.
    public struct CustodyAlert: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable, CaseIterable {
            case sealBroken = "seal-broken"
            case sealMismatch = "seal-mismatch"
            case routeDeviation = "route-deviation"
            case deadlineMissed = "deadline-missed"
        }
        public var kind: Kind
        public var detail: String
        public var at: Date
    }

    /// The alerts a checkpoint raises against this transfer.
    public func alerts(for checkpoint: Checkpoint) -> [CustodyAlert] {
        var raised: [CustodyAlert] = []
        if checkpoint.seal != seal {
            raised.append(.init(kind: .sealMismatch, detail: "seal \(checkpoint.seal) reported where \(seal) was applied",
                                at: checkpoint.at))
        }
        if !checkpoint.sealIntact {
            raised.append(.init(kind: .sealBroken, detail: "seal \(checkpoint.seal) reported open at \(checkpoint.position)",
                                at: checkpoint.at))
        }
        if !corridor.isEmpty, !corridor.contains(checkpoint.position) {
            raised.append(.init(kind: .routeDeviation, detail: "\(checkpoint.position) is off the approved route",
                                at: checkpoint.at))
        }
        if checkpoint.at > due, !alerts.contains(where: { $0.kind == .deadlineMissed }) {
            raised.append(.init(kind: .deadlineMissed, detail: "reported at \(Timestamp.format(checkpoint.at)), due by \(Timestamp.format(due))",
                                at: checkpoint.at))
        }
        return raised
    }
}

/// Where an inspection stands at one place: port or destination.
public enum InspectionStatus: String, Sendable, Codable {
    case notRequired = "not-required"
    case pending
    case done
    case discrepancy
}

extension Declaration.Clearance {
    /// The port's inspection status (before goods leave the port).
    public var portInspection: InspectionStatus { status(inspections.filter { !$0.place.isDestination }) }
    /// The destination's inspection status (at the factory or the destination office, after removal).
    public var destinationInspection: InspectionStatus { status(inspections.filter(\.place.isDestination)) }

    private func status(_ orders: [InspectionOrder]) -> InspectionStatus {
        if orders.isEmpty { return .notRequired }
        if orders.contains(where: \.isOpen) { return .pending }
        return orders.allSatisfy { $0.outcome == .noDiscrepancy } ? .done : .discrepancy
    }
}
