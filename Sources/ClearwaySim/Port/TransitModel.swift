import ClearwayCore
import Foundation

/// Water-to-water transit of boxes from an ocean vessel to upriver barges (DOMAIN.md §2.2). Serial: the firm
/// declares only once the tally is normal and the barge is known, so customs review waits for logistics and a box
/// not released by its barge's cut-off is re-bound to the next one. Departure confirmation (离港确认): declared before
/// the vessel berths with no barge named, reviewed while the box is discharged and tallied, and bound to a barge by one
/// late confirmation that Core approves only when the box is released and the tally normal.
public struct TransitModel: Sendable, Equatable, Codable {
    /// `serial` or `departure-confirmation`.
    public var procedure: String
    public var days: Int
    public var vesselEveryHours: Double
    public var boxesPerVessel: Int
    /// Berths: a vessel that finds them all taken waits at anchor until one is free.
    public var berths: Int
    /// Quay cranes working each berth.
    public var cranes: Int
    public var craneMove: Distribution
    /// From the vessel's last box discharged to the tally firm reporting the manifest tally normal.
    public var tallyAfterDischarge: Distribution
    /// From the tally to the logistics firm knowing which barge takes the boxes.
    public var bargeAllocation: Distribution
    public var bargeEveryHours: Double
    public var bargeCapacity: Int
    /// Boxes must be cleared to load this long before a barge leaves.
    public var loadingCutoffMinutes: Double
    /// Serial: the firm books the first barge leaving at least this long after the allocation.
    public var bookingLeadMinutes: Double
    /// Serial: from the allocation to the broker lodging the transit declaration.
    public var declaredAfterAllocation: Distribution
    /// Serial: re-binding a box that missed its barge to the next one (amendment by the broker).
    public var rebinding: Distribution
    /// Departure confirmation: how long before the vessel berths the declaration is lodged.
    public var declaredBeforeArrival: Distribution
    /// Departure confirmation: from the allocation to the firm's confirmation naming the barge.
    public var confirmation: Distribution
    public var documentaryShare: Double
    public var inspectionShare: Double
    public var officers: Int
    public var documentReview: Distribution
    public var inspectionLanes: Int
    public var inspection: Distribution

    enum CodingKeys: String, CodingKey, CaseIterable {
        case procedure, days, vesselEveryHours, boxesPerVessel, berths, cranes, craneMove, tallyAfterDischarge,
            bargeAllocation, bargeEveryHours, bargeCapacity, loadingCutoffMinutes, bookingLeadMinutes,
            declaredAfterAllocation, rebinding, declaredBeforeArrival, confirmation, documentaryShare, inspectionShare,
            officers, documentReview, inspectionLanes, inspection
    }

    static var fieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [FieldProblem] {
        var c = ParameterChecks()
        if Procedure(rawValue: procedure).map({ [.serial, .departureConfirmation].contains($0) }) != true {
            c.add("procedure", "is 'serial' or 'departure-confirmation', not '\(procedure)'")
        }
        c.count(days, "days", 1...365)
        c.positive(vesselEveryHours, "vesselEveryHours")
        c.count(boxesPerVessel, "boxesPerVessel", 1...20_000)
        c.count(berths, "berths", 1...50)
        c.count(cranes, "cranes", 1...50)
        c.positive(bargeEveryHours, "bargeEveryHours")
        c.count(bargeCapacity, "bargeCapacity", 1...10_000)
        if !(loadingCutoffMinutes >= 0) { c.add("loadingCutoffMinutes", "must be at least 0") }
        if !(bookingLeadMinutes >= 0) { c.add("bookingLeadMinutes", "must be at least 0") }
        c.count(officers, "officers", 1...1000)
        c.count(inspectionLanes, "inspectionLanes", 1...1000)
        c.share(documentaryShare, "documentaryShare")
        c.share(inspectionShare, "inspectionShare")
        if documentaryShare + inspectionShare > 1 { c.add("inspectionShare", "documentaryShare + inspectionShare is above 1") }
        for (field, d) in [("craneMove", craneMove), ("tallyAfterDischarge", tallyAfterDischarge), ("bargeAllocation", bargeAllocation),
                           ("declaredAfterAllocation", declaredAfterAllocation), ("rebinding", rebinding),
                           ("declaredBeforeArrival", declaredBeforeArrival), ("confirmation", confirmation),
                           ("documentReview", documentReview), ("inspection", inspection)] {
            c.distribution(d, field)
        }
        return c.problems
    }

    enum Event {
        case vesselArrives(Int)
        case vesselBerths(Int)
        case lodge(Int)
        case checked(Int, CustomsChecks.Check)
        case discharged(Int)
        case tallied(Int)
        case allocated(Int)
        case confirm(Int)
        case rebind(Int)
        case cutoff(Int)
    }

    struct Box {
        var vessel: Int
        var arrivedAt = 0.0
        var lane = Declaration.Lane.green
        var dischargedAt: Double?
        var releasedAt: Double?
        var allocated = false
        var barge: Int?
        var approvedAt: Double?
        var departedAt: Double?
        var missed = 0
    }

    public func simulate(name: String, seed: UInt64, start: Date, progress: (Double) -> Void = { _ in }) throws -> SimulationResult {
        let procedure = Procedure(rawValue: self.procedure)!
        let serial = procedure == .serial
        var driver = try DeclarationDriver(procedure: procedure, direction: .import, start: start,
                                           means: serial ? "BARGE" : nil, voyage: serial ? "B0" : nil)
        var sim = Simulation<Event>()
        var lanes = SeededRandom(seed: seed, stream: "lanes")
        var brokers = SeededRandom(seed: seed, stream: "brokers")
        var quay = SeededRandom(seed: seed, stream: "quay")
        var logistics = SeededRandom(seed: seed, stream: "logistics")
        let vessels = Int((Double(days) * 24 / vesselEveryHours).rounded(.down))
        var berthPool = Pool(capacity: berths)
        var landed = [Int](repeating: 0, count: max(vessels, 1))
        // Each berth has its own gang of cranes: a vessel's boxes queue for its berth's cranes only.
        var cranePools = [Pool](repeating: Pool(capacity: cranes), count: max(vessels, 1))
        var checks = CustomsChecks(officers: officers, lanes: inspectionLanes, review: documentReview, inspection: inspection, seed: seed)
        let total = vessels * boxesPerVessel
        let bargeGap = bargeEveryHours * 3600, cutoff = loadingCutoffMinutes * 60
        func departure(_ barge: Int) -> Double { Double(barge + 1) * bargeGap }
        /// The first barge whose cut-off is at least `lead` seconds after `time`.
        func firstBarge(after time: Double, lead: Double) -> Int { max(0, Int(((time + lead + cutoff) / bargeGap).rounded(.up)) - 1) }
        var boxes: [Box] = []
        boxes.reserveCapacity(total)
        driver.reserve(total)
        for vessel in 0..<vessels {
            let arrival = (Double(vessel) + 0.5) * vesselEveryHours * 3600
            sim.schedule(.vesselArrives(vessel), at: arrival)
            for _ in 0..<boxesPerVessel {
                var box = Box(vessel: vessel)
                box.arrivedAt = arrival
                let u = lanes.unit()
                box.lane = CustomsChecks.lane(u, inspectionShare: inspectionShare, documentaryShare: documentaryShare)
                if !serial { sim.schedule(.lodge(boxes.count), at: max(0, arrival - declaredBeforeArrival.seconds(&brokers))) }
                boxes.append(box)
            }
        }
        var scheduledBarges = 0
        func scheduleBarges(through time: Double, _ sim: inout Simulation<Event>) {
            while departure(scheduledBarges) - cutoff <= time + bargeGap {
                sim.schedule(.cutoff(scheduledBarges), at: departure(scheduledBarges) - cutoff)
                scheduledBarges += 1
            }
        }
        func voyage(_ barge: Int) -> String { "B\(barge + 1)" }
        func noteRelease(_ box: Int, _ now: Double, _ sim: inout Simulation<Event>) {
            guard boxes[box].releasedAt == nil, driver.isReleased(box) else { return }
            boxes[box].releasedAt = now
            // A confirmation Core refused for want of release is sent again once the box is released.
            if !serial, boxes[box].allocated, boxes[box].approvedAt == nil { sim.schedule(.confirm(box), after: 60) }
        }
        var done = 0
        var waitingToLoad: [Int] = []  // departure confirmation: approved boxes, in order of approval
        while let event = sim.next() {
            let now = sim.now
            switch event {
            case .vesselArrives(let vessel):
                scheduleBarges(through: now + 7 * 86_400, &sim)
                for box in (vessel * boxesPerVessel)..<((vessel + 1) * boxesPerVessel) where driver.state(box).exists {
                    driver.port(.conveyanceArrived, box, at: now, container: false)
                }
                if berthPool.request(vessel, at: now) { sim.schedule(.vesselBerths(vessel), after: 0) }
            case .vesselBerths(let vessel):
                for box in (vessel * boxesPerVessel)..<((vessel + 1) * boxesPerVessel) {
                    if cranePools[vessel].request(box, at: now) { sim.schedule(.discharged(box), after: craneMove.seconds(&quay)) }
                }
            case .discharged(let box):
                boxes[box].dischargedAt = now
                if driver.state(box).exists {
                    driver.port(.discharged, box, at: now)
                    driver.port(.gatedIn, box, at: now)  // into the transit stack the barge loads from
                    if boxes[box].lane == .inspection, let (check, seconds) = checks.requestInspection(box, at: now) {
                        sim.schedule(.checked(box, check), after: seconds)
                    }
                }
                let vessel = boxes[box].vessel
                if let next = cranePools[vessel].release(at: now) { sim.schedule(.discharged(next), after: craneMove.seconds(&quay)) }
                landed[vessel] += 1
                if landed[vessel] == boxesPerVessel, let next = berthPool.release(at: now) { sim.schedule(.vesselBerths(next), after: 0) }
                if landed[vessel] == boxesPerVessel { sim.schedule(.tallied(vessel), after: tallyAfterDischarge.seconds(&logistics)) }
            case .tallied(let vessel):
                for box in (vessel * boxesPerVessel)..<((vessel + 1) * boxesPerVessel) where driver.state(box).exists {
                    driver.port(.tallied, box, at: now, container: false, tally: true)
                }
                sim.schedule(.allocated(vessel), after: bargeAllocation.seconds(&logistics))
            case .allocated(let vessel):
                for box in (vessel * boxesPerVessel)..<((vessel + 1) * boxesPerVessel) {
                    boxes[box].allocated = true
                    if serial {
                        boxes[box].barge = firstBarge(after: now, lead: bookingLeadMinutes * 60)
                        sim.schedule(.lodge(box), after: declaredAfterAllocation.seconds(&brokers))
                    } else {
                        sim.schedule(.confirm(box), after: confirmation.seconds(&brokers))
                    }
                }
            case .lodge(let box):
                if serial {
                    driver.lodge(box, at: now, means: "BARGE", voyage: voyage(boxes[box].barge!))
                    driver.port(.conveyanceArrived, box, at: now, container: false)
                    driver.port(.discharged, box, at: now)
                    driver.port(.gatedIn, box, at: now)
                    driver.port(.tallied, box, at: now, container: false, tally: true)
                } else {
                    driver.lodge(box, at: now)
                    if now >= boxes[box].arrivedAt { driver.port(.conveyanceArrived, box, at: now, container: false) }
                }
                driver.decideRisk(box, lane: boxes[box].lane, at: now)
                // Transit goods move under guarantee: no duties are paid at the port of entry.
                driver.run(.settleDuties(.guaranteed), box, at: now, by: DeclarationDriver.broker)
                if let (check, seconds) = checks.request(box, lane: boxes[box].lane, onQuay: boxes[box].dischargedAt != nil, at: now) {
                    sim.schedule(.checked(box, check), after: seconds)
                }
                noteRelease(box, now, &sim)
            case .checked(let box, let check):
                driver.run(.completeInspection(order: nil, outcome: .noDiscrepancy, findings: check.findings, evidence: []), box, at: now)
                noteRelease(box, now, &sim)
                if let next = checks.finished(check, at: now) { sim.schedule(.checked(next.box, check), after: next.seconds) }
            case .confirm(let box):
                guard boxes[box].approvedAt == nil else { break }
                let barge = firstBarge(after: now, lead: 0)
                driver.run(.confirmDeparture(means: "BARGE", voyage: voyage(barge)), box, at: now, by: DeclarationDriver.broker)
                if driver.state(box).clearance.departureApprovedAt != nil {
                    boxes[box].approvedAt = now
                    boxes[box].barge = barge
                    waitingToLoad.append(box)
                }
            case .rebind(let box):
                let barge = firstBarge(after: now, lead: 0)
                boxes[box].barge = barge
                // Not yet lodged: the broker will name the new barge when lodging.
                guard driver.state(box).exists else { break }
                driver.run(.bindTransport(means: "BARGE", voyage: voyage(barge)), box, at: now, by: DeclarationDriver.broker)
            case .cutoff(let barge):
                var loaded: [Int] = []
                if serial {
                    for box in boxes.indices where boxes[box].barge == barge && boxes[box].departedAt == nil {
                        if loaded.count < bargeCapacity, driver.state(box).exists,
                           Declaration.unmetConditions(.load, container: driver.container(box).rawValue, in: driver.state(box)).isEmpty {
                            loaded.append(box)
                        } else {
                            boxes[box].missed += 1
                            sim.schedule(.rebind(box), after: rebinding.seconds(&brokers))
                        }
                    }
                } else {
                    var kept: [Int] = []
                    for box in waitingToLoad {
                        if loaded.count < bargeCapacity, boxes[box].dischargedAt != nil { loaded.append(box) } else { kept.append(box) }
                    }
                    waitingToLoad = kept
                }
                let leaves = departure(barge)
                for box in loaded {
                    driver.port(.loaded, box, at: now)
                    // The barge's departure and clean manifest, as the carrier reports them, close each transit.
                    driver.port(.conveyanceDeparted, box, at: leaves, container: false)
                    driver.port(.manifestFiled, box, at: leaves, container: false, manifest: .clean)
                    boxes[box].departedAt = leaves
                    done += 1
                }
                if done < total { scheduleBarges(through: now, &sim) }
                progress(Double(done) / Double(max(total, 1)))
            }
            if done == total, total > 0 { break }
        }
        var wait = Tally(), fromArrival = Tally()
        var rows: [[String]] = []
        for (index, box) in boxes.enumerated() {
            if let left = box.departedAt, let landed = box.dischargedAt {
                wait.add((left - landed) / 60)
                fromArrival.add((left - box.arrivedAt) / 60)
            }
            rows.append([driver.container(index).rawValue, String(box.vessel + 1), box.lane.rawValue, clockText(box.arrivedAt),
                         minutesText(box.dischargedAt.map { $0 - box.arrivedAt }), minutesText(box.releasedAt.map { $0 - box.arrivedAt }),
                         minutesText(box.approvedAt.map { $0 - box.arrivedAt }), minutesText(box.departedAt.map { $0 - box.arrivedAt }),
                         minutesText(box.departedAt.flatMap { left in box.dischargedAt.map { left - $0 } }), String(box.missed),
                         box.barge.map(voyage) ?? "", driver.state(index).status?.rawValue ?? ""])
        }
        let missed = boxes.reduce(0) { $0 + $1.missed }
        return SimulationResult(
            scenario: name, model: "transit",
            measures: [
                .init("boxes", Double(total), ""),
                .init("boxes departed", Double(wait.count), ""),
                .init("mean wait in port per box", wait.mean, "min"),
                .init("median wait in port per box", wait.percentile(50), "min"),
                .init("p90 wait in port per box", wait.percentile(90), "min"),
                .init("mean vessel arrival to barge departure", fromArrival.mean, "min"),
                .init("barges missed per box", total > 0 ? Double(missed) / Double(total) : 0, ""),
                .init("movements Core refused", Double(driver.refusedMovements), ""),
                .init("Core errors", Double(driver.faults.count), ""),
                .init("officer utilisation", checks.officerUtilisation(at: sim.now) * 100, "%"),
            ],
            columns: ["container", "vessel", "lane", "vessel_arrival", "discharged_min", "released_min", "departure_approved_min",
                      "departed_min", "wait_in_port_min", "barges_missed", "barge", "status"],
            rows: rows, primary: wait, primaryLabel: "wait in port per box (min)", events: sim.processed)
    }
}
