import Foundation

extension Declaration {
    /// The conditions of `movement` that do not hold now, in the procedure's order; empty means allowed.
    public static func unmetConditions(_ movement: Movement, container: String?, in state: State) -> [Condition] {
        conditions(for: movement, in: state).filter { !holds($0, container: container, in: state) }
    }

    /// Everything `movement` needs: the procedure's conditions and those this declaration adds.
    static func conditions(for movement: Movement, in state: State) -> [Condition] {
        var conditions = state.procedure.conditions(for: movement, direction: state.direction)
        // Phased access: goods awaiting a destination inspection leave the port only sealed onto a supervised vehicle.
        if movement == .pickUp || movement == .pickUpAtShipSide, state.clearance.destinationInspection == .pending {
            conditions.append(.sealedForTransfer)
        }
        // One submission, many agencies: release waits for every agency the goods need.
        if movement == .release, !(state.clearance.agencyApprovals ?? []).isEmpty {
            conditions.append(.agenciesApproved)
        }
        return conditions
    }

    static func holds(_ condition: Condition, container: String?, in state: State) -> Bool {
        let clearance = state.clearance
        switch condition {
        case .transportBound: return state.draft?.transport.isBound == true
        case .riskDecided: return clearance.riskDecidedAt != nil
        case .inspectionDone:
            guard let lane = clearance.lane else { return false }
            let portOrders = clearance.inspections.filter { !$0.place.isDestination }
            if !portOrders.isEmpty { return clearance.inspectionCompliant == true }
            // Only destination inspections: they follow removal and do not hold the port release.
            if !clearance.inspections.isEmpty { return true }
            return lane == .green || clearance.inspectionCompliant == true
        case .dutiesSettled: return clearance.dutiesSettledAt != nil
        case .arrivalReported:
            if state.direction == .export {
                let boxes = state.boxes.values
                return boxes.isEmpty ? state.conveyance.arrivedAt != nil : boxes.allSatisfy { $0.gatedInAt != nil }
            }
            return state.conveyance.arrivedAt != nil || state.boxes.values.contains { $0.dischargedAt != nil }
        case .released: return clearance.releasedAt != nil
        case .notHeld: return clearance.holdReason == nil
        case .tallyNormal: return state.conveyance.tallyNormal == true
        case .departureApproved: return clearance.departureApprovedAt != nil
        case .boxDischarged: return container.flatMap { state.boxes[$0]?.dischargedAt } != nil
        case .boxGatedIn: return container.flatMap { state.boxes[$0]?.gatedInAt } != nil
        case .notApplicable: return false
        case .declarationOpen: return state.status == .accepted || state.status == .released
        case .sealedForTransfer: return clearance.transfer != nil
        case .agenciesApproved: return (clearance.agencyApprovals ?? []).allSatisfy { $0.status == .approved }
        }
    }

    /// When a condition became true, for measuring how long the next one has been awaited.
    static func since(_ condition: Condition, in state: State) -> Date? {
        let clearance = state.clearance
        switch condition {
        case .riskDecided: return clearance.riskDecidedAt
        case .inspectionDone: return clearance.inspectionCompletedAt ?? clearance.riskDecidedAt
        case .dutiesSettled: return clearance.dutiesSettledAt
        case .agenciesApproved: return (clearance.agencyApprovals ?? []).compactMap(\.decidedAt).max()
        case .released: return clearance.releasedAt
        case .departureApproved: return clearance.departureApprovedAt
        case .tallyNormal: return state.conveyance.talliedAt
        case .arrivalReported:
            return state.direction == .export
                ? state.boxes.values.compactMap(\.gatedInAt).max() : state.conveyance.arrivedAt
        default: return nil
        }
    }
}
