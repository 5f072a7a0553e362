import ClearwayCore
import Foundation
import Testing

@Suite("Port-to-factory inspection under seal")
struct CustodyTests {
    /// A declaration released at the port with its conformity check left to the destination office at the factory.
    static func releasedForFactory() throws -> Flow {
        var flow = try Flow {
            $0.procedure = "direct-pickup"
            $0.destinationOffice = "2200"
        }
        #expect(flow.state.draft?.destinationOffice?.rawValue == "2200")
        try flow.run(.decideRisk(.byOfficer(.inspection, inspection: .init(kind: .physical, place: .factory))))
        try flow.run(.settleDuties(.paid), by: principal)
        return flow
    }

    static func checkpoint(_ position: String, seal: String = "EL-2048", intact: Bool = true, arrived: Bool = false,
                           at flow: Flow, after minutes: Double = 30) -> SupervisedTransfer.Checkpoint {
        .init(seal: seal, position: position, at: flow.clock.addingTimeInterval(minutes * 60), sealIntact: intact, arrived: arrived)
    }

    @Test("goods with only a factory inspection are released at the port but leave it only sealed onto a supervised vehicle")
    func releaseAndSeal() throws {
        var flow = try Self.releasedForFactory()
        #expect(flow.state.status == .released)
        #expect(flow.state.clearance.portInspection == .notRequired)
        #expect(flow.state.clearance.destinationInspection == .pending)
        try flow.port(.discharged)
        try flow.port(.gatedOut)
        #expect(flow.lastRefusal == "hold: not sealed for supervised transfer")
        try flow.run(.startTransfer(vehicle: "沪A·12345", seal: "EL-2048", corridor: ["YANGSHAN-GATE", "DONGHAI-BRIDGE", "FACTORY"],
                                    due: flow.clock.addingTimeInterval(4 * 3600)))
        try flow.port(.gatedOut)
        #expect(flow.state.boxes["CSQU3054383"]?.gatedOutAt != nil)
    }

    @Test("a broken seal raises an alert and holds the goods; the factory inspection waits until an officer lifts it and the goods arrive")
    func sealBreach() throws {
        var flow = try Self.releasedForFactory()
        let due = flow.clock.addingTimeInterval(4 * 3600)
        try flow.run(.startTransfer(vehicle: "沪A·12345", seal: "EL-2048", corridor: ["YANGSHAN-GATE", "DONGHAI-BRIDGE", "FACTORY"], due: due))
        try flow.port(.gatedOut)
        let clean = try flow.run(.recordCheckpoint(Self.checkpoint("DONGHAI-BRIDGE", at: flow)), by: .system)
        guard case .checkpointRecorded(let first) = clean.first else { Issue.record("no checkpoint"); return }
        #expect(first.alerts.isEmpty)
        #expect(flow.state.clearance.holdReason == nil)

        let report = Self.checkpoint("DONGHAI-BRIDGE", intact: false, at: flow)
        let broken = try flow.run(.recordCheckpoint(report), by: .system)
        // The same report sent again (a retry) records nothing more.
        #expect(try flow.run(.recordCheckpoint(report), by: .system, after: 0).isEmpty)
        guard case .checkpointRecorded(let second) = broken.first else { Issue.record("no checkpoint"); return }
        #expect(second.alerts.map(\.kind) == [.sealBroken])
        #expect(flow.state.clearance.holdReason?.hasPrefix("custody alert: seal-broken") == true)
        #expect(throws: ClearanceError.self) {
            try flow.run(.completeInspection(order: 1, outcome: .noDiscrepancy, findings: "conforms", evidence: []))
        }
        try flow.run(.unhold)
        #expect(throws: ClearanceError.self) {
            try flow.run(.completeInspection(order: 1, outcome: .noDiscrepancy, findings: "conforms", evidence: []))
        }
        try flow.run(.recordCheckpoint(Self.checkpoint("FACTORY", arrived: true, at: flow)), by: .system)
        #expect(flow.state.clearance.transfer?.arrivedAt != nil)
        try flow.run(.completeInspection(order: 1, outcome: .noDiscrepancy, findings: "conforms to the contract", evidence: []))
        #expect(flow.state.clearance.destinationInspection == .done)
        #expect(throws: ClearanceError.self) { try flow.run(.recordCheckpoint(Self.checkpoint("FACTORY", at: flow)), by: .system) }
    }

    @Test("a wrong seal, a detour and a late report each raise their alert")
    func deviations() throws {
        var flow = try Self.releasedForFactory()
        let due = flow.clock.addingTimeInterval(3600)
        try flow.run(.startTransfer(vehicle: "沪A·12345", seal: "EL-2048", corridor: ["YANGSHAN-GATE", "FACTORY"], due: due))
        let events = try flow.run(.recordCheckpoint(Self.checkpoint("HANGZHOU-BAY", seal: "EL-9999", at: flow, after: 90)), by: .system)
        guard case .checkpointRecorded(let recorded) = events.first else { Issue.record("no checkpoint"); return }
        #expect(recorded.alerts.map(\.kind) == [.sealMismatch, .routeDeviation, .deadlineMissed])
    }

    @Test("a transfer that has not arrived by its deadline is alerted by the custody sweep, once")
    func missedDeadline() throws {
        var flow = try Self.releasedForFactory()
        try flow.run(.startTransfer(vehicle: "沪A·12345", seal: "EL-2048", corridor: [], due: flow.clock.addingTimeInterval(3600)))
        #expect(try flow.run(.checkCustody, by: .system, after: 30).isEmpty)
        let late = try flow.run(.checkCustody, by: .system, after: 60)
        guard case .custodyAlerted(let alerted) = late.first else { Issue.record("no alert"); return }
        #expect(alerted.alert.kind == .deadlineMissed)
        #expect(flow.state.clearance.holdReason?.contains("deadline-missed") == true)
        #expect(try flow.run(.checkCustody, by: .system, after: 60).isEmpty)
    }

    @Test("a transfer is refused without a pending destination inspection, and with a deadline in the past")
    func transferRefusals() throws {
        var flow = try Flow { $0.procedure = "direct-pickup" }
        try flow.run(.decideRisk(.byOfficer(.green)))
        #expect(throws: ClearanceError.self) {
            try flow.run(.startTransfer(vehicle: "V1", seal: "S1", corridor: [], due: flow.clock.addingTimeInterval(3600)))
        }
        var factory = try Self.releasedForFactory()
        #expect(throws: ClearanceError.self) {
            try factory.run(.startTransfer(vehicle: "", seal: "S1", corridor: [], due: factory.clock.addingTimeInterval(-60)))
        }
    }
}
