/// How a consignment moves through the port; each procedure is only a different set of conditions on the same events.
///
/// DOMAIN.md §2: the serial chain, departure confirmation (离港确认) for waterway transit, direct pick-up at ship
/// side (船边直提), direct loading on arrival (抵港直装) and the two-step declaration (两步申报).
public enum Procedure: String, Sendable, Codable, CaseIterable {
    case serial
    case departureConfirmation = "departure-confirmation"
    case directPickup = "direct-pickup"
    case directLoading = "direct-loading"
    case twoStep = "two-step"

    /// The directions a procedure exists for.
    public var directions: Set<Direction> {
        switch self {
        case .serial, .departureConfirmation: [.import, .export]
        case .directPickup, .twoStep: [.import]
        case .directLoading: [.export]
        }
    }

    /// Whether the means of transport and voyage must be known when the declaration is lodged.
    public var needsTransportAtLodgement: Bool { self == .serial }

    /// What must hold before `movement` may happen, in the order a person would check them.
    public func conditions(for movement: Movement, direction: Direction) -> [Condition] {
        switch (self, movement) {
        case (.serial, .release):
            direction == .export
                ? [.riskDecided, .inspectionDone, .dutiesSettled, .transportBound, .arrivalReported]
                : [.riskDecided, .inspectionDone, .dutiesSettled, .arrivalReported]
        case (.departureConfirmation, .release): [.riskDecided, .inspectionDone]
        case (.directPickup, .release), (.twoStep, .release): [.riskDecided, .inspectionDone, .dutiesSettled]
        case (.directLoading, .release): [.riskDecided, .inspectionDone, .dutiesSettled, .transportBound]
        case (.departureConfirmation, .departureApproval): [.released, .notHeld, .transportBound, .tallyNormal]
        case (_, .departureApproval): [.notApplicable]
        case (.departureConfirmation, .load), (.departureConfirmation, .pickUp): [.departureApproved, .notHeld]
        case (_, .load): [.released, .notHeld, .boxGatedIn]
        case (.directPickup, .pickUpAtShipSide): [.released, .notHeld, .boxDischarged]
        case (_, .pickUpAtShipSide): [.notApplicable]
        case (_, .pickUp): [.released, .notHeld, .boxDischarged]
        case (_, .gateIn), (_, .discharge): []
        }
    }
}

/// A step of the port flow that customs conditions can allow or forbid.
public enum Movement: String, Sendable, Codable, CaseIterable {
    case release
    case gateIn = "gate-in"
    case discharge
    case load
    case pickUp = "pick-up"
    case pickUpAtShipSide = "pick-up-at-ship-side"
    case departureApproval = "departure-approval"
}

/// One thing that must be true before a movement; `party` says who has to act while it is not.
public enum Condition: String, Sendable, Codable, CaseIterable {
    case transportBound = "transport-bound"
    case riskDecided = "risk-decided"
    case inspectionDone = "inspection-done"
    case dutiesSettled = "duties-settled"
    case arrivalReported = "arrival-reported"
    case released
    case notHeld = "not-held"
    case tallyNormal = "tally-normal"
    case departureApproved = "departure-approved"
    case boxDischarged = "box-discharged"
    case boxGatedIn = "box-gated-in"
    case notApplicable = "not-applicable"
    /// The declaration is neither closed, cancelled nor rejected.
    case declarationOpen = "declaration-open"
    /// Goods awaiting a destination inspection are sealed onto a supervised vehicle.
    case sealedForTransfer = "sealed-for-transfer"
    /// Every agency the goods need (licences, quarantine approval …) has approved.
    case agenciesApproved = "agencies-approved"

    /// Who must act for the condition to become true.
    public var party: String {
        switch self {
        case .transportBound, .dutiesSettled: "declarant"
        case .riskDecided, .inspectionDone, .released, .notHeld: "customs"
        case .arrivalReported, .boxDischarged, .boxGatedIn: "terminal"
        case .tallyNormal: "tally"
        case .departureApproved: "declarant"
        case .notApplicable: "nobody"
        case .declarationOpen: "declarant"
        case .sealedForTransfer: "customs"
        case .agenciesApproved: "agency"
        }
    }

    /// The words a refusal or a waiting list uses.
    public var hold: String {
        switch self {
        case .transportBound: "transport not bound"
        case .riskDecided: "risk decision pending"
        case .inspectionDone: "inspection pending"
        case .dutiesSettled: "duties not paid or guaranteed"
        case .arrivalReported: "arrival not reported"
        case .released: "not released"
        case .notHeld: "customs hold"
        case .tallyNormal: "manifest tally not normal"
        case .departureApproved: "departure not confirmed"
        case .boxDischarged: "box not discharged"
        case .boxGatedIn: "box not gated in"
        case .notApplicable: "not part of this procedure"
        case .declarationOpen: "declaration closed, cancelled or rejected"
        case .sealedForTransfer: "not sealed for supervised transfer"
        case .agenciesApproved: "agency approval pending"
        }
    }
}
