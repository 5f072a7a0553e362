import ClearwayCore
import Crypto
import Foundation
import Testing

@Suite("Selectivity and inspection orders")
struct SelectivityTests {
    static func subject(_ change: (inout DeclarationForm) -> Void = { _ in }, tier: CreditTier = .normal, prior: Int = 0,
                        score: Double? = nil) throws -> RiskSubject {
        let draft = try form(change).validated(reference: reference, parties: parties, at: start)
        return RiskSubject(draft: draft, customsNumber: "224820261000000001", creditTier: tier, priorDiscrepancies: prior,
                           score: score, currencyExponents: reference.currencies)
    }

    static func rule(_ id: String = "r", version: Int = 1, from: Date = start.addingTimeInterval(-86_400), until: Date? = nil,
                     lane: Declaration.Lane = .inspection, kind: InspectionKind? = .physical, place: InspectionPlace? = .port,
                     _ when: (inout RiskRule.Conditions) -> Void) -> RiskRule {
        var conditions = RiskRule.Conditions()
        when(&conditions)
        return RiskRule(id: id, version: version, name: "rule \(id) v\(version)", effectiveFrom: from, effectiveUntil: until,
                        when: conditions, then: .init(lane: lane, inspection: kind, place: place))
    }

    @Test("a rule on food preparations from Australia hits them and misses the same goods from the United States")
    func ruleHitAndMiss() throws {
        let rule = Self.rule { $0.commodityPrefixes = ["2106"]; $0.originCountries = ["AU"] }
        #expect(rule.matches(try Self.subject()))
        #expect(!rule.matches(try Self.subject { $0.items[0].origin = "US" }))
        #expect(!rule.matches(try Self.subject { $0.items[0].commodityCode = "0808100000" }))
    }

    @Test("a unit value under the reference, a dishonest tier, repeated discrepancies and a high score each hit")
    func ruleConditions() throws {
        // 100.00 USD for 10 kg is 10 USD a kilogram.
        let cheap = Self.rule { $0.unitValueBelow = 12; $0.unitValueCurrency = "USD" }
        #expect(cheap.matches(try Self.subject()))
        #expect(!Self.rule { $0.unitValueBelow = 8; $0.unitValueCurrency = "USD" }.matches(try Self.subject()))
        #expect(!Self.rule { $0.unitValueBelow = 12; $0.unitValueCurrency = "CNY" }.matches(try Self.subject()))
        let tier = Self.rule { $0.creditTiers = [.dishonest, .seriouslyDishonest] }
        #expect(tier.matches(try Self.subject(tier: .dishonest)))
        #expect(!tier.matches(try Self.subject(tier: .advancedCertified)))
        let history = Self.rule { $0.priorDiscrepanciesAtLeast = 2 }
        #expect(history.matches(try Self.subject(prior: 2)))
        #expect(!history.matches(try Self.subject(prior: 1)))
        let scored = Self.rule { $0.scoreAtLeast = 0.7 }
        #expect(scored.matches(try Self.subject(score: 0.9)))
        #expect(!scored.matches(try Self.subject(score: 0.2)))
        #expect(!scored.matches(try Self.subject(score: nil)))
        #expect(!Self.rule { _ in }.matches(try Self.subject()))
    }

    @Test("the latest effective version of a rule applies, and an expired rule does not")
    func versionsAndDates() throws {
        let subject = try Self.subject()
        let v1 = Self.rule("meat", version: 1, lane: .documentary, kind: nil) { $0.originCountries = ["AU"] }
        let v2 = Self.rule("meat", version: 2, from: start.addingTimeInterval(3600), lane: .inspection) { $0.originCountries = ["AU"] }
        let expired = Self.rule("old", until: start.addingTimeInterval(-60)) { $0.originCountries = ["AU"] }
        let before = Selectivity.decide(subject, rules: [v1, v2, expired], at: start, random: nil)
        #expect(before.lane == .documentary)
        #expect(before.ruleHits.map(\.version) == [1])
        #expect(before.inspections == [.init(kind: .documentReview, place: .port)])
        let after = Selectivity.decide(subject, rules: [v1, v2, expired], at: start.addingTimeInterval(7200), random: nil)
        #expect(after.lane == .inspection)
        #expect(after.ruleHits.map(\.version) == [2])
    }

    @Test("the strictest hit decides the lane; a document review is folded into a physical inspection")
    func strictestLane() throws {
        let documents = Self.rule("docs", lane: .documentary, kind: nil) { $0.originCountries = ["AU"] }
        let scan = Self.rule("scan", kind: .scan) { $0.commodityPrefixes = ["21"] }
        let factory = Self.rule("factory", kind: .sampling, place: .factory) { $0.supervisionModes = ["0110"] }
        let selection = Selectivity.decide(try Self.subject(), rules: [documents, scan, factory], at: start, random: nil)
        #expect(selection.lane == .inspection)
        #expect(selection.ruleHits.map(\.rule) == ["docs", "factory", "scan"])
        #expect(selection.inspections == [.init(kind: .sampling, place: .factory), .init(kind: .scan, place: .port)])
        let none = Selectivity.decide(try Self.subject { $0.items[0].origin = "US"; $0.supervisionMode = "9610" },
                                      rules: [documents, factory], at: start, random: nil)
        #expect(none.lane == .green)
        #expect(none.inspections.isEmpty)
    }

    @Test("a rule as authored is checked field by field")
    func ruleValidation() {
        var rule = Self.rule("Bad Id!", lane: .inspection, kind: .documentReview) {
            $0.commodityPrefixes = ["2"]
            $0.originCountries = ["ZZ"]
            $0.scoreAtLeast = 1.5
        }
        rule.effectiveUntil = rule.effectiveFrom
        #expect(throws: ValidationFailure.self) { try RiskRule.validate(rule, reference: reference) }
        do {
            try RiskRule.validate(rule, reference: reference)
        } catch {
            #expect(error.issues.map(\.pointer) == [
                "/id", "/effectiveUntil", "/when/commodityPrefixes/0", "/when/originCountries/0", "/when/scoreAtLeast",
                "/then/inspection",
            ])
        }
        let green = Self.rule(lane: .green, kind: nil) { $0.originCountries = ["AU"] }
        #expect(throws: ValidationFailure.self) { try RiskRule.validate(green, reference: reference) }
    }

    @Test("a random draw is the same for the same seed and number, and selects at its rate over 100,000 draws")
    func randomSelection() {
        let seed = Data((0..<32).map { UInt8($0) })
        let one = RandomSelection.draw(seed: seed, day: "2026-05-29", customsNumber: "224820261000000001", rate: 0.03, roster: 5)
        let again = RandomSelection.draw(seed: seed, day: "2026-05-29", customsNumber: "224820261000000001", rate: 0.03, roster: 5)
        #expect(one == again)
        // Anyone can recompute it: the first 53 bits of HMAC-SHA256(seed, customs number).
        let mac = Array(HMAC<SHA256>.authenticationCode(for: Data("224820261000000001".utf8), using: SymmetricKey(data: seed)))
        let word = mac.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(one.value == Double(word >> 11) / Double(UInt64(1) << 53))

        for rate in [0.005, 0.03, 0.85] {
            var selected = 0
            var officers = [Int](repeating: 0, count: 4)
            let n = 100_000
            for i in 0..<n {
                let draw = RandomSelection.draw(seed: seed, day: "d", customsNumber: String(224820261000000000 + i), rate: rate, roster: 4)
                if draw.selected {
                    selected += 1
                    officers[draw.officerIndex!] += 1
                }
            }
            // Five standard deviations either side: a correct draw fails this about once in 1.7 million runs.
            let mean = Double(n) * rate
            let sd = (Double(n) * rate * (1 - rate)).squareRoot()
            #expect(abs(Double(selected) - mean) < 5 * sd, "rate \(rate): \(selected) selected of \(n)")
            // Officers are drawn evenly too.
            let share = Double(selected) / 4
            let officerSD = (Double(selected) * 0.25 * 0.75).squareRoot()
            #expect(officers.allSatisfy { abs(Double($0) - share) < 5 * officerSD }, "\(officers)")
        }
        #expect(RandomSelection.commitment(seed) == SHA256.hash(data: seed).map { String(format: "%02x", $0) }.joined())
    }

    @Test("a port inspection holds release until a clean result; a factory inspection does not hold it")
    func portAndFactoryInspections() throws {
        var flow = try Flow { $0.procedure = "direct-pickup" }
        let selection = Selectivity.decide(
            try Self.subject(), rules: [Self.rule("port", kind: .scan) { $0.originCountries = ["AU"] },
                                        Self.rule("factory", kind: .sampling, place: .factory) { $0.originCountries = ["AU"] }],
            at: start, random: nil)
        try flow.run(.decideRisk(selection), by: .system)
        try flow.run(.settleDuties(.paid), by: principal)
        #expect(flow.state.clearance.inspections.map(\.number) == [1, 2])
        #expect(flow.state.status == .accepted)
        // Two orders are open: a result must name which.
        #expect(throws: ClearanceError.self) {
            try flow.run(.completeInspection(order: nil, outcome: .noDiscrepancy, findings: "clean", evidence: []))
        }
        let port = try #require(flow.state.clearance.inspections.first { $0.place == .port })
        try flow.run(.completeInspection(order: port.number, outcome: .noDiscrepancy, findings: "scan clean", evidence: []))
        #expect(flow.state.status == .released)
        #expect(flow.state.clearance.inspections.first { $0.place == .factory }?.isOpen == true)
        try flow.run(.completeInspection(order: nil, outcome: .noDiscrepancy, findings: "samples conform", evidence: []))
        #expect(flow.state.clearance.inspections.allSatisfy { !$0.isOpen })
    }

    @Test("a seizure holds the goods, and evidence must already be attached to the declaration")
    func seizureAndEvidence() throws {
        var flow = try Flow { $0.procedure = "direct-pickup" }
        try flow.run(.decideRisk(.byOfficer(.inspection)))
        #expect(throws: ClearanceError.self) {
            try flow.run(.completeInspection(order: 1, outcome: .seizure, findings: "narcotics", evidence: [String(repeating: "ab", count: 32)]))
        }
        try flow.run(.completeInspection(order: 1, outcome: .seizure, findings: "narcotics in the lining", evidence: []))
        #expect(flow.state.clearance.holdReason == "goods seized: narcotics in the lining")
        #expect(flow.state.clearance.inspectionCompliant == false)
        try flow.run(.settleDuties(.paid), by: principal)
        #expect(flow.state.status == .accepted)
    }

    @Test("an officer may change the system's lane until a result is recorded, and not after")
    func officerOverride() throws {
        var flow = try Flow { $0.procedure = "direct-pickup" }
        try flow.run(.decideRisk(Selectivity.decide(try Self.subject(), rules: [], at: start, random: nil)), by: .system)
        #expect(flow.state.clearance.lane == .green)
        #expect(throws: ClearanceError.self) {
            try flow.run(.decideRisk(Selectivity.decide(try Self.subject(), rules: [], at: start, random: nil)), by: .system)
        }
        try flow.run(.decideRisk(.byOfficer(.inspection, inspection: .init(kind: .scan, place: .port, officer: "officer"))))
        #expect(flow.state.clearance.inspections.map(\.kind) == [.scan])
        try flow.run(.completeInspection(order: nil, outcome: .discrepancy, findings: "misdeclared weight", evidence: []))
        #expect(throws: ClearanceError.self) { try flow.run(.decideRisk(.byOfficer(.green))) }
    }
}
