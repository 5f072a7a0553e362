import ClearwayCore
import Foundation
import Testing

@Suite("Agency routing")
struct AgencyRoutingTests {
    let routing = AgencyRouting(rules: [
        .init(commodityPrefix: "0808", agency: "gacc", kind: "quarantine-approval", slaMinutes: 240),
        .init(commodityPrefix: "080810", agency: "gacc", kind: "quarantine-approval", slaMinutes: 120),
        .init(commodityPrefix: "8517", agency: "miit", kind: "radio-type-approval", slaMinutes: 1440),
    ])

    func draft(_ codes: [String], direction: String = "import") throws -> DeclarationDraft {
        try form {
            $0.direction = direction
            $0.items = codes.map {
                ItemForm(commodityCode: $0, description: "goods", quantity: "1", unit: "KGM", value: "100.00", currency: "USD", origin: "AU")
            }
        }.validated(reference: reference, parties: parties, at: start)
    }

    @Test("one approval per agency and kind lists every item it covers, with the strictest SLA")
    func requirements() throws {
        let needed = routing.requirements(for: try draft(["0808100000", "8517130000", "2106909090"]), at: start)
        #expect(needed.map(\.agency) == ["gacc", "miit"])
        #expect(needed[0].items == [1])
        #expect(needed[0].dueAt == start.addingTimeInterval(120 * 60))
        #expect(needed[1].items == [2])
        #expect(needed.allSatisfy { $0.status == .pending && !$0.isOverdue(at: start) })
        #expect(needed[1].isOverdue(at: start.addingTimeInterval(1441 * 60)))
    }

    @Test("an export of the same goods needs no import approval, and no other agency sees it")
    func directionAndVisibility() throws {
        let export = try draft(["0808100000"], direction: "export")
        #expect(routing.requirements(for: export, at: start).isEmpty)
        #expect(!routing.involves("gacc", in: export))
        #expect(routing.involves("miit", in: try draft(["8517130000"])))
        #expect(!routing.involves("mofcom", in: try draft(["8517130000"])))
    }

    @Test("release waits for every agency; a refusal keeps the goods and an approval lets them go")
    func releaseWaitsForAgencies() throws {
        let rules = Declaration.Rules(agencyRouting: routing)
        let officer = Principal(userID: "u-2", username: "officer", role: .customsOfficer, office: try OfficeCode("2248"))
        let miit = Principal(userID: "u-3", username: "miit", role: .agencyOfficer, agencyID: "miit")
        var state = Declaration.State(id: "d")
        func run(_ command: Declaration.Command, by who: Principal) throws {
            state = try Declaration.decide(command, state, .init(now: start, principal: who, rules: rules)).reduce(state, Declaration.evolve)
        }
        try run(.lodge(try draft(["8517130000"]), sequence: 1), by: principal)
        try run(.decideRisk(.byOfficer(.green, inspection: nil)), by: officer)
        try run(.recordPortEvent(PortEvent(kind: .conveyanceArrived, at: start, means: "COSCO SHIPPING ARIES", voyage: "045E")), by: .system)
        try run(.settleDuties(.paid), by: principal)
        #expect(state.status == .accepted)
        #expect(Declaration.unmetConditions(.release, container: nil, in: state) == [.agenciesApproved])
        try run(.decideAgencyApproval(agency: "miit", kind: "radio-type-approval", approve: true, note: "type approved", reference: "CMIIT-2026AP1234"),
                by: miit)
        #expect(state.status == .released)
        #expect(state.clearance.agencyApprovals?.first?.reference == "CMIIT-2026AP1234")
        #expect(throws: ClearanceError.self) {
            try Declaration.decide(.decideAgencyApproval(agency: "miit", kind: "radio-type-approval", approve: false, note: "x", reference: nil),
                                   state, .init(now: start, principal: miit, rules: rules))
        }
    }
}
