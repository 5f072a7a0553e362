import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwaySim
import Foundation
import Logging
import ServiceLifecycle

/// `serve --demo --live`: replays a simulated day of the port against this running platform, through the same use
/// cases the API calls — brokers lodge and pay, the terminal discharges and gates out, officers finish inspections,
/// platforms send parcels — so queues, boards and pages move for a newcomer. Speed 60 plays a minute a second.
struct LiveReplay: Service {
    let clearway: Clearway
    let steps: [LiveDay.Step]
    let speed: Double
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await replay() }
        // The day is over; the platform stays up with what it did until it is stopped.
        try? await gracefulShutdown()
    }

    private func user(_ name: String) async throws -> Principal {
        guard let principal = try await clearway.principal(username: name) else {
            throw ClearanceError.notFound(kind: "demo user", id: name)
        }
        return principal
    }

    private func replay() async throws {
        let trader = try await user("trader"), officer = try await user("officer"), terminal = try await user("terminal")
        let senders = [try await user("platform"), try await user("payment"), try await user("logistics"), try await user("broker")]
        // A tag per replay keeps container and order numbers of this run apart from earlier runs on the same database.
        let run = Int(Date().timeIntervalSince1970 / 60) % 1000
        let rules = try await clearway.crossBorderRules()
        let generator = CEBGenerator(seed: UInt64(run) &+ 7_000, buyers: 500)
        var agenda = EventQueue<(action: LiveDay.Action, attempt: Int)>()
        for step in steps { agenda.schedule((step.action, 0), at: step.at) }
        let checked = Set(steps.compactMap { if case .completeInspection(let box) = $0.action { box } else { nil } })
        var declarations: [Int: String] = [:]
        var counts = (lodged: 0, out: 0, parcels: 0, refused: 0)
        var reportedHour = -1
        let clock = ContinuousClock(), began = clock.now
        logger.info("live day started", metadata: ["steps": "\(steps.count)", "speed": "\(speed)"])
        while let (at, next) = agenda.next() {
            try await clock.sleep(until: began + .seconds(at / speed))
            let now = clearway.environment.now()
            let container = try ContainerNumber(LiveDay.containerNumber(box: boxOf(next.action), run: run))
            do {
                switch next.action {
                case .lodge(let box):
                    let state = try await clearway.lodge(form(container, box: box, run: run), by: trader)
                    declarations[box] = state.id
                    counts.lodged += 1
                    // The platform's own selectivity may pick a box the simulation did not: an officer finishes it too.
                    if !checked.contains(box), let lane = state.clearance.lane, lane != .green {
                        agenda.schedule((.completeInspection(box: box), 0), at: at + 45 * 60)
                    }
                case .settleDuties(let box):
                    if let id = declarations[box] { _ = try await clearway.settleDuties(id, .paid, by: trader) }
                case .discharge:
                    _ = try await clearway.recordPortEvent(PortEvent(kind: .discharged, at: now, container: container), by: terminal)
                case .completeInspection(let box):
                    guard let id = declarations[box] else { break }
                    let state = try await clearway.declaration(id, by: officer)
                    if let order = state.clearance.inspections.first(where: \.isOpen) {
                        _ = try await clearway.completeInspection(id, order: order.number, outcome: .noDiscrepancy,
                                                                  findings: "goods as declared (live demo)", by: officer)
                    } else if state.clearance.lane == .inspection, state.clearance.inspectionCompletedAt == nil {
                        _ = try await clearway.completeInspection(id, outcome: .noDiscrepancy, findings: "goods as declared (live demo)", by: officer)
                    }
                case .gateOut(let box, let shipSide):
                    let outcome = try await clearway.recordPortEvent(
                        PortEvent(kind: .gatedOut, at: now, container: container, atShipSide: shipSide), by: terminal)
                    if outcome.applied.isEmpty, next.attempt < 16 {
                        // Refused (not released yet on the platform): the truck comes back from the yard later.
                        counts.refused += 1
                        agenda.schedule((.gateOut(box: box, shipSide: false), next.attempt + 1), at: at + 15 * 60)
                    } else if !outcome.applied.isEmpty {
                        counts.out += 1
                    }
                case .parcel(let index):
                    let messages = generator.parcel(run * 10_000 + index, rules: rules, at: now)
                    for (message, sender) in zip(messages.all, senders) { _ = try await clearway.receiveCEB(message, by: sender) }
                    counts.parcels += 1
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning("live day step failed", metadata: ["step": "\(next.action)", "error": "\(error)"])
            }
            let hour = Int(at / 3600)
            if hour != reportedHour {
                reportedHour = hour
                logger.info("live day", metadata: [
                    "clock": "\(String(format: "%02d:00", hour % 24))", "lodged": "\(counts.lodged)", "out of the gate": "\(counts.out)",
                    "gate-outs refused": "\(counts.refused)", "parcels": "\(counts.parcels)",
                ])
            }
        }
        logger.info("live day finished", metadata: ["lodged": "\(counts.lodged)", "out of the gate": "\(counts.out)", "parcels": "\(counts.parcels)"])
    }

    private func boxOf(_ action: LiveDay.Action) -> Int {
        switch action {
        case .lodge(let box), .settleDuties(let box), .discharge(let box), .completeInspection(let box), .gateOut(let box, _): box
        case .parcel: 0
        }
    }

    private func form(_ container: ContainerNumber, box: Int, run: Int) -> DeclarationForm {
        DeclarationForm(
            direction: "import", procedure: "direct-pickup", supervisionMode: "0110", declarant: "913100007178848X2R",
            tradingParty: "913100007178848X2R", overseasParty: "Pacific Suppliers Ltd", declarationOffice: "2248", entryExitOffice: "2248",
            transport: TransportForm(mode: "2", means: "COSCO SHIPPING ARIES", voyage: "L\(run)"), billOfLading: "LIVE\(run)B\(box)",
            incoterm: "CIF", containers: [ContainerForm(number: container.rawValue, seals: ["LV\(run)\(box)"], sizeType: "45G1")],
            items: [ItemForm(commodityCode: "8471300000", description: "Laptop computers", quantity: "500", unit: "PCE",
                             value: "125000.00", currency: "USD", origin: "US")])
    }
}
