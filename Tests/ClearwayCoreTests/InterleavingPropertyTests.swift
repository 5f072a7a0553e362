import ClearwayCore
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Interleavings")
struct InterleavingPropertyTests {
    enum Step {
        case customs(Declaration.Command)
        case port(PortEvent.Kind, String?, shipSide: Bool, tally: Bool?, manifest: PortEvent.Manifest?)
    }

    static let boxes = ["CSQU3054383", "MSKU9070323"]

    static func steps(_ rng: inout SplitMix64) -> [Step] {
        var steps: [Step] = [
            .customs(.decideRisk(.byOfficer([.green, .documentary, .inspection].randomElement(using: &rng)!))),
            .customs(.completeInspection(order: nil, outcome: Bool.random(using: &rng) ? .noDiscrepancy : .discrepancy, findings: "checked", evidence: [])),
            .customs(.settleDuties(Bool.random(using: &rng) ? .paid : .guaranteed)),
            .customs(.hold(reason: "targeting")), .customs(.unhold), .customs(.hold(reason: "second look")),
            .customs(.unhold), .customs(.bindTransport(means: "COSCO SHIPPING ARIES", voyage: "045E")),
            .customs(.confirmDeparture(means: "CHANGJIANG 7", voyage: "B2417")),
            .customs(.confirmDeparture(means: "CHANGJIANG 8", voyage: "B2418")),
            .port(.conveyanceArrived, nil, shipSide: false, tally: nil, manifest: nil),
            .port(.tallied, nil, shipSide: false, tally: Bool.random(using: &rng), manifest: nil),
            .port(.tallied, nil, shipSide: false, tally: true, manifest: nil),
            .port(.conveyanceDeparted, nil, shipSide: false, tally: nil, manifest: nil),
            .port(.manifestFiled, nil, shipSide: false, tally: nil, manifest: .clean),
        ]
        if Int.random(in: 0..<10, using: &rng) == 0 { steps.append(.customs(.reject(reason: "random refusal"))) }
        for box in boxes {
            steps += [
                .port(.discharged, box, shipSide: false, tally: nil, manifest: nil),
                .port(.gatedIn, box, shipSide: false, tally: nil, manifest: nil),
                .port(.loaded, box, shipSide: false, tally: nil, manifest: nil),
                .port(.loaded, box, shipSide: false, tally: nil, manifest: nil),
                .port(.gatedOut, box, shipSide: Bool.random(using: &rng), tally: nil, manifest: nil),
                .port(.gatedOut, box, shipSide: false, tally: nil, manifest: nil),
            ]
        }
        steps.shuffle(using: &rng)
        return Array(steps.prefix(Int.random(in: steps.count / 2...steps.count, using: &rng)))
    }

    @Test(
        "on every prefix of random interleavings no box is loaded or picked up without release and without a hold lifted",
        arguments: Procedure.allCases)
    func neverUnreleased(procedure: Procedure) throws {
        let direction = procedure.directions.contains(.export) ? "export" : "import"
        var rng = SplitMix64(state: UInt64(procedure.rawValue.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
        var checkedMovements = 0
        for _ in 0..<600 {
            let dir = procedure == .serial || procedure == .departureConfirmation
                ? (Bool.random(using: &rng) ? "export" : "import") : direction
            var flow = try Flow {
                $0.procedure = procedure.rawValue
                $0.direction = dir
                $0.containers = Self.boxes.map { ContainerForm(number: $0, seals: []) }
                if procedure != .serial { $0.transport = TransportForm(mode: "2", means: nil, voyage: nil) }
            }
            for step in Self.steps(&rng) {
                let before = flow.state
                let produced: [Declaration.Event]
                switch step {
                case .customs(let command):
                    produced = (try? flow.run(command)) ?? []
                case .port(let kind, let box, let shipSide, let tally, let manifest):
                    produced = (try? flow.port(kind, box, shipSide: shipSide, tally: tally, manifest: manifest)) ?? []
                }
                for event in produced {
                    // An export box leaving by the gate is not an exit (it goes back to the shipper); a pick-up is an import's.
                    guard case .portEventRecorded(let recorded) = event,
                        recorded.event.kind == .loaded || (recorded.event.kind == .gatedOut && dir == "import")
                    else { continue }
                    checkedMovements += 1
                    let cleared = procedure == .departureConfirmation
                        ? before.clearance.departureApprovedAt != nil : before.clearance.releasedAt != nil
                    #expect(cleared, "\(procedure) moved \(recorded.event.container?.rawValue ?? "") before release")
                    #expect(before.clearance.holdReason == nil, "\(procedure) moved a box under a hold")
                    #expect(before.status == .released, "\(procedure) moved a box of a \(before.status?.rawValue ?? "") declaration")
                    if recorded.event.kind == .loaded, procedure != .departureConfirmation {
                        #expect(before.boxes[recorded.event.container!.rawValue]?.gatedInAt != nil)
                    }
                }
            }
        }
        #expect(checkedMovements > 20, "the interleavings exercised too few movements to mean anything")
    }
}
