import ClearwayCore
import DequeModule
import Foundation

/// Quarantine approval of imported food (DOMAIN.md §3.2, §0): every application reviewed by an officer in office
/// hours, against automatic approval where Core finds every condition holds (Shanghai's "approved once received",
/// about 3 minutes) and only the rest referred to an officer. Each application is a real ``QuarantineApproval``.
public struct FoodApprovalModel: Sendable, Equatable, Codable {
    /// Whether the port approves qualifying applications automatically.
    public var automaticApproval: Bool
    public var days: Int
    public var applicationsPerDay: Double
    /// Relative submission rate for each hour of the day (24 values).
    public var hourlyProfile: [Double]
    /// Share of applications for which every automatic condition holds.
    public var qualifyingShare: Double
    /// The system's check and decision when approval is automatic.
    public var systemCheck: Distribution
    public var officers: Int
    /// Office hours, in hours of the day (8.5 = 08:30), on the first `workingDays` days of each week.
    public var officeOpens: Double
    public var officeCloses: Double
    public var workingDays: Int
    /// An officer's work on one application.
    public var review: Distribution
    /// Share of reviews that ask the applicant for more, and how long the applicant takes to answer.
    public var queryShare: Double
    public var applicantReply: Distribution

    enum CodingKeys: String, CodingKey, CaseIterable {
        case automaticApproval, days, applicationsPerDay, hourlyProfile, qualifyingShare, systemCheck, officers,
            officeOpens, officeCloses, workingDays, review, queryShare, applicantReply
    }

    static var fieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [FieldProblem] {
        var c = ParameterChecks()
        c.count(days, "days", 1...365)
        c.positive(applicationsPerDay, "applicationsPerDay")
        if hourlyProfile.count != 24 { c.add("hourlyProfile", "has 24 values, one per hour, not \(hourlyProfile.count)") }
        for (hour, weight) in hourlyProfile.enumerated() where !(weight >= 0 && weight.isFinite) {
            c.add("hourlyProfile[\(hour)]", "must be at least 0, not \(weight)")
        }
        if hourlyProfile.count == 24, hourlyProfile.reduce(0, +) <= 0 { c.add("hourlyProfile", "needs at least one hour above 0") }
        c.share(qualifyingShare, "qualifyingShare")
        c.count(officers, "officers", 1...1000)
        if !(0..<24).contains(officeOpens) { c.add("officeOpens", "is an hour of the day from 0 to 24, not \(officeOpens)") }
        if !(officeOpens < officeCloses && officeCloses <= 24) { c.add("officeCloses", "must be after officeOpens and at most 24") }
        c.count(workingDays, "workingDays", 1...7)
        c.share(queryShare, "queryShare")
        for (field, d) in [("systemCheck", systemCheck), ("review", review), ("applicantReply", applicantReply)] {
            c.distribution(d, field)
        }
        return c.problems
    }

    enum Event {
        case submit(Int)
        case systemDecides(Int)
        case reviewed(Int)
        case replied(Int)
        case officeOpens
        case officeCloses
    }

    public func simulate(name: String, seed: UInt64, start: Date, progress: (Double) -> Void = { _ in }) throws -> SimulationResult {
        var sim = Simulation<Event>()
        var arrivals = SeededRandom(seed: seed, stream: "applications")
        var facts = SeededRandom(seed: seed, stream: "facts")
        var officersRandom = SeededRandom(seed: seed, stream: "officers")
        var applicants = SeededRandom(seed: seed, stream: "applicants")
        let officer = Principal(userID: "sim-officer", username: "officer", role: .customsOfficer, office: try! OfficeCode("2248"))
        let applicant = Principal(userID: "sim-importer", username: "importer", role: .trader, partyID: "sim-importer")
        let party = PartyRef(id: "sim-importer", creditCode: try! CreditCode("91350100M000100Y43"), name: "Model Importer")
        // Submissions: a Poisson process whose rate follows the hour of the day, drawn by thinning.
        let peak = hourlyProfile.max() ?? 1, mean = hourlyProfile.reduce(0, +) / 24
        let peakPerSecond = applicationsPerDay / 86_400 * peak / mean
        var submitted: [Double] = []
        var t = 0.0
        let end = Double(days) * 86_400
        while true {
            t += arrivals.exponential(mean: 1 / peakPerSecond)
            guard t < end else { break }
            if arrivals.unit() < hourlyProfile[Int(t / 3600) % 24] / peak { submitted.append(t) }
        }
        for (index, at) in submitted.enumerated() { sim.schedule(.submit(index), at: at) }
        for day in 0..<(days + 60) where day % 7 < workingDays {
            sim.schedule(.officeOpens, at: (Double(day) * 24 + officeOpens) * 3600)
            sim.schedule(.officeCloses, at: (Double(day) * 24 + officeCloses) * 3600)
        }
        var states = submitted.indices.map { QuarantineApproval.State(id: "qa-\($0 + 1)") }
        var decidedAt = [Double?](repeating: nil, count: submitted.count)
        var reviews = [Int](repeating: 0, count: submitted.count)
        var faults: [String] = []
        var queue = Deque<Int>()
        var free = officers, open = false, done = 0
        func apply(_ command: QuarantineApproval.Command, _ index: Int, _ now: Double, by principal: Principal) {
            do {
                let events = try QuarantineApproval.decide(command, states[index], .init(now: start.addingTimeInterval(now), principal: principal))
                states[index] = events.reduce(states[index], QuarantineApproval.evolve)
            } catch { faults.append("application \(index + 1): \(error)") }
            if let decided = states[index].decidedAt, decidedAt[index] == nil {
                decidedAt[index] = decided.timeIntervalSince(start)
                done += 1
            }
        }
        func startReviews(_ sim: inout Simulation<Event>) {
            while open, free > 0, let next = queue.popFirst() {
                free -= 1
                reviews[next] += 1
                sim.schedule(.reviewed(next), after: review.seconds(&officersRandom))
            }
        }
        while let event = sim.next() {
            let now = sim.now
            switch event {
            case .submit(let index):
                if automaticApproval {
                    sim.schedule(.systemDecides(index), after: systemCheck.seconds(&facts))
                } else {
                    sim.schedule(.systemDecides(index), after: 0)
                }
            case .systemDecides(let index):
                let qualifies = facts.unit() < qualifyingShare
                let application = QuarantineApproval.Application(
                    applicant: party, commodityCode: try! CommodityCode("0808100000"), product: "Fresh apples", originCountry: "CL",
                    producerRegistration: "CHL0800000\(index % 10)", quantityKg: 20_000, portOfEntry: try! UNLocode("CNSHA"),
                    documents: ["trade-contract": "sim"])
                let checked = QuarantineApproval.Facts(
                    onAccessList: true, producerRegistered: qualifies, applicantTier: .normal,
                    missingDocuments: [], validityDays: 180, automaticApproval: automaticApproval)
                apply(.submit(application, checked), index, now, by: applicant)
                if states[index].status == .referred {
                    queue.append(index)
                    startReviews(&sim)
                }
            case .reviewed(let index):
                free += 1
                if reviews[index] == 1, officersRandom.unit() < queryShare {
                    sim.schedule(.replied(index), after: applicantReply.seconds(&applicants))
                } else {
                    apply(.decide(approve: true, note: "conditions verified by the officer", validityDays: 180), index, now, by: officer)
                }
                startReviews(&sim)
            case .replied(let index):
                queue.append(index)
                startReviews(&sim)
            case .officeOpens:
                open = true
                startReviews(&sim)
            case .officeCloses:
                open = false
            }
            if done % 50 == 0 { progress(Double(done) / Double(max(submitted.count, 1))) }
            if done == submitted.count, sim.now >= end { break }
        }
        var hours = Tally()
        var rows: [[String]] = []
        for index in submitted.indices {
            let took = decidedAt[index].map { $0 - submitted[index] }
            if let took { hours.add(took / 3600) }
            rows.append([states[index].id, clockText(submitted[index]), took.map { String(format: "%.2f", $0 / 3600) } ?? "",
                         states[index].automatic ? "automatic" : "officer", String(reviews[index]), states[index].status?.rawValue ?? ""])
        }
        let automatic = Double(states.filter(\.automatic).count)
        return SimulationResult(
            scenario: name, model: "food-approval",
            measures: [
                .init("applications", Double(submitted.count), ""),
                .init("decided", Double(hours.count), ""),
                .init("mean submission to decision", hours.mean, "h"),
                .init("median submission to decision", hours.percentile(50), "h"),
                .init("p90 submission to decision", hours.percentile(90), "h"),
                .init("approved automatically", submitted.isEmpty ? 0 : automatic / Double(submitted.count) * 100, "%"),
                .init("Core errors", Double(faults.count), ""),
            ],
            columns: ["application", "submitted", "hours_to_decision", "decided_by", "officer_reviews", "status"],
            rows: rows, primary: hours, primaryLabel: "submission to decision (h)", events: sim.processed)
    }
}
