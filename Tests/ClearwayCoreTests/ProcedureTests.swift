import ClearwayCore
import Foundation
import Testing

/// Drives one declaration through commands the way the platform does, keeping its state and every event.
struct Flow {
    var state = Declaration.State(id: "d-1")
    var events: [Declaration.Event] = []
    var clock = start
    let officer = Principal(userID: "u-o", username: "officer", role: .customsOfficer, office: try! OfficeCode("2248"))
    let terminal = Principal(userID: "u-t", username: "terminal", role: .terminalOperator, partyID: "p-t")

    init(_ change: (inout DeclarationForm) -> Void) throws {
        let draft = try form(change).validated(reference: reference, parties: parties, at: start)
        try run(.lodge(draft, sequence: 1), by: principal)
    }

    @discardableResult
    mutating func run(_ command: Declaration.Command, by who: Principal? = nil, after minutes: Double = 10) throws(ClearanceError)
        -> [Declaration.Event]
    {
        clock = clock.addingTimeInterval(minutes * 60)
        let decided = try Declaration.decide(command, state, .init(now: clock, principal: who ?? officer))
        state = decided.reduce(state, Declaration.evolve)
        events += decided
        return decided
    }

    @discardableResult
    mutating func port(_ kind: PortEvent.Kind, _ container: String? = "CSQU3054383", shipSide: Bool = false,
        tally: Bool? = nil, manifest: PortEvent.Manifest? = nil, after minutes: Double = 10) throws(ClearanceError)
        -> [Declaration.Event]
    {
        let event = PortEvent(
            kind: kind, at: clock.addingTimeInterval(minutes * 60), container: container.map { try! ContainerNumber($0) },
            atShipSide: shipSide, tallyNormal: tally, manifest: manifest)
        return try run(.recordPortEvent(event), by: terminal, after: minutes)
    }

    var lastRefusal: String? {
        if case .movementRefused = events.last { return state.refusals.last?.reason }
        return nil
    }
}

@Suite("Procedures")
struct ProcedureTests {
    @Test("serial export: release waits for gate-in; loading waits for release; departure and clean manifest close it")
    func serialExport() throws {
        var flow = try Flow { $0.direction = "export" }
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.paid), by: principal)
        #expect(flow.state.status == .accepted)
        #expect(Declaration.waiting(flow.state).map(\.condition) == [.arrivalReported])
        try flow.port(.loaded)
        #expect(flow.lastRefusal == "hold: not released; hold: box not gated in")
        try flow.port(.gatedIn)
        #expect(flow.state.status == .released)
        #expect(flow.events.last?.by == .system)
        try flow.port(.loaded)
        try flow.port(.conveyanceDeparted, nil)
        #expect(flow.state.status == .released)
        try flow.port(.manifestFiled, nil, manifest: .clean)
        #expect(flow.state.status == .closed)
        #expect(Declaration.waiting(flow.state).isEmpty)
    }

    @Test("serial needs the vessel and voyage at lodgement; departure confirmation does not")
    func transportAtLodgement() throws {
        let unbound: (inout DeclarationForm) -> Void = { $0.transport = TransportForm(mode: "2", means: nil, voyage: nil) }
        #expect(throws: ValidationFailure.self) { try form(unbound).validated(reference: reference, parties: parties, at: start) }
        _ = try form {
            unbound(&$0)
            $0.procedure = "departure-confirmation"
        }.validated(reference: reference, parties: parties, at: start)
    }

    @Test("departure confirmation: customs approves in parallel; the late binding checks the tally and approves departure")
    func departureConfirmation() throws {
        var flow = try Flow {
            $0.procedure = "departure-confirmation"
            $0.transport = TransportForm(mode: "2", means: nil, voyage: nil)
        }
        try flow.run(.decideRisk(.byOfficer(.green)))
        #expect(flow.state.status == .released)
        try flow.port(.loaded)
        #expect(flow.lastRefusal == "hold: departure not confirmed")
        try flow.run(.confirmDeparture(means: "CHANGJIANG 7", voyage: "B2417"), by: principal)
        #expect(flow.lastRefusal == "hold: manifest tally not normal")
        #expect(flow.state.draft?.transport.means == "CHANGJIANG 7")
        try flow.port(.tallied, nil, tally: true)
        try flow.run(.confirmDeparture(means: "CHANGJIANG 8", voyage: "B2418"), by: principal)
        #expect(flow.state.clearance.departureApprovedAt != nil)
        #expect(flow.state.draft?.transport.voyage == "B2418")
        try flow.port(.loaded)
        try flow.port(.conveyanceDeparted, nil)
        try flow.port(.manifestFiled, nil, manifest: .clean)
        #expect(flow.state.status == .closed)
    }

    @Test("direct pick-up: released before arrival, the box leaves at ship side on discharge")
    func directPickup() throws {
        var flow = try Flow { $0.procedure = "direct-pickup" }
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.paid), by: principal)
        #expect(flow.state.status == .released)
        try flow.port(.gatedOut, shipSide: true)
        #expect(flow.lastRefusal == "hold: box not discharged")
        try flow.port(.discharged)
        try flow.port(.gatedOut, shipSide: true, after: 6)
        #expect(flow.state.boxes["CSQU3054383"]?.gatedOutAt != nil)
        #expect(Declaration.waiting(flow.state).isEmpty)
    }

    @Test("ship-side pick-up is refused under the serial procedure")
    func shipSideNeedsDirectPickup() throws {
        var flow = try Flow { _ in }
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.paid), by: principal)
        try flow.port(.discharged)
        #expect(flow.state.status == .released)
        try flow.port(.gatedOut, shipSide: true)
        #expect(flow.lastRefusal == "hold: not part of this procedure")
        try flow.port(.gatedOut)
        #expect(flow.state.boxes["CSQU3054383"]?.gatedOutAt != nil)
    }

    @Test("direct loading: released before gate-in, loaded on arrival")
    func directLoading() throws {
        var flow = try Flow {
            $0.direction = "export"
            $0.procedure = "direct-loading"
        }
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.guaranteed), by: principal)
        #expect(flow.state.status == .released)
        try flow.port(.gatedIn)
        try flow.port(.loaded, after: 5)
        #expect(flow.state.boxes["CSQU3054383"]?.loadedAt != nil)
    }

    @Test("two-step: pick-up after the summary with a guarantee; the complete declaration is due in 14 days and late is marked")
    func twoStep() throws {
        var flow = try Flow { $0.procedure = "two-step" }
        #expect(flow.state.clearance.completionDue == start.addingTimeInterval(10 * 60 + 14 * 86_400))
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.guaranteed), by: principal)
        try flow.port(.discharged)
        try flow.port(.gatedOut)
        #expect(Declaration.waiting(flow.state).map(\.detail).first?.hasPrefix("complete declaration due by") == true)
        let draft = flow.state.draft!
        try flow.run(.completeDeclaration(draft), by: principal, after: 15 * 24 * 60)
        guard case .completed(let completed) = flow.events.last else {
            Issue.record("not completed")
            return
        }
        #expect(completed.late)
        #expect(Declaration.waiting(flow.state).isEmpty)
    }

    @Test("a customs hold stops loading with its reason until it is lifted")
    func hold() throws {
        var flow = try Flow { $0.direction = "export" }
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.paid), by: principal)
        try flow.port(.gatedIn)
        try flow.run(.hold(reason: "intelligence"))
        try flow.port(.loaded)
        #expect(flow.lastRefusal == "hold: customs hold")
        #expect(Declaration.waiting(flow.state).first?.detail == "customs hold: intelligence")
        try flow.run(.unhold)
        try flow.port(.loaded)
        #expect(flow.state.boxes["CSQU3054383"]?.loadedAt != nil)
    }

    @Test("an inspection lane keeps the goods until a compliant result; a non-compliant one keeps them held")
    func inspection() throws {
        var flow = try Flow { $0.procedure = "direct-pickup" }
        try flow.run(.decideRisk(.byOfficer(.inspection)))
        try flow.run(.settleDuties(.paid), by: principal)
        #expect(flow.state.status == .accepted)
        #expect(Declaration.waiting(flow.state).map(\.detail) == ["inspection pending"])
        var failing = flow
        try failing.run(.completeInspection(order: nil, outcome: .discrepancy, findings: "undeclared goods", evidence: []))
        #expect(failing.state.status == .accepted)
        try flow.run(.completeInspection(order: nil, outcome: .noDiscrepancy, findings: "as declared", evidence: []))
        #expect(flow.state.status == .released)
    }

    @Test("a declaration rejected after gate-in orders its boxes back to the shipper")
    func returnToShipper() throws {
        var flow = try Flow { $0.direction = "export" }
        try flow.port(.gatedIn)
        let events = try flow.run(.reject(reason: "licence missing"))
        guard case .rejected(let rejected) = events.first else {
            Issue.record("not rejected")
            return
        }
        #expect(rejected.returnToShipper == ["CSQU3054383"])
        try flow.port(.loaded)
        #expect(flow.lastRefusal == "hold: declaration closed, cancelled or rejected")
    }

    @Test("a box shut out at cut-off is re-booked to another voyage without a new declaration")
    func shutOut() throws {
        var flow = try Flow { $0.direction = "export" }
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.paid), by: principal)
        try flow.port(.gatedIn)
        try flow.port(.conveyanceDeparted, nil)
        let events = try flow.run(.rebook(means: "COSCO SHIPPING LEO", voyage: "051E"), by: principal)
        guard case .rebooked(let rebooked) = events.first else {
            Issue.record("not rebooked")
            return
        }
        #expect(rebooked.shutOut == ["CSQU3054383"])
        #expect(flow.state.customsNumber?.sequence == 1)
        #expect(flow.state.conveyance.departedAt == nil)
        try flow.port(.loaded)
        try flow.port(.conveyanceDeparted, nil)
        try flow.port(.manifestFiled, nil, manifest: .clean)
        #expect(flow.state.status == .closed)
        try flow.run(.recordException(container: "CSQU3054383", description: "seal broken at destination"))
        #expect(flow.state.exceptions == ["CSQU3054383: seal broken at destination"])
    }

    @Test("the same boxes wait less between lodgement and release under departure confirmation than serial")
    func serialVersusDepartureConfirmation() throws {
        func measure(_ procedure: String) throws -> TimeRelease.Milestones {
            var flow = try Flow {
                $0.procedure = procedure
                if procedure != "serial" { $0.transport = TransportForm(mode: "2", means: nil, voyage: nil) }
            }
            try flow.run(.decideRisk(.byOfficer(.green)), after: 30)
            try flow.run(.settleDuties(.paid), by: principal, after: 30)
            try flow.port(.conveyanceArrived, nil, after: 240)
            try flow.port(.discharged, after: 60)
            try flow.port(.tallied, nil, tally: true, after: 120)
            if procedure == "departure-confirmation" {
                try flow.run(.confirmDeparture(means: "CHANGJIANG 7", voyage: "B2417"), by: principal, after: 10)
            }
            try flow.port(.loaded, after: 60)
            return flow.state.milestones
        }
        let serial = try measure("serial")
        let parallel = try measure("departure-confirmation")
        let serialWait = try #require(serial.release).timeIntervalSince(try #require(serial.lodgement))
        let parallelWait = try #require(parallel.release).timeIntervalSince(try #require(parallel.lodgement))
        #expect(serialWait == (30 + 30 + 240) * 60)
        #expect(parallelWait == 30 * 60)
        #expect(try #require(parallel.release) < #require(parallel.arrival))
    }
}

@Suite("The terminal's release list")
struct BoxReleaseTests {
    @Test("a box is free once released, held while customs holds it, gone once out; a box on two declarations moves as the strictest allows")
    func boxRelease() throws {
        var flow = try Flow { _ in }
        let box = "CSQU3054383"
        #expect(Declaration.boxRelease(flow.state, container: box) == .notReleased)
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.paid), by: principal)
        try flow.port(.discharged)
        #expect(Declaration.boxRelease(flow.state, container: box) == .free)
        try flow.run(.hold(reason: "seal broken"))
        #expect(Declaration.boxRelease(flow.state, container: box) == .held)
        let held = flow.state
        try flow.run(.unhold)
        var other = try Flow { _ in }
        try other.run(.cancel(reason: "lodged twice"))
        #expect(Declaration.boxRelease(other.state, container: box) == .noDeclaration)
        #expect(Declaration.boxRelease(of: box, on: [other.state, flow.state]).release == .free)
        #expect(Declaration.boxRelease(of: box, on: [other.state, held, flow.state]).release == .held)
        try flow.port(.gatedOut)
        #expect(Declaration.boxRelease(flow.state, container: box) == .gone)
        #expect(Declaration.boxRelease(of: box, on: []).release == .noDeclaration)
    }
}
