import ClearwayCore
import Foundation

/// Import boxes from discharge to the gate (DOMAIN.md §2.3): the serial flow — declared after arrival, stacked in
/// the yard, fetched by a truck booked after release — against direct pick-up at ship side (船边直提), where boxes
/// declared and released before the vessel berths go from the hook straight onto a waiting truck. A box hit for
/// inspection, or not yet released when it is discharged, falls back to the yard; Core decides which.
public struct PickupModel: Sendable, Equatable, Codable {
    /// `serial` or `direct-pickup`.
    public var procedure: String
    /// Days of vessel calls.
    public var days: Int
    public var vesselEveryHours: Double
    public var boxesPerVessel: Int
    /// Berths: a vessel that finds them all taken waits at anchor until one is free.
    public var berths: Int
    /// Quay cranes working each berth.
    public var cranes: Int
    /// One quay crane's cycle per box.
    public var craneMove: Distribution
    public var documentaryShare: Double
    public var inspectionShare: Double
    /// Serial: when the broker lodges, after the vessel's arrival report.
    public var declaredAfterArrival: Distribution
    /// Direct pick-up: how long before the vessel berths the declaration is lodged.
    public var declaredBeforeArrival: Distribution
    /// From lodgement to duties paid online.
    public var dutyPayment: Distribution
    public var officers: Int
    public var documentReview: Distribution
    public var inspectionLanes: Int
    public var inspection: Distribution
    /// Yard flow: from release (or discharge, if later) to the booked truck at the gate.
    public var truckAfterRelease: Distribution
    /// Ship side: from the box landing to the staged truck driving off with it.
    public var shipSideTruck: Distribution
    public var yardCranes: Int
    public var yardRetrieval: Distribution
    public var gateLanes: Int
    public var gate: Distribution

    enum CodingKeys: String, CodingKey, CaseIterable {
        case procedure, days, vesselEveryHours, boxesPerVessel, berths, cranes, craneMove, documentaryShare, inspectionShare,
            declaredAfterArrival, declaredBeforeArrival, dutyPayment, officers, documentReview, inspectionLanes,
            inspection, truckAfterRelease, shipSideTruck, yardCranes, yardRetrieval, gateLanes, gate
    }

    static var fieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [FieldProblem] {
        var c = ParameterChecks()
        if Procedure(rawValue: procedure).map({ [.serial, .directPickup].contains($0) }) != true {
            c.add("procedure", "is 'serial' or 'direct-pickup', not '\(procedure)'")
        }
        c.count(days, "days", 1...365)
        c.positive(vesselEveryHours, "vesselEveryHours")
        c.count(boxesPerVessel, "boxesPerVessel", 1...20_000)
        c.count(berths, "berths", 1...50)
        c.count(cranes, "cranes", 1...50)
        c.count(officers, "officers", 1...1000)
        c.count(inspectionLanes, "inspectionLanes", 1...1000)
        c.count(yardCranes, "yardCranes", 1...1000)
        c.count(gateLanes, "gateLanes", 1...1000)
        c.share(documentaryShare, "documentaryShare")
        c.share(inspectionShare, "inspectionShare")
        if documentaryShare + inspectionShare > 1 { c.add("inspectionShare", "documentaryShare + inspectionShare is above 1") }
        for (field, d) in [("craneMove", craneMove), ("declaredAfterArrival", declaredAfterArrival),
                           ("declaredBeforeArrival", declaredBeforeArrival), ("dutyPayment", dutyPayment),
                           ("documentReview", documentReview), ("inspection", inspection), ("truckAfterRelease", truckAfterRelease),
                           ("shipSideTruck", shipSideTruck), ("yardRetrieval", yardRetrieval), ("gate", gate)] {
            c.distribution(d, field)
        }
        return c.problems
    }

    enum Event {
        case vesselArrives(Int)
        case vesselBerths(Int)
        case lodge(Int)
        case dutiesPaid(Int)
        case checked(Int, CustomsChecks.Check)
        case discharged(Int)
        case shipSideTake(Int)
        case truckArrives(Int)
        case retrieved(Int)
        case gatedOut(Int)
    }

    struct Box {
        var vessel: Int
        var arrivedAt = 0.0
        var lodgedAt: Double?
        var dutiesPaidAt: Double?
        var checkedAt: Double?
        var lane = Declaration.Lane.green
        var dischargedAt: Double?
        var releasedAt: Double?
        var gatedOutAt: Double?
        var shipSide = false
        var truckCalled = false
    }

    public func simulate(name: String, seed: UInt64, start: Date, progress: (Double) -> Void = { _ in }) throws -> SimulationResult {
        let (boxes, driver, events, yardUtilisation) = try run(seed: seed, start: start, progress: progress)
        let total = boxes.count
        var dwell = Tally(), arrivalToExit = Tally()
        var rows: [[String]] = []
        for (index, box) in boxes.enumerated() {
            if let out = box.gatedOutAt, let landed = box.dischargedAt {
                dwell.add((out - landed) / 60)
                arrivalToExit.add((out - box.arrivedAt) / 60)
            }
            rows.append([driver.container(index).rawValue, String(box.vessel + 1), box.lane.rawValue, clockText(box.arrivedAt),
                         minutesText(box.releasedAt.map { $0 - box.arrivedAt }), minutesText(box.dischargedAt.map { $0 - box.arrivedAt }),
                         minutesText(box.gatedOutAt.map { $0 - box.arrivedAt }),
                         minutesText(box.gatedOutAt.flatMap { out in box.dischargedAt.map { out - $0 } }), box.shipSide ? "ship-side" : "yard",
                         driver.state(index).status?.rawValue ?? ""])
        }
        let shipSide = Double(boxes.filter(\.shipSide).count)
        return SimulationResult(
            scenario: name, model: "pickup",
            measures: [
                .init("boxes", Double(total), ""),
                .init("boxes out of the gate", Double(dwell.count), ""),
                .init("mean discharge to gate-out", dwell.mean, "min"),
                .init("median discharge to gate-out", dwell.percentile(50), "min"),
                .init("p90 discharge to gate-out", dwell.percentile(90), "min"),
                .init("mean vessel arrival to gate-out", arrivalToExit.mean, "min"),
                .init("picked up at ship side", total > 0 ? shipSide / Double(total) * 100 : 0, "%"),
                .init("movements Core refused", Double(driver.refusedMovements), ""),
                .init("Core errors", Double(driver.faults.count), ""),
                .init("yard crane utilisation", yardUtilisation * 100, "%"),
            ],
            columns: ["container", "vessel", "lane", "vessel_arrival", "released_min", "discharged_min", "gated_out_min",
                      "discharge_to_gate_out_min", "route", "status"],
            rows: rows, primary: dwell, primaryLabel: "discharge to gate-out (min)", events: events)
    }

    /// What each party did to each box and when, for replaying the day against a running platform.
    public func timeline(seed: UInt64, start: Date) throws -> [LiveDay.Step] {
        let (boxes, _, _, _) = try run(seed: seed, start: start)
        var steps: [LiveDay.Step] = []
        for (index, box) in boxes.enumerated() {
            if let at = box.lodgedAt { steps.append(.init(at: at, action: .lodge(box: index))) }
            if let at = box.dutiesPaidAt { steps.append(.init(at: at, action: .settleDuties(box: index))) }
            if let at = box.dischargedAt { steps.append(.init(at: at, action: .discharge(box: index))) }
            if let at = box.checkedAt { steps.append(.init(at: at, action: .completeInspection(box: index))) }
            if let at = box.gatedOutAt { steps.append(.init(at: at, action: .gateOut(box: index, shipSide: box.shipSide))) }
        }
        return steps
    }

    private func run(seed: UInt64, start: Date, progress: (Double) -> Void = { _ in }) throws
        -> (boxes: [Box], driver: DeclarationDriver, events: Int, yardUtilisation: Double)
    {
        let procedure = Procedure(rawValue: self.procedure)!
        var driver = try DeclarationDriver(procedure: procedure, direction: .import, start: start,
                                           means: procedure == .serial ? "MODEL VESSEL" : nil, voyage: procedure == .serial ? "001E" : nil)
        var sim = Simulation<Event>()
        var lanes = SeededRandom(seed: seed, stream: "lanes")
        var brokers = SeededRandom(seed: seed, stream: "brokers")
        var quay = SeededRandom(seed: seed, stream: "quay")
        var trucks = SeededRandom(seed: seed, stream: "trucks")
        var yard = SeededRandom(seed: seed, stream: "yard")
        let vessels = Int((Double(days) * 24 / vesselEveryHours).rounded(.down))
        var berthPool = Pool(capacity: berths)
        var landed = [Int](repeating: 0, count: max(vessels, 1))
        // Each berth has its own gang of cranes: a vessel's boxes queue for its berth's cranes only.
        var cranePools = [Pool](repeating: Pool(capacity: cranes), count: max(vessels, 1))
        var checks = CustomsChecks(officers: officers, lanes: inspectionLanes, review: documentReview, inspection: inspection, seed: seed)
        var yardPool = Pool(capacity: yardCranes), gatePool = Pool(capacity: gateLanes)
        let total = vessels * boxesPerVessel
        var boxes: [Box] = []
        boxes.reserveCapacity(total)
        driver.reserve(total)
        for vessel in 0..<vessels {
            let arrival = (Double(vessel) + 0.5) * vesselEveryHours * 3600
            sim.schedule(.vesselArrives(vessel), at: arrival)
            for _ in 0..<boxesPerVessel {
                let index = boxes.count
                var box = Box(vessel: vessel)
                box.arrivedAt = arrival
                let u = lanes.unit()
                box.lane = CustomsChecks.lane(u, inspectionShare: inspectionShare, documentaryShare: documentaryShare)
                boxes.append(box)
                let lodgeAt = procedure == .serial
                    ? arrival + declaredAfterArrival.seconds(&brokers) : arrival - declaredBeforeArrival.seconds(&brokers)
                sim.schedule(.lodge(index), at: max(lodgeAt, 0))
            }
        }
        var done = 0
        func noteRelease(_ box: Int, _ now: Double, _ sim: inout Simulation<Event>) {
            guard boxes[box].releasedAt == nil, driver.isReleased(box) else { return }
            boxes[box].releasedAt = now
            callTruckIfReady(box, &sim)
        }
        func callTruckIfReady(_ box: Int, _ sim: inout Simulation<Event>) {
            guard !boxes[box].truckCalled, !boxes[box].shipSide, boxes[box].releasedAt != nil, boxes[box].dischargedAt != nil
            else { return }
            // Under direct pick-up the staged truck is tried first; only a box it could not take waits for a booked truck.
            if procedure == .directPickup, !triedShipSide.contains(box) { return }
            boxes[box].truckCalled = true
            sim.schedule(.truckArrives(box), after: truckAfterRelease.seconds(&trucks))
        }
        var triedShipSide = Set<Int>()
        while let event = sim.next() {
            let now = sim.now
            switch event {
            case .vesselArrives(let vessel):
                for box in (vessel * boxesPerVessel)..<((vessel + 1) * boxesPerVessel) where driver.state(box).exists {
                    driver.port(.conveyanceArrived, box, at: now, container: false)
                }
                if berthPool.request(vessel, at: now) { sim.schedule(.vesselBerths(vessel), after: 0) }
            case .vesselBerths(let vessel):
                for box in (vessel * boxesPerVessel)..<((vessel + 1) * boxesPerVessel) {
                    if cranePools[vessel].request(box, at: now) { sim.schedule(.discharged(box), after: craneMove.seconds(&quay)) }
                }
            case .lodge(let box):
                boxes[box].lodgedAt = now
                driver.lodge(box, at: now, means: procedure == .serial ? "MODEL VESSEL" : nil, voyage: procedure == .serial ? "001E" : nil)
                if now >= boxes[box].arrivedAt { driver.port(.conveyanceArrived, box, at: now, container: false) }
                if let landed = boxes[box].dischargedAt { driver.port(.discharged, box, at: max(landed, now)) }
                driver.decideRisk(box, lane: boxes[box].lane, at: now)
                sim.schedule(.dutiesPaid(box), after: dutyPayment.seconds(&brokers))
                if let (check, seconds) = checks.request(box, lane: boxes[box].lane, onQuay: boxes[box].dischargedAt != nil, at: now) {
                    sim.schedule(.checked(box, check), after: seconds)
                }
                noteRelease(box, now, &sim)
            case .dutiesPaid(let box):
                boxes[box].dutiesPaidAt = now
                driver.run(.settleDuties(.paid), box, at: now, by: DeclarationDriver.broker)
                noteRelease(box, now, &sim)
            case .checked(let box, let check):
                boxes[box].checkedAt = now
                driver.run(.completeInspection(order: nil, outcome: .noDiscrepancy, findings: check.findings, evidence: []), box, at: now)
                noteRelease(box, now, &sim)
                if let next = checks.finished(check, at: now) { sim.schedule(.checked(next.box, check), after: next.seconds) }
            case .discharged(let box):
                boxes[box].dischargedAt = now
                if driver.state(box).exists { driver.port(.discharged, box, at: now) }
                let vessel = boxes[box].vessel
                if let next = cranePools[vessel].release(at: now) { sim.schedule(.discharged(next), after: craneMove.seconds(&quay)) }
                landed[vessel] += 1
                if landed[vessel] == boxesPerVessel, let next = berthPool.release(at: now) { sim.schedule(.vesselBerths(next), after: 0) }
                if boxes[box].lane == .inspection, driver.state(box).exists, let (check, seconds) = checks.requestInspection(box, at: now) {
                    sim.schedule(.checked(box, check), after: seconds)
                }
                if procedure == .directPickup {
                    sim.schedule(.shipSideTake(box), after: shipSideTruck.seconds(&trucks))
                } else {
                    callTruckIfReady(box, &sim)
                }
            case .shipSideTake(let box):
                triedShipSide.insert(box)
                if driver.state(box).exists, driver.port(.gatedOut, box, at: now, shipSide: true) {
                    boxes[box].shipSide = true
                    boxes[box].gatedOutAt = now
                    done += 1
                } else {
                    callTruckIfReady(box, &sim)  // refused by Core (not released): the box goes to the yard
                }
            case .truckArrives(let box):
                if yardPool.request(box, at: now) { sim.schedule(.retrieved(box), after: yardRetrieval.seconds(&yard)) }
            case .retrieved(let box):
                if let next = yardPool.release(at: now) { sim.schedule(.retrieved(next), after: yardRetrieval.seconds(&yard)) }
                if gatePool.request(box, at: now) { sim.schedule(.gatedOut(box), after: gate.seconds(&yard)) }
            case .gatedOut(let box):
                if let next = gatePool.release(at: now) { sim.schedule(.gatedOut(next), after: gate.seconds(&yard)) }
                if driver.port(.gatedOut, box, at: now) {
                    boxes[box].gatedOutAt = now
                    done += 1
                }
            }
            if done % 200 == 0 { progress(Double(done) / Double(max(total, 1))) }
        }
        return (boxes, driver, sim.processed, yardPool.utilisation(at: sim.now))
    }
}
