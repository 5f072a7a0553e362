import ClearwayCore
import Foundation
import Testing

/// Reference data small enough to read in a test, with the same shape as the shipped tables.
let reference = ReferenceData(
    hs: HSNomenclature(edition: "2022", subheadings: ["210690", "851713", "080810"]),
    offices: OfficeTree([
        CustomsOffice(code: .administration, name: "GAC", nameZh: "海关总署", parent: nil),
        CustomsOffice(code: try! OfficeCode("2200"), name: "Shanghai", nameZh: "上海海关", parent: .administration),
        CustomsOffice(code: try! OfficeCode("2248"), name: "Yangshan", nameZh: "洋山海关", parent: try! OfficeCode("2200")),
    ]),
    supervisionModes: ["0110": "general trade", "9610": "e-commerce"], transportModes: ["2": "waterway", "5": "air"],
    incoterms: ["CIF", "FOB"], currencies: ["USD": 2, "CNY": 2, "JPY": 0], countries: ["AU", "CN", "US"],
    limits: DeclarationLimits(maxItems: 3, maxContainers: 2),
    procedureRules: Procedure.allCases.map {
        ProcedureRule(
            procedure: $0, office: nil, tiers: Set(CreditTier.allCases).subtracting([.dishonest, .seriouslyDishonest]),
            effectiveFrom: .distantPast, effectiveUntil: nil)
    })

let trader = try! Party(
    id: "p-1", name: "East Ocean", creditCode: CreditCode("91350100M000100Y43"), customsCode: nil)
let parties = [trader.creditCode: trader]
let principal = Principal(userID: "u-1", username: "trader", role: .trader, partyID: "p-1")
let start = Date(timeIntervalSince1970: 1_780_000_000)

func form(_ change: (inout DeclarationForm) -> Void = { _ in }) -> DeclarationForm {
    var form = DeclarationForm(
        direction: "import", supervisionMode: "0110", declarant: "91350100M000100Y43", tradingParty: "91350100M000100Y43",
        overseasParty: nil, declarationOffice: "2248", entryExitOffice: "2248",
        transport: TransportForm(mode: "2", means: "COSCO SHIPPING ARIES", voyage: "045E"), billOfLading: "COSU6245187340",
        incoterm: "CIF",
        containers: [ContainerForm(number: "CSQU3054383", seals: ["SH1"])],
        items: [
            ItemForm(
                commodityCode: "2106909090", description: "Food preparations", quantity: "10", unit: "KGM", value: "100.00",
                currency: "USD", origin: "AU")
        ])
    change(&form)
    return form
}

@Suite("Declarations")
struct DeclarationTests {
    @Test("a valid declaration is accepted with an 18-digit customs number of its office, year and direction")
    func accepted() throws {
        let draft = try form().validated(reference: reference, parties: parties, at: start)
        let events = try Declaration.decide(
            .lodge(draft, sequence: 7), .init(id: "d-1"), .init(now: start, principal: principal))
        let state = Declaration.replay(id: "d-1", events)
        #expect(state.status == .accepted)
        #expect(state.customsNumber?.rawValue == "224820261000000007")
        #expect(state.version == 1)
        #expect(events.first?.by == principal)
    }

    @Test("the transport means may be unknown at lodgement and bound later")
    func lateBinding() throws {
        let draft = try form {
            $0.procedure = "direct-pickup"
            $0.transport = TransportForm(mode: "2", means: nil, voyage: nil)
        }.validated(reference: reference, parties: parties, at: start)
        #expect(!draft.transport.isBound)
        var state = Declaration.replay(
            id: "d", try Declaration.decide(.lodge(draft, sequence: 1), .init(id: "d"), .init(now: start, principal: principal)))
        let bound = try Declaration.decide(
            .bindTransport(means: "COSCO SHIPPING ARIES", voyage: "045E"), state, .init(now: start, principal: principal))
        state = bound.reduce(state, Declaration.evolve)
        #expect(state.draft?.transport.means == "COSCO SHIPPING ARIES")
        #expect(state.draft?.transport.voyage == "045E")
        #expect(state.version == 2)
    }

    @Test("a cancelled declaration cannot be amended, cancelled again or rejected")
    func cancelledIsFinal() throws {
        let draft = try form().validated(reference: reference, parties: parties, at: start)
        let context = Declaration.Context(now: start, principal: principal)
        var state = Declaration.replay(id: "d", try Declaration.decide(.lodge(draft, sequence: 1), .init(id: "d"), context))
        state = try Declaration.decide(.cancel(reason: "duplicate"), state, context).reduce(state, Declaration.evolve)
        #expect(state.status == .cancelled)
        for command in [Declaration.Command.amend(draft), .cancel(reason: "again"), .reject(reason: "late")] {
            #expect(throws: ClearanceError.self) { try Declaration.decide(command, state, context) }
        }
        #expect(throws: ClearanceError.self) { try Declaration.decide(.lodge(draft, sequence: 2), state, context) }
    }

    @Test("an amendment cannot change the direction or the office that numbered the declaration")
    func amendmentLimits() throws {
        let draft = try form().validated(reference: reference, parties: parties, at: start)
        let context = Declaration.Context(now: start, principal: principal)
        let state = Declaration.replay(id: "d", try Declaration.decide(.lodge(draft, sequence: 1), .init(id: "d"), context))
        let moved = try form { $0.direction = "export"; $0.declarationOffice = "2200" }
            .validated(reference: reference, parties: parties, at: start)
        do {
            _ = try Declaration.decide(.amend(moved), state, context)
            Issue.record("an amendment moving the declaration was accepted")
        } catch {
            let pointers: [String]
            if case .invalid(let failure) = error { pointers = failure.issues.map(\.pointer) } else { pointers = [] }
            #expect(pointers == ["/direction", "/declarationOffice"])
        }
        var changed = draft
        changed.items[0].description = "Dried fruit preparations"
        #expect(try Declaration.decide(.amend(changed), state, context).count == 1)
        #expect(try Declaration.decide(.amend(draft), state, context).isEmpty)
    }

    @Test("events survive a round trip through their stored JSON")
    func eventRoundTrip() throws {
        let draft = try form().validated(reference: reference, parties: parties, at: start)
        let events = try Declaration.decide(
            .lodge(draft, sequence: 3), .init(id: "d"), .init(now: start.addingTimeInterval(0.123), principal: principal))
        let payload = try events[0].encodePayload(with: CanonicalJSON.encoder())
        let decoded = try Declaration.Event(name: events[0].name, payload: payload, decoder: CanonicalJSON.decoder())
        #expect(decoded == events[0])
    }
}

@Suite("Declaration validation")
struct DeclarationValidationTests {
    @Test(
        "each rule refuses its bad value at its JSON pointer",
        arguments: [
            ("direction", "/direction", "direction-unknown"),
            ("supervisionMode", "/supervisionMode", "supervision-mode-unknown"),
            ("declarant", "/declarant", "credit-code-check"),
            ("unregistered", "/tradingParty", "party-unregistered"),
            ("office", "/declarationOffice", "office-unknown"),
            ("officeFormat", "/entryExitOffice", "office-code-format"),
            ("transportMode", "/transport/mode", "transport-mode-unknown"),
            ("voyageWithoutMeans", "/transport/means", "means-missing"),
            ("billOfLading", "/billOfLading", "bill-of-lading-format"),
            ("incoterm", "/incoterm", "incoterm-unknown"),
            ("container", "/containers/0/number", "container-number-check"),
            ("duplicateContainer", "/containers/1/number", "container-duplicate"),
            ("tooManyContainers", "/containers", "too-many-containers"),
            ("seal", "/containers/0/seals/0", "seal-format"),
            ("noItems", "/items", "items-missing"),
            ("tooManyItems", "/items", "too-many-items"),
            ("commodityFormat", "/items/0/commodityCode", "commodity-code-format"),
            ("hs", "/items/0/commodityCode", "hs-code-unknown"),
            ("description", "/items/0/description", "text-length"),
            ("quantity", "/items/0/quantity", "quantity-malformed"),
            ("zeroQuantity", "/items/0/quantity", "quantity-not-positive"),
            ("unit", "/items/0/unit", "text-length"),
            ("value", "/items/0/value", "amount-malformed"),
            ("precision", "/items/0/value", "amount-precision"),
            ("zeroValue", "/items/0/value", "value-not-positive"),
            ("currency", "/items/0/currency", "currency-unknown"),
            ("origin", "/items/0/origin", "country-unknown"),
        ])
    func rule(name: String, pointer: String, code: String) throws {
        let bad = form { form in
            switch name {
            case "direction": form.direction = "sideways"
            case "supervisionMode": form.supervisionMode = "0111"
            case "declarant": form.declarant = "91350100M000100Y44"
            case "unregistered": form.tradingParty = try! CreditCode.completing("91310000MA1FL1XA8").rawValue
            case "office": form.declarationOffice = "2299"
            case "officeFormat": form.entryExitOffice = "22"
            case "transportMode": form.transport.mode = "7"
            case "voyageWithoutMeans": form.transport = TransportForm(mode: "2", means: nil, voyage: "045E")
            case "billOfLading": form.billOfLading = "cosu 1"
            case "incoterm": form.incoterm = "FOBX"
            case "container": form.containers[0].number = "CSQU3054384"
            case "duplicateContainer": form.containers.append(form.containers[0])
            case "tooManyContainers":
                form.containers = ["CSQU3054383", "MSKU9070323", "TGHU1234567"].map { ContainerForm(number: $0, seals: []) }
            case "seal": form.containers[0].seals = [""]
            case "noItems": form.items = []
            case "tooManyItems": form.items = Array(repeating: form.items[0], count: 4)
            case "commodityFormat": form.items[0].commodityCode = "210690"
            case "hs": form.items[0].commodityCode = "8517120000"
            case "description": form.items[0].description = "  "
            case "quantity": form.items[0].quantity = "-1"
            case "zeroQuantity": form.items[0].quantity = "0.0"
            case "unit": form.items[0].unit = ""
            case "value": form.items[0].value = "12,50"
            case "precision": form.items[0].value = "1.005"
            case "zeroValue": form.items[0].value = "0.00"
            case "currency": form.items[0].currency = "XXX"
            case "origin": form.items[0].origin = "XX"
            default: Issue.record("no case \(name)")
            }
        }
        do {
            _ = try bad.validated(reference: reference, parties: parties, at: start)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.issues.contains(FieldIssue(pointer, code, error.issues.first { $0.pointer == pointer && $0.code == code }?.detail ?? "")),
                "\(error.issues)")
        }
    }

    @Test("every problem in a declaration is reported at once")
    func allAtOnce() {
        let bad = form {
            $0.direction = "sideways"
            $0.incoterm = "XYZ"
            $0.items[0].commodityCode = "8517120000"
            $0.items[0].origin = "XX"
        }
        do {
            _ = try bad.validated(reference: reference, parties: parties, at: start)
            Issue.record("accepted")
        } catch {
            #expect(error.issues.map(\.pointer) == ["/direction", "/incoterm", "/items/0/commodityCode", "/items/0/origin"])
        }
    }
}
