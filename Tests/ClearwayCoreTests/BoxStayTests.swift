import ClearwayCore
import Foundation
import Testing

@Suite("A box's stay under a declaration")
struct BoxStayTests {
    let box = "CSQU3054383"

    func event(_ kind: PortEvent.Kind, daysBefore days: Double, _ container: String? = "CSQU3054383") -> PortEvent {
        PortEvent(kind: kind, at: start.addingTimeInterval(-days * 86_400), container: container.map { try! ContainerNumber($0) },
                  means: container == nil ? "COSCO SHIPPING ARIES" : nil, voyage: container == nil ? "045E" : nil)
    }

    @Test("an import hears of its box until the box leaves by the gate; an export until it is loaded, not when it is shut out")
    func stayEnds() throws {
        var imported = try Flow { _ in }
        #expect(imported.state.awaitsEvents(forBox: box))
        try imported.run(.decideRisk(.byOfficer(.green)))
        try imported.run(.settleDuties(.paid), by: principal)
        try imported.port(.discharged)
        #expect(imported.state.status == .released && imported.state.awaitsEvents(forBox: box))
        try imported.port(.gatedOut)
        #expect(!imported.state.awaitsEvents(forBox: box))
        #expect(imported.state.awaitsPortEvents)  // still open: its conveyance and bill are still its own

        var exported = try Flow { $0.direction = "export" }
        try exported.run(.decideRisk(.byOfficer(.green)))
        try exported.run(.settleDuties(.paid), by: principal)
        try exported.port(.gatedIn)
        try exported.port(.gatedOut)
        #expect(exported.state.awaitsEvents(forBox: box))  // shut out: it may come back for another vessel
        try exported.port(.gatedIn)
        try exported.port(.loaded)
        #expect(exported.state.status == .released && !exported.state.awaitsEvents(forBox: box))

        var cancelled = try Flow { _ in }
        try cancelled.run(.cancel(reason: "lodged twice"))
        #expect(!cancelled.state.awaitsEvents(forBox: box) && !cancelled.state.awaitsPortEvents)
    }

    @Test("events before a lodgement are the goods' only from the box's present stay: after it last left, within the undeclared days")
    func earlierEvents() {
        let rules = Declaration.Rules(undeclaredDays: 90)
        let logged = [
            LoggedPortEvent(event(.gatedIn, daysBefore: 120), matched: false),  // before the undeclared days
            LoggedPortEvent(event(.discharged, daysBefore: 40), matched: true),  // an earlier import, recorded on it
            LoggedPortEvent(event(.gatedOut, daysBefore: 38), matched: true),  // ... which left by the gate
            LoggedPortEvent(event(.gatedOut, daysBefore: 38), matched: false),  // the same exit sent again, after it
            LoggedPortEvent(event(.gatedIn, daysBefore: 2), matched: false),  // this shipment's
            LoggedPortEvent(event(.conveyanceArrived, daysBefore: 1, nil), matched: false),
            LoggedPortEvent(event(.conveyanceArrived, daysBefore: 91, nil), matched: false),
        ]
        let kept = Declaration.earlierEvents(logged, lodgedAt: start, rules: rules)
        #expect(kept.map(\.kind) == [.gatedIn, .conveyanceArrived])
        #expect(kept.map(\.at) == [start.addingTimeInterval(-2 * 86_400), start.addingTimeInterval(-86_400)])

        // A box that came and left without a declaration has nothing left to give one lodged after.
        let gone = [LoggedPortEvent(event(.gatedIn, daysBefore: 5), matched: false),
                    LoggedPortEvent(event(.loaded, daysBefore: 4), matched: false)]
        #expect(Declaration.earlierEvents(gone, lodgedAt: start, rules: rules).isEmpty)
        #expect(Declaration.earlierEvents(logged, lodgedAt: start, rules: .init(undeclaredDays: 1)).map(\.kind) == [.conveyanceArrived])
    }
}
