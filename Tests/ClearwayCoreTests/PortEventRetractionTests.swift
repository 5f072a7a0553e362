import ClearwayCore
import Foundation
import Testing

@Suite("A port event retracted by its sender")
struct PortEventRetractionTests {
    /// The port event the flow's last command recorded.
    static func recorded(_ events: [Declaration.Event]) throws -> PortEvent {
        let event = events.lazy.compactMap { event -> PortEvent? in
            if case .portEventRecorded(let e) = event { e.event } else { nil }
        }.first
        return try #require(event)
    }

    @Test("a retracted gate-out puts the import's box back in the port: the declaration hears of the box again")
    func gateOutRetracted() throws {
        var flow = try Flow { _ in }
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.paid), by: principal)
        try flow.port(.discharged)
        let gateOut = try Self.recorded(try flow.port(.gatedOut))
        #expect(!flow.state.awaitsEvents(forBox: "CSQU3054383"))
        let undone = try flow.run(.retractPortEvent(gateOut), by: flow.terminal)
        #expect(undone.map(\.name) == ["port-event-retracted"])
        #expect(flow.state.boxes["CSQU3054383"]?.gatedOutAt == nil)
        #expect(flow.state.boxes["CSQU3054383"]?.dischargedAt != nil)
        #expect(flow.state.awaitsEvents(forBox: "CSQU3054383") && flow.state.status == .released)
        // Sent again, the retraction finds nothing of the event left: nothing more is recorded.
        #expect(try flow.run(.retractPortEvent(gateOut), by: flow.terminal).isEmpty)
    }

    @Test("a fact a later event set again stays; a refused movement has nothing to undo")
    func overtakenOrRefused() throws {
        var flow = try Flow { $0.direction = "export" }
        let refusedLoad = PortEvent(kind: .loaded, at: flow.clock.addingTimeInterval(600), container: try ContainerNumber("CSQU3054383"))
        #expect(try flow.run(.recordPortEvent(refusedLoad), by: flow.terminal).map(\.name) == ["movement-refused"])
        #expect(try flow.run(.retractPortEvent(refusedLoad), by: flow.terminal).isEmpty)

        let first = try Self.recorded(try flow.port(.conveyanceArrived, nil))
        let second = try Self.recorded(try flow.port(.conveyanceArrived, nil))
        #expect(try flow.run(.retractPortEvent(first), by: flow.terminal).isEmpty)
        #expect(flow.state.conveyance.arrivedAt == second.at)
    }

    @Test("a closed export keeps the record it closed on: the retraction is an exception for an officer")
    func afterClosure() throws {
        var flow = try Flow { $0.direction = "export" }
        try flow.run(.decideRisk(.byOfficer(.green)))
        try flow.run(.settleDuties(.paid), by: principal)
        try flow.port(.gatedIn)
        let load = try Self.recorded(try flow.port(.loaded))
        try flow.port(.conveyanceDeparted, nil)
        try flow.port(.manifestFiled, nil, manifest: .clean)
        #expect(flow.state.status == .closed)
        let recorded = try flow.run(.retractPortEvent(load), by: flow.terminal)
        #expect(recorded.map(\.name) == ["exception-recorded"])
        #expect(flow.state.status == .closed && flow.state.boxes["CSQU3054383"]?.loadedAt == load.at)
        #expect(flow.state.exceptions.last?.hasPrefix("CSQU3054383: loaded of ") == true, "\(flow.state.exceptions)")
        #expect(flow.state.exceptions.last?.hasSuffix("retracted by its sender (api) after the declaration closed on it") == true)
    }

    @Test("an open declaration's tally and manifest are undone with their details; a retraction is stored and replayed like any event")
    func conveyanceFacts() throws {
        var flow = try Flow { $0.direction = "export" }
        let tally = try Self.recorded(try flow.port(.tallied, nil, tally: true))
        let manifest = try Self.recorded(try flow.port(.manifestFiled, nil, manifest: .preStowage))
        try flow.run(.retractPortEvent(tally), by: flow.terminal)
        try flow.run(.retractPortEvent(manifest), by: flow.terminal)
        #expect(flow.state.conveyance.talliedAt == nil && flow.state.conveyance.tallyNormal == nil)
        #expect(flow.state.conveyance.manifests.isEmpty)

        let encoder = CanonicalJSON.encoder(), decoder = CanonicalJSON.decoder()
        let replayed = Declaration.replay(id: flow.state.id, try flow.events.map {
            try Declaration.Event(name: $0.name, payload: try $0.encodePayload(with: encoder), decoder: decoder)
        })
        #expect(replayed.conveyance == flow.state.conveyance)
    }
}
