import ClearwayCore
import Foundation
import Testing

@Suite("Quarantine approval")
struct QuarantineApprovalTests {
    static let application = QuarantineApproval.Application(
        applicant: PartyRef(id: "p-1", creditCode: trader.creditCode, name: "East Ocean"),
        commodityCode: try! CommodityCode("0808100000"), product: "Fresh apples", originCountry: "CL",
        producerRegistration: "CL-0808-001", quantityKg: 100_000, portOfEntry: try! UNLocode("CNSHA"),
        documents: ["trade-contract": String(repeating: "a", count: 64)])
    static let allHold = QuarantineApproval.Facts(
        onAccessList: true, producerRegistered: true, applicantTier: .normal, missingDocuments: [], validityDays: 180)
    static let context = Declaration.Context(now: start, principal: principal)

    static func submitted(_ facts: QuarantineApproval.Facts = allHold) throws -> QuarantineApproval.State {
        let events = try QuarantineApproval.decide(.submit(application, facts), .init(id: "qa-1"), context)
        return events.reduce(QuarantineApproval.State(id: "qa-1"), QuarantineApproval.evolve)
    }

    @Test("when every condition holds the system approves at submission, valid for the product's days")
    func automatic() throws {
        let state = try Self.submitted()
        #expect(state.status == .approved)
        #expect(state.automatic)
        #expect(state.secondsToDecision == 0)
        #expect(state.validUntil == start.addingTimeInterval(180 * 86_400))
    }

    @Test("each unmet condition refers the application to an officer with its reason",
          arguments: [
            ("not-on-access-list", QuarantineApproval.Facts(onAccessList: false, producerRegistered: true, applicantTier: .normal, missingDocuments: [], validityDays: 180)),
            ("producer-not-registered", QuarantineApproval.Facts(onAccessList: true, producerRegistered: false, applicantTier: .normal, missingDocuments: [], validityDays: 180)),
            ("applicant-dishonest", QuarantineApproval.Facts(onAccessList: true, producerRegistered: true, applicantTier: .dishonest, missingDocuments: [], validityDays: 180)),
            ("documents-incomplete", QuarantineApproval.Facts(onAccessList: true, producerRegistered: true, applicantTier: .normal, missingDocuments: ["phytosanitary-protocol"], validityDays: 180)),
            // A port without the measure: every application goes to an officer, the simulator's baseline.
            ("automatic-approval-off", QuarantineApproval.Facts(onAccessList: true, producerRegistered: true, applicantTier: .normal, missingDocuments: [], validityDays: 180, automaticApproval: false)),
          ])
    func referred(code: String, facts: QuarantineApproval.Facts) throws {
        let state = try Self.submitted(facts)
        #expect(state.status == .referred)
        #expect(state.reasons.map(\.code) == [code])
        #expect(state.decidedAt == nil)
    }

    @Test("an officer decides a referred application; a decided one cannot be decided again")
    func officerDecision() throws {
        var state = try Self.submitted(QuarantineApproval.Facts(
            onAccessList: true, producerRegistered: false, applicantTier: .normal, missingDocuments: [], validityDays: 180))
        let later = Declaration.Context(now: start.addingTimeInterval(3 * 86_400), principal: principal)
        state = try QuarantineApproval.decide(.decide(approve: true, note: "registration confirmed", validityDays: 180), state, later)
            .reduce(state, QuarantineApproval.evolve)
        #expect(state.status == .approved)
        #expect(!state.automatic)
        #expect(abs((state.secondsToDecision ?? 0) - 3 * 86_400) < 0.001)
        #expect(throws: ClearanceError.self) {
            try QuarantineApproval.decide(.decide(approve: false, note: "", validityDays: 0), state, later)
        }
    }

    @Test("write-offs across shipments never exceed the approved quantity, and stop at expiry")
    func writeOffs() throws {
        var state = try Self.submitted()
        for (declaration, kg) in [("d-1", 40_000.0), ("d-2", 35_000.0), ("d-3", 25_000.0)] {
            state = try QuarantineApproval.decide(.writeOff(declaration: declaration, quantityKg: kg), state, Self.context)
                .reduce(state, QuarantineApproval.evolve)
        }
        #expect(state.remainingKg == 0)
        #expect(throws: ClearanceError.self) {
            try QuarantineApproval.decide(.writeOff(declaration: "d-4", quantityKg: 1), state, Self.context)
        }
        let fresh = try Self.submitted()
        let expired = Declaration.Context(now: start.addingTimeInterval(181 * 86_400), principal: principal)
        #expect(throws: ClearanceError.self) {
            try QuarantineApproval.decide(.writeOff(declaration: "d-1", quantityKg: 1), fresh, expired)
        }
    }

    @Test("the report compares the automatic and the manual path by median and p90")
    func report() throws {
        let automatic = try Self.submitted()
        var manual = try Self.submitted(QuarantineApproval.Facts(
            onAccessList: false, producerRegistered: true, applicantTier: .normal, missingDocuments: [], validityDays: 180))
        manual = try QuarantineApproval.decide(
            .decide(approve: true, note: "protocol checked", validityDays: 180), manual,
            .init(now: start.addingTimeInterval(7_200), principal: principal)).reduce(manual, QuarantineApproval.evolve)
        let waiting = try Self.submitted(QuarantineApproval.Facts(
            onAccessList: false, producerRegistered: true, applicantTier: .normal, missingDocuments: [], validityDays: 180))
        let report = QuarantineApproval.Report([automatic, manual, waiting])
        #expect(report.automatic.count == 1)
        #expect(report.automatic.medianSeconds == 0)
        #expect(report.manual.medianSeconds == 7_200)
        #expect(report.manual.p90Seconds == 7_200)
        #expect(report.referred == 1)
    }
}
