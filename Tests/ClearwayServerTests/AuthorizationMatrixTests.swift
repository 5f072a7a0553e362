import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

/// Every endpoint × every role (and no login): who is allowed, and what the others are told.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// The demo user acting in each role.
    static let users: [Role: String] = [
        .trader: "trader", .broker: "broker", .ecommercePlatform: "platform", .paymentFirm: "payment",
        .logisticsFirm: "logistics", .tradeServiceEnterprise: "ftse", .terminalOperator: "terminal",
        .customsOfficer: "officer", .quarantineOfficer: "quarantine", .taxAgency: "tax", .forexAgency: "forex",
        .portAuthority: "port", .agencyOfficer: "mofcom", .admin: "admin",
    ]
    static let partyCodes: [Role: String] = [
        .trader: Demo.eastOcean, .broker: Demo.harbourBrokers, .tradeServiceEnterprise: "91440300MA5G0AB12P",
    ]

    /// One endpoint: how to make a fresh request, who may, and what success and refusal look like.
    struct Endpoint: Sendable {
        var operation: String
        var allowed: Set<Role>
        var success: HTTPResponse.Status
        /// What a signed-in principal outside `allowed` gets: 403 when it may know the thing exists, else 404.
        var denied: HTTPResponse.Status
        var isPublic = false
        /// Roles that may see the declaration but not do this: they get 403 rather than 404.
        var seenBy: Set<Role> = []
        var request: @Sendable (Clearway, Role?) async throws -> Call
    }

    static let everyone = Set(Role.allCases)
    static let declarers: Set<Role> = [.trader, .broker, .tradeServiceEnterprise]

    /// A fresh declaration lodged by East Ocean (trader) at Yangshan (2248, under Shanghai 2200).
    static func freshDeclaration(_ clearway: Clearway, _ change: (inout DeclarationForm) -> Void = { _ in }) async throws
        -> String
    {
        var form = Demo.importForm()
        change(&form)
        return try await clearway.lodge(form, by: try await Demo.principal("trader", in: clearway)).id
    }

    static let watchers: Set<Role> = [.trader, .customsOfficer, .quarantineOfficer, .admin]

    static func clearanceEndpoints() -> [Endpoint] {
        @Sendable func path(_ id: String, _ suffix: String) -> String { "/api/v1/declarations/\(id)/\(suffix)" }
        return [
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/risk", allowed: [.customsOfficer], success: .ok,
                denied: .notFound, seenBy: watchers) { clearway, role in
                Call(method: .post, path: path(try await freshDeclaration(clearway), "risk"), token: token(role),
                    json: #"{"lane":"green"}"#)
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/inspection", allowed: [.customsOfficer],
                success: .ok, denied: .notFound, seenBy: watchers) { clearway, role in
                let id = try await freshDeclaration(clearway)
                _ = try await clearway.decideRisk(id, lane: .inspection, by: try await Demo.principal("officer", in: clearway))
                return Call(method: .post, path: path(id, "inspection"), token: token(role),
                    json: #"{"outcome":"no-discrepancy","findings":"as declared"}"#)
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/inspections", allowed: [.customsOfficer],
                success: .ok, denied: .notFound, seenBy: watchers) { clearway, role in
                let id = try await freshDeclaration(clearway)
                _ = try await clearway.decideRisk(id, lane: .green, by: try await Demo.principal("officer", in: clearway))
                return Call(method: .post, path: path(id, "inspections"), token: token(role),
                    json: #"{"kind":"scan","place":"port"}"#)
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/duties", allowed: [.trader, .customsOfficer],
                success: .ok, denied: .notFound, seenBy: watchers) { clearway, role in
                Call(method: .post, path: path(try await freshDeclaration(clearway), "duties"), token: token(role),
                    json: #"{"settlement":"paid"}"#)
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/hold", allowed: [.customsOfficer], success: .ok,
                denied: .notFound, seenBy: watchers) { clearway, role in
                Call(method: .post, path: path(try await freshDeclaration(clearway), "hold"), token: token(role),
                    json: #"{"reason":"intelligence"}"#)
            },
            Endpoint(operation: "DELETE /api/v1/declarations/{declarationId}/hold", allowed: [.customsOfficer], success: .ok,
                denied: .notFound, seenBy: watchers) { clearway, role in
                Call(method: .delete, path: path(try await freshDeclaration(clearway), "hold"), token: token(role))
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/departure-confirmation", allowed: [.trader],
                success: .ok, denied: .notFound, seenBy: watchers) { clearway, role in
                let id = try await freshDeclaration(clearway) {
                    $0.procedure = "departure-confirmation"
                    $0.transport = TransportForm(mode: "2", means: nil, voyage: nil)
                }
                _ = try await clearway.decideRisk(id, lane: .green, by: try await Demo.principal("officer", in: clearway))
                _ = try await clearway.recordPortEvent(
                    PortEvent(kind: .tallied, at: Date(), billOfLading: "COSU6245187340", tallyNormal: true),
                    by: try await Demo.principal("terminal", in: clearway))
                return Call(method: .post, path: path(id, "departure-confirmation"), token: token(role),
                    json: #"{"means":"CHANGJIANG 7","voyage":"B2417"}"#)
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/complete", allowed: [.trader], success: .ok,
                denied: .notFound, seenBy: watchers) { clearway, role in
                let id = try await freshDeclaration(clearway) { $0.procedure = "two-step" }
                return Call(method: .post, path: path(id, "complete"), token: token(role),
                    json: declarationJSON(extra: #""procedure":"two-step","#))
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/rebook", allowed: [.trader], success: .ok,
                denied: .notFound, seenBy: watchers) { clearway, role in
                let id = try await freshDeclaration(clearway) { $0.direction = "export" }
                return Call(method: .post, path: path(id, "rebook"), token: token(role),
                    json: #"{"means":"COSCO SHIPPING LEO","voyage":"051E"}"#)
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/exceptions", allowed: [.customsOfficer],
                success: .ok, denied: .notFound, seenBy: watchers) { clearway, role in
                let container = ["CSQU3054383", "MSKU9070323", "TGHU1234567"].randomElement()!
                let id = try await freshDeclaration(clearway) {
                    $0.direction = "export"
                    $0.procedure = "direct-loading"
                    $0.containers = [ContainerForm(number: container, seals: [])]
                }
                let officer = try await Demo.principal("officer", in: clearway)
                let terminal = try await Demo.principal("terminal", in: clearway)
                _ = try await clearway.decideRisk(id, lane: .green, by: officer)
                _ = try await clearway.settleDuties(id, .paid, by: officer)
                for kind in [PortEvent.Kind.gatedIn, .loaded] {
                    _ = try await clearway.recordPortEvent(
                        PortEvent(kind: kind, at: Date(), container: try ContainerNumber(container)), by: terminal)
                }
                return Call(method: .post, path: path(id, "exceptions"), token: token(role),
                    json: #"{"container":"\#(container)","description":"seal broken"}"#)
            },
            Endpoint(operation: "GET /api/v1/declarations/{declarationId}/waiting", allowed: watchers, success: .ok,
                denied: .notFound) { clearway, role in
                Call(method: .get, path: path(try await freshDeclaration(clearway), "waiting"), token: token(role))
            },
            Endpoint(operation: "POST /api/v1/edi", allowed: [.terminalOperator, .logisticsFirm, .admin],
                success: .accepted, denied: .forbidden) { _, role in
                let text = "UNB+UNOA:2+T+C+260528:0800+1'UNH+1+CODECO:D:95B:UN'BGM+34+G1+9'EQD+CN+TGHU1234567'DTM+7:202605280800:203'UNT+5+1'UNZ+1+1'"
                return Call(method: .post, path: "/api/v1/edi", token: token(role), raw: (Array(text.utf8), "application/edifact"))
            },
            Endpoint(operation: "POST /api/v1/port-events", allowed: [.terminalOperator, .logisticsFirm, .admin],
                success: .accepted, denied: .forbidden) { _, role in
                Call(method: .post, path: "/api/v1/port-events", token: token(role),
                    json: #"{"kind":"gated-in","at":"2026-03-01T08:00:00Z","container":"TGHU1234567"}"#)
            },
            Endpoint(operation: "POST /api/v1/port-events/dcsa", allowed: [.terminalOperator, .logisticsFirm, .admin],
                success: .accepted, denied: .forbidden) { _, role in
                Call(method: .post, path: "/api/v1/port-events/dcsa", token: token(role),
                    json: #"{"events":[{"eventID":"e-\#(UUID().uuidString)","eventDateTime":"2026-03-01T08:00:00Z","eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"GTIN"},"equipmentDetails":{"equipmentReference":"TGHU1234567"}}]}"#)
            },
            Endpoint(operation: "GET /api/v1/exports/open",
                allowed: declarers.union([.customsOfficer, .quarantineOfficer, .admin]), success: .ok, denied: .forbidden) {
                _, role in Call(method: .get, path: "/api/v1/exports/open?olderThanDays=0", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/reports/time-release", allowed: [.customsOfficer, .admin, .portAuthority],
                success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/reports/time-release?by=procedure", token: token(role))
            },
        ]
    }

    static func token(_ role: Role?) -> String? { role.map { "demo-token-\(users[$0]!)" } }

    static let endpoints: [Endpoint] = baseEndpoints + clearanceEndpoints() + feeEndpoints() + credentialEndpoints()
        + riskEndpoints() + approvalEndpoints() + diversionEndpoints() + appointmentEndpoints() + ecommerceEndpoints() + taxEndpoints()
        + exportEndpoints()

    /// Distinct parcel numbers for fresh parcels.
    static let nextParcel = Mutex(0)

    /// A fresh parcel, all four documents sent by their firms; the platform withholds no tax when `review` is asked.
    static func freshParcel(_ clearway: Clearway, review: Bool = false) async throws -> String {
        let index = nextParcel.withLock { $0 += 1; return $0 }
        var generator = CEBGenerator(seed: 99)
        generator.misstateTax = review
        let messages = generator.parcel(index, rules: try await clearway.crossBorderRules(), at: Date(timeIntervalSince1970: 1_780_000_000))
        for (data, user) in zip(messages.all, ["platform", "payment", "logistics", "broker"]) {
            _ = try await clearway.receiveCEB(data, by: try await Demo.principal(user, in: clearway))
        }
        return Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo)
    }

    /// A fresh issued tax bill of QuickBuy (the demo guarantor), for a period no other request uses.
    static func freshBill(_ clearway: Clearway) async throws -> String {
        let index = nextParcel.withLock { $0 += 1; return $0 }
        let period = TaxBill.Period(year: 1900 + index, month: 1, half: 1)
        let state = TaxBill.State(id: TaxBill.id(assureCode: "3301960555", period: period))
        let events = try TaxBill.decide(.issue(assureCode: "3301960555", period: period, items: [
            .init(parcelID: "p", invtNo: "22482026I000000001", dutyFen: 0, vatFen: 9_100, consumptionFen: 0),
        ]), state, now: Date(), principal: .system)
        try await clearway.store.transaction { db in
            try await EventStore.append(stream: state.id, type: "tax-bill", expectedVersion: 0, events: try events.map { try NewEvent($0) }, on: db)
            try await TaxBillTables.upsert(events.reduce(state, TaxBill.evolve), on: db)
        }
        return state.id
    }

    /// A fresh export record of East Ocean's, as customs records a closed export for the tax agency.
    static func freshExportRecord(_ clearway: Clearway) async throws -> String {
        let index = nextParcel.withLock { $0 += 1; return $0 }
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        let state = ExportRecord.State(id: "xr-matrix-\(index)")
        let recorded = ExportRecord.Recorded(
            source: .declaration, reference: "matrix-\(index)", exporter: "p-east-ocean", producer: "p-east-ocean", serviceFirm: nil,
            items: [.init(commodityCode: "8541410000", description: "LEDs", value: Money(minor: 100_000, currency: "USD"), rebateRate: 0.13)],
            declaredAt: at, releasedAt: at, departedAt: at, closedAt: at)
        let events = try ExportRecord.decide(.record(recorded), state, now: at, principal: .system)
        try await clearway.store.transaction { db in
            try await EventStore.append(stream: state.id, type: "export-record", expectedVersion: 0, events: try events.map { try NewEvent($0) }, on: db)
            try await ExportChainTables.upsert(events.reduce(state, ExportRecord.evolve), forexStatus: nil, at: at, on: db)
        }
        return state.id
    }

    static func exportEndpoints() -> [Endpoint] {
        let listReaders: Set<Role> = [.ecommercePlatform, .paymentFirm, .logisticsFirm, .broker, .tradeServiceEnterprise, .admin,
                                      .customsOfficer, .trader]
        let recordListers: Set<Role> = [.admin, .customsOfficer, .taxAgency, .forexAgency, .trader, .broker, .tradeServiceEnterprise]
        let party = Set(Role.allCases.filter(\.actsForParty))
        return [
            Endpoint(operation: "GET /api/v1/export-parcels", allowed: listReaders, success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/export-parcels?status=released", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/export-summaries", allowed: party.union([.admin, .customsOfficer, .taxAgency]), success: .ok,
                denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/export-summaries", token: token(role))
            },
            // No summary has this number: whoever may read summaries is told so, the others that they may not.
            Endpoint(operation: "GET /api/v1/export-summaries/{sumNo}/result", allowed: party.union([.admin, .customsOfficer, .taxAgency]),
                success: .notFound, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/export-summaries/S0000/result", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/export-records", allowed: recordListers, success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/export-records?flagged=true", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/export-records/{recordId}", allowed: [.admin, .customsOfficer, .taxAgency, .forexAgency, .trader],
                success: .ok, denied: .notFound) { clearway, role in
                Call(method: .get, path: "/api/v1/export-records/\(try await freshExportRecord(clearway))", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/export-records/{recordId}/rebate-filing", allowed: [.taxAgency, .admin], success: .ok,
                denied: .forbidden) { clearway, role in
                Call(method: .post, path: "/api/v1/export-records/\(try await freshExportRecord(clearway))/rebate-filing", token: token(role),
                    json: #"{"amountFen":91000,"reference":"RB-1"}"#)
            },
            // Nothing was filed on a fresh record: the tax agency may ask, and is told the state forbids it.
            Endpoint(operation: "POST /api/v1/export-records/{recordId}/rebate-payment", allowed: [.taxAgency, .admin], success: .conflict,
                denied: .forbidden) { clearway, role in
                Call(method: .post, path: "/api/v1/export-records/\(try await freshExportRecord(clearway))/rebate-payment", token: token(role),
                    json: #"{"amountFen":91000,"reference":"RP-1"}"#)
            },
            Endpoint(operation: "POST /api/v1/export-records/{recordId}/receipts", allowed: [.forexAgency, .admin], success: .ok,
                denied: .forbidden) { clearway, role in
                Call(method: .post, path: "/api/v1/export-records/\(try await freshExportRecord(clearway))/receipts", token: token(role),
                    json: #"{"amount":"500.00","currency":"USD","receivedAt":"2026-05-28T00:00:00Z","bankReference":"BK-1"}"#)
            },
            Endpoint(operation: "GET /api/v1/service-authorisations", allowed: party.union([.admin, .customsOfficer]), success: .ok,
                denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/service-authorisations", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/service-authorisations", allowed: [.admin, .trader], success: .created, denied: .forbidden) {
                _, role in
                Call(method: .post, path: "/api/v1/service-authorisations", token: token(role),
                    json: #"{"serviceParty":"p-silkroad-ftse","clientParty":"p-east-ocean","validUntil":"2030-01-01T00:00:00Z"}"#)
            },
            Endpoint(operation: "DELETE /api/v1/service-authorisations/{serviceParty}/{clientParty}", allowed: [.admin, .trader],
                success: .noContent, denied: .forbidden) { clearway, role in
                _ = try await clearway.authoriseServiceFirm("p-silkroad-ftse", client: "p-east-ocean",
                                                            validUntil: Date(timeIntervalSince1970: 1_900_000_000),
                                                            by: try await Demo.principal("admin", in: clearway))
                return Call(method: .delete, path: "/api/v1/service-authorisations/p-silkroad-ftse/p-east-ocean", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/service-clients", allowed: [.tradeServiceEnterprise], success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/service-clients", token: token(role))
            },
        ]
    }

    static let guarantorsAndCustoms: Set<Role> = everyone.subtracting([.quarantineOfficer, .taxAgency, .forexAgency, .portAuthority, .agencyOfficer])

    static func taxEndpoints() -> [Endpoint] {
        [
            Endpoint(operation: "GET /api/v1/tax-guarantees", allowed: guarantorsAndCustoms, success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/tax-guarantees", token: token(role))
            },
            Endpoint(operation: "PUT /api/v1/tax-guarantees/{assureCode}", allowed: [.customsOfficer, .admin], success: .ok, denied: .forbidden) {
                _, role in
                Call(method: .put, path: "/api/v1/tax-guarantees/3101960888", token: token(role),
                     json: #"{"bank":"Bank of Ningbo","amountFen":10000000,"validUntil":"2030-12-31T00:00:00Z"}"#)
            },
            Endpoint(operation: "GET /api/v1/tax-bills", allowed: guarantorsAndCustoms.union([.taxAgency]), success: .ok, denied: .forbidden) {
                _, role in
                Call(method: .get, path: "/api/v1/tax-bills", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/tax-bills/{billId}", allowed: [.admin, .customsOfficer, .taxAgency, .ecommercePlatform],
                success: .ok, denied: .notFound) { clearway, role in
                Call(method: .get, path: "/api/v1/tax-bills/\(try await freshBill(clearway))", token: token(role))
            },
            // No bank gateway is configured here: the guarantor's payment reaches the point of calling it and is told 503.
            Endpoint(operation: "POST /api/v1/tax-bills/{billId}/payment", allowed: [.admin, .ecommercePlatform], success: .serviceUnavailable,
                denied: .notFound, seenBy: [.customsOfficer, .taxAgency]) { clearway, role in
                Call(method: .post, path: "/api/v1/tax-bills/\(try await freshBill(clearway))/payment", token: token(role))
            },
            // Signed by the bank, not logged in: everyone gets the same answer (no such payment).
            Endpoint(operation: "POST /api/v1/bank/callbacks", allowed: everyone, success: .notFound, denied: .notFound, isPublic: true) { _, role in
                let body = #"{"payment":"BOS-NONE","reference":"taxbill-none","amountFen":1,"status":"paid"}"#
                let signature = Webhook.signature(secret: "demo-bank-secret", timestamp: 1_780_000_000, body: Data(body.utf8))
                var call = Call(method: .post, path: "/api/v1/bank/callbacks", token: token(role), json: body)
                call.headers[HTTPField.Name("Bank-Signature")!] = signature
                return call
            },
        ]
    }

    static let parcelReaders: Set<Role> = [.customsOfficer, .admin, .ecommercePlatform, .broker, .paymentFirm, .logisticsFirm]

    static func ecommerceEndpoints() -> [Endpoint] {
        [
            Endpoint(operation: "POST /api/v1/ceb", allowed: [.ecommercePlatform, .paymentFirm, .logisticsFirm, .broker, .tradeServiceEnterprise, .admin],
                success: .ok, denied: .forbidden) { clearway, role in
                let index = nextParcel.withLock { $0 += 1; return $0 }
                let order = CEBGenerator(seed: 98).parcel(index, rules: try await clearway.crossBorderRules(), at: Date()).order
                return Call(method: .post, path: "/api/v1/ceb", token: token(role), raw: (Array(order), "application/xml"))
            },
            // A service enterprise sends export lists, so it may list parcels; it sees only those naming it.
            Endpoint(operation: "GET /api/v1/parcels", allowed: parcelReaders.union([.tradeServiceEnterprise]), success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/parcels?status=manual-review", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/parcels/{parcelId}", allowed: parcelReaders, success: .ok, denied: .notFound) { clearway, role in
                Call(method: .get, path: "/api/v1/parcels/\(try await freshParcel(clearway))", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/parcels/{parcelId}/tax-bill", allowed: parcelReaders, success: .ok, denied: .notFound) {
                clearway, role in
                Call(method: .get, path: "/api/v1/parcels/\(try await freshParcel(clearway))/tax-bill", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/parcels/{parcelId}/review", allowed: [.customsOfficer], success: .ok, denied: .notFound,
                seenBy: parcelReaders.subtracting([.customsOfficer])) { clearway, role in
                Call(method: .post, path: "/api/v1/parcels/\(try await freshParcel(clearway, review: true))/review", token: token(role),
                    json: #"{"approved":false,"note":"tax not withheld"}"#)
            },
            Endpoint(operation: "POST /api/v1/parcels/{parcelId}/inspection", allowed: [.customsOfficer], success: .conflict,
                denied: .notFound, seenBy: parcelReaders.subtracting([.customsOfficer])) { clearway, role in
                // A parcel under review is not under inspection: the officer may ask, and is told the state forbids it.
                Call(method: .post, path: "/api/v1/parcels/\(try await freshParcel(clearway, review: true))/inspection",
                    token: token(role), json: #"{"approved":true}"#)
            },
        ]
    }

    /// Distinct cold-chain slots for fresh appointments, so no test request meets a full slot.
    static let nextSlot = Mutex(0)

    /// A fresh appointment booked by the trader at the cold-chain bays (optionally with the goods arrived).
    static func freshAppointment(_ clearway: Clearway, arrived: Bool = false) async throws -> String {
        let start = try slotStart(clearway)
        let trader = try await Demo.principal("trader", in: clearway)
        let state = try await clearway.bookAppointment(.init(site: "YS-COLD", start: start, purpose: .inspection), by: trader)
        if arrived { _ = try await clearway.recordAppointmentArrival(state.id, by: try await Demo.principal("terminal", in: clearway)) }
        return state.id
    }

    /// The next unused hour slot, two hours or more ahead of the test clock.
    static func slotStart(_ clearway: Clearway) throws -> Date {
        let n = nextSlot.withLock { value in
            value += 1
            return value
        }
        let hour = (clearway.environment.now().timeIntervalSince1970 / 3600).rounded(.up) * 3600
        // Within the 14-day horizon; a slot reused across backends or runs still has three places.
        return Date(timeIntervalSince1970: hour + Double(2 + n % 300) * 3600)
    }

    static let appointmentReaders: Set<Role> = [.admin, .customsOfficer, .quarantineOfficer, .terminalOperator]

    static func appointmentEndpoints() -> [Endpoint] {
        let changers: Set<Role> = [.trader, .admin, .customsOfficer, .quarantineOfficer]
        let reason = #""reason":{"code":"officer-unavailable","detail":"emergency duty"}"#
        return [
            Endpoint(operation: "GET /api/v1/webhooks", allowed: partyRoles.union([.admin]), success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/webhooks", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/webhooks", allowed: partyRoles.union([.admin]), success: .created, denied: .forbidden) { _, role in
                Call(method: .post, path: "/api/v1/webhooks", token: token(role), json: #"{"url":"http://127.0.0.1:9/hook","topics":["declaration.*"]}"#)
            },
            Endpoint(operation: "DELETE /api/v1/webhooks/{webhookId}", allowed: [.trader, .admin], success: .noContent, denied: .notFound,
                seenBy: stateRoles) { clearway, role in
                Call(method: .delete, path: "/api/v1/webhooks/\(try await freshWebhook(clearway))", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/webhooks/{webhookId}/replay", allowed: [.trader, .admin], success: .ok, denied: .notFound,
                seenBy: stateRoles) { clearway, role in
                Call(method: .post, path: "/api/v1/webhooks/\(try await freshWebhook(clearway))/replay", token: token(role), json: #"{"from":1}"#)
            },
            Endpoint(operation: "GET /api/v1/webhooks/{webhookId}/deliveries", allowed: [.trader, .admin], success: .ok, denied: .notFound,
                seenBy: stateRoles) { clearway, role in
                Call(method: .get, path: "/api/v1/webhooks/\(try await freshWebhook(clearway))/deliveries", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/dependencies", allowed: [.admin, .customsOfficer, .agencyOfficer, .quarantineOfficer],
                success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/dependencies", token: token(role))
            },
            Endpoint(operation: "PUT /api/v1/dependencies/{name}", allowed: [.admin], success: .ok, denied: .forbidden) { _, role in
                Call(method: .put, path: "/api/v1/dependencies/mee", token: token(role), json: #"{"down":false}"#)
            },
            Endpoint(operation: "GET /api/v1/agency-approvals", allowed: [.agencyOfficer, .quarantineOfficer, .admin], success: .ok,
                denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/agency-approvals?status=pending", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/agency-approvals/{agency}", allowed: [.agencyOfficer],
                success: .ok, denied: .notFound, seenBy: watchers) { clearway, role in
                let id = try await freshDeclaration(clearway) { $0.items[0].commodityCode = "8703800000" }
                return Call(method: .post, path: "/api/v1/declarations/\(id)/agency-approvals/mofcom", token: token(role),
                            json: #"{"kind":"automatic-import-licence","approve":true,"note":"licence issued"}"#)
            },
            Endpoint(operation: "GET /api/v1/edi/messages", allowed: declarers.union([.admin]), success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/edi/messages?after=0", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/appointment-slots", allowed: everyone, success: .ok, denied: .ok) { _, role in
                Call(method: .get, path: "/api/v1/appointment-slots?site=YS-COLD&from=2026-05-29T14:00:00Z&to=2026-05-29T18:00:00Z",
                     token: token(role))
            },
            Endpoint(operation: "GET /api/v1/appointments", allowed: appointmentReaders.union(declarers), success: .ok,
                denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/appointments", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/appointments", allowed: declarers, success: .created, denied: .forbidden) { clearway, role in
                let start = Timestamp.format(try slotStart(clearway))
                return Call(method: .post, path: "/api/v1/appointments", token: token(role),
                            json: #"{"site":"YS-COLD","start":"\#(start)","purpose":"clearance"}"#)
            },
            Endpoint(operation: "GET /api/v1/appointments/{appointmentId}", allowed: appointmentReaders.union([.trader]), success: .ok,
                denied: .notFound) { clearway, role in
                Call(method: .get, path: "/api/v1/appointments/\(try await freshAppointment(clearway))", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/appointments/{appointmentId}/move", allowed: changers, success: .ok, denied: .notFound,
                seenBy: [.terminalOperator]) { clearway, role in
                let id = try await freshAppointment(clearway)
                let start = Timestamp.format(try slotStart(clearway))
                return Call(method: .post, path: "/api/v1/appointments/\(id)/move", token: token(role),
                            json: #"{"start":"\#(start)",\#(reason)}"#)
            },
            Endpoint(operation: "POST /api/v1/appointments/{appointmentId}/cancel", allowed: changers, success: .ok, denied: .notFound,
                seenBy: [.terminalOperator]) { clearway, role in
                Call(method: .post, path: "/api/v1/appointments/\(try await freshAppointment(clearway))/cancel", token: token(role),
                     json: #"{"reason":"plans changed"}"#)
            },
            Endpoint(operation: "POST /api/v1/appointments/{appointmentId}/arrival", allowed: appointmentReaders, success: .ok,
                denied: .notFound, seenBy: [.trader]) { clearway, role in
                Call(method: .post, path: "/api/v1/appointments/\(try await freshAppointment(clearway))/arrival", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/appointments/{appointmentId}/complete", allowed: [.admin, .customsOfficer, .quarantineOfficer],
                success: .ok, denied: .notFound, seenBy: [.trader, .terminalOperator]) { clearway, role in
                Call(method: .post, path: "/api/v1/appointments/\(try await freshAppointment(clearway, arrived: true))/complete",
                     token: token(role), json: "{}")
            },
        ]
    }

    /// A fresh declaration picked for a scan at Yangshan, its box discharged and planned; inspected when asked.
    static func divertedBox(_ clearway: Clearway, inspected: Bool = false) async throws -> String {
        let id = try await freshDeclaration(clearway)
        let officer = try await Demo.principal("officer", in: clearway)
        _ = try await clearway.decideRisk(id, lane: .inspection, inspection: .init(kind: .scan, place: .port), by: officer)
        _ = try await clearway.recordPortEvent(
            PortEvent(kind: .discharged, at: clearway.environment.now(), container: try ContainerNumber("CSQU3054383"), location: "A1"),
            by: try await Demo.principal("terminal", in: clearway))
        try await clearway.replanDiversion(port: "CNSHA")
        if inspected {
            _ = try await clearway.completeInspection(id, order: 1, outcome: .noDiscrepancy, findings: "as declared", by: officer)
        }
        let boxes = try await clearway.diversionBoxes(port: "CNSHA", site: nil, status: nil, by: .system)
        return try #require(boxes.first { $0.queued?.declarationID == id }?.id)
    }

    /// Roles that act for an enterprise (webhooks carry its events), and those that act for the state (they have none).
    static let partyRoles = Set(Role.allCases.filter(\.actsForParty))
    static let stateRoles = Set(Role.allCases.filter { !$0.actsForParty && $0 != .admin })

    /// A fresh webhook subscription of the trader's enterprise.
    static func freshWebhook(_ clearway: Clearway) async throws -> String {
        try await clearway.subscribeWebhook(url: "http://127.0.0.1:9/hook", topics: ["*"], by: try await Demo.principal("trader", in: clearway))
            .subscription.id
    }

    static let diversionReaders: Set<Role> = [.customsOfficer, .quarantineOfficer, .terminalOperator, .portAuthority, .admin]
    static let diversionPlanners: Set<Role> = [.customsOfficer, .terminalOperator, .admin]

    static func diversionEndpoints() -> [Endpoint] {
        [
            Endpoint(operation: "GET /api/v1/diversion/{port}/sites", allowed: diversionReaders, success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/diversion/CNSHA/sites", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/diversion/{port}/boxes", allowed: diversionReaders, success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/diversion/CNSHA/boxes?site=YS-H986-A", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/diversion/{port}/moves", allowed: diversionReaders, success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/diversion/CNSHA/moves", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/diversion/{port}/plan", allowed: diversionPlanners, success: .ok, denied: .forbidden) { _, role in
                Call(method: .post, path: "/api/v1/diversion/CNSHA/plan", token: token(role))
            },
            Endpoint(operation: "PUT /api/v1/diversion/{port}/sites/{site}/status", allowed: diversionPlanners, success: .ok,
                denied: .forbidden) { _, role in
                Call(method: .put, path: "/api/v1/diversion/CNSHA/sites/YS-FUMIGATION/status", token: token(role), json: #"{"down":false}"#)
            },
            Endpoint(operation: "POST /api/v1/diversion/boxes/{box}/start", allowed: [.customsOfficer, .admin], success: .ok,
                denied: .forbidden) { clearway, role in
                Call(method: .post, path: "/api/v1/diversion/boxes/\(try await divertedBox(clearway))/start", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/diversion/boxes/{box}/return", allowed: [.terminalOperator, .admin], success: .ok,
                denied: .forbidden) { clearway, role in
                Call(method: .post, path: "/api/v1/diversion/boxes/\(try await divertedBox(clearway, inspected: true))/return",
                     token: token(role), json: #"{"location":"A1"}"#)
            },
        ]
    }

    /// A fresh released declaration under direct pick-up, with a release note issued by the officer.
    static func releasedDeclaration(_ clearway: Clearway) async throws -> String {
        let id = try await freshDeclaration(clearway) { $0.procedure = "direct-pickup" }
        let officer = try await Demo.principal("officer", in: clearway)
        _ = try await clearway.decideRisk(id, lane: .green, by: officer)
        _ = try await clearway.settleDuties(id, .paid, by: officer)
        return id
    }

    static let riskOfficers: Set<Role> = [.customsOfficer, .admin]
    static let ruleJSON = #"{"id":"frozen-meat-origin","name":"Frozen meat from a watched origin","effectiveFrom":"2026-01-01T00:00:00Z","when":{"commodityPrefixes":["0202"],"originCountries":["BR"]},"then":{"lane":"inspection","inspection":"sampling","place":"port"}}"#

    /// A fresh declaration with a factory inspection pending.
    static func factoryDeclaration(_ clearway: Clearway) async throws -> String {
        let id = try await freshDeclaration(clearway)
        _ = try await clearway.decideRisk(id, lane: .inspection, inspection: .init(kind: .physical, place: .factory),
                                          by: try await Demo.principal("officer", in: clearway))
        return id
    }

    static let approvalJSON = #"{"commodityCode":"0808100000","product":"Fresh apples","originCountry":"CL","producerRegistration":"CL-9999-999","quantityKg":1000,"portOfEntry":"CNSHA"}"#
    static let approvalReaders: Set<Role> = [.trader, .quarantineOfficer, .customsOfficer, .admin]

    /// A referred application of East Ocean's (its producer is not registered).
    static func referredApplication(_ clearway: Clearway) async throws -> String {
        try await clearway.submitQuarantineApplication(
            QuarantineApplicationForm(commodityCode: "0808100000", product: "Fresh apples", originCountry: "CL",
                                      producerRegistration: "CL-9999-999", quantityKg: 1000, portOfEntry: "CNSHA", documents: [:]),
            by: try await Demo.principal("trader", in: clearway)).id
    }

    static func approvalEndpoints() -> [Endpoint] {
        [
            Endpoint(operation: "POST /api/v1/quarantine-approvals", allowed: declarers, success: .created, denied: .forbidden) { _, role in
                Call(method: .post, path: "/api/v1/quarantine-approvals", token: token(role), json: approvalJSON)
            },
            Endpoint(operation: "GET /api/v1/quarantine-approvals", allowed: declarers.union([.quarantineOfficer, .customsOfficer, .admin]),
                success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/quarantine-approvals", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/quarantine-approvals/{approvalId}", allowed: approvalReaders, success: .ok,
                denied: .notFound) { clearway, role in
                Call(method: .get, path: "/api/v1/quarantine-approvals/\(try await referredApplication(clearway))", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/quarantine-approvals/{approvalId}/decision", allowed: [.quarantineOfficer], success: .ok,
                denied: .notFound, seenBy: [.trader, .customsOfficer, .admin]) { clearway, role in
                Call(method: .post, path: "/api/v1/quarantine-approvals/\(try await referredApplication(clearway))/decision",
                    token: token(role), json: #"{"approve":true,"note":"checked"}"#)
            },
            Endpoint(operation: "POST /api/v1/quarantine-approvals/{approvalId}/write-offs", allowed: [.trader, .quarantineOfficer],
                success: .ok, denied: .notFound, seenBy: [.customsOfficer, .admin]) { clearway, role in
                let id = try await referredApplication(clearway)
                _ = try await clearway.decideQuarantineApplication(id, approve: true, note: "checked",
                                                                   by: try await Demo.principal("quarantine", in: clearway))
                return Call(method: .post, path: "/api/v1/quarantine-approvals/\(id)/write-offs", token: token(role),
                    json: #"{"declaration":"d-1","quantityKg":10}"#)
            },
            Endpoint(operation: "GET /api/v1/reports/quarantine-approvals",
                allowed: [.quarantineOfficer, .customsOfficer, .admin, .portAuthority], success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/reports/quarantine-approvals", token: token(role))
            },
        ]
    }

    static func riskEndpoints() -> [Endpoint] {
        [
            Endpoint(operation: "GET /api/v1/risk/rules", allowed: riskOfficers, success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/risk/rules", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/risk/rules", allowed: riskOfficers, success: .created, denied: .forbidden) {
                _, role in Call(method: .post, path: "/api/v1/risk/rules", token: token(role), json: ruleJSON)
            },
            Endpoint(operation: "POST /api/v1/risk/rules/dry-run", allowed: riskOfficers, success: .ok, denied: .forbidden) {
                _, role in Call(method: .post, path: "/api/v1/risk/rules/dry-run?last=50", token: token(role), json: ruleJSON)
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/transfer", allowed: [.customsOfficer], success: .ok,
                denied: .notFound, seenBy: watchers) { clearway, role in
                let id = try await factoryDeclaration(clearway)
                return Call(method: .post, path: "/api/v1/declarations/\(id)/transfer", token: token(role),
                    json: #"{"vehicle":"V-\#(id.prefix(8))","seal":"EL-1","due":"2099-01-01T00:00:00Z"}"#)
            },
            Endpoint(operation: "POST /api/v1/custody-checkpoints", allowed: [.logisticsFirm, .admin], success: .ok,
                denied: .forbidden) { clearway, role in
                let id = try await factoryDeclaration(clearway)
                let vehicle = "V-\(id.prefix(8))"
                _ = try await clearway.startTransfer(id, vehicle: vehicle, seal: "EL-1", corridor: [], due: Date().addingTimeInterval(365 * 86_400),
                                                     by: try await Demo.principal("officer", in: clearway))
                return Call(method: .post, path: "/api/v1/custody-checkpoints", token: token(role),
                    json: #"{"vehicle":"\#(vehicle)","seal":"EL-1","position":"GATE","at":"2026-05-28T22:00:00Z","sealIntact":true}"#)
            },
            Endpoint(operation: "GET /api/v1/inspection-orders", allowed: riskOfficers, success: .ok, denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/inspection-orders", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/reports/selectivity", allowed: [.customsOfficer, .admin, .portAuthority], success: .ok,
                denied: .forbidden) { _, role in
                Call(method: .get, path: "/api/v1/reports/selectivity", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/risk/random-seeds/{day}", allowed: everyone, success: .ok, denied: .ok,
                isPublic: true) { clearway, role in
                Call(method: .get, path: "/api/v1/risk/random-seeds/\(Clearway.chinaDay(clearway.environment.now()))",
                    token: token(role))
            },
        ]
    }

    static func credentialEndpoints() -> [Endpoint] {
        [
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/release-note", allowed: [.customsOfficer],
                success: .created, denied: .notFound, seenBy: [.trader, .quarantineOfficer, .admin]) { clearway, role in
                Call(method: .post, path: "/api/v1/declarations/\(try await releasedDeclaration(clearway))/release-note",
                    token: token(role))
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/documents", allowed: [.trader, .customsOfficer],
                success: .created, denied: .notFound, seenBy: [.quarantineOfficer, .admin]) { clearway, role in
                Call(method: .post, path: "/api/v1/declarations/\(try await freshDeclaration(clearway))/documents?name=a.pdf",
                    token: token(role), raw: (Array("%PDF-1.7 test".utf8), "application/pdf"))
            },
            Endpoint(operation: "GET /api/v1/declarations/{declarationId}/documents", allowed: watchers, success: .ok,
                denied: .notFound) { clearway, role in
                Call(method: .get, path: "/api/v1/declarations/\(try await freshDeclaration(clearway))/documents", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/documents/{hash}", allowed: watchers, success: .ok, denied: .notFound) {
                clearway, role in
                let id = try await freshDeclaration(clearway)
                let document = try await clearway.attachDocument(
                    id, name: "b.pdf", mediaType: "application/pdf", bytes: Data("%PDF-1.7 \(id)".utf8),
                    by: try await Demo.principal("trader", in: clearway))
                return Call(method: .get, path: "/api/v1/documents/\(document.hash)", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/status-lists/suspension", allowed: everyone, success: .ok, denied: .ok,
                isPublic: true) { _, role in Call(method: .get, path: "/api/v1/status-lists/suspension", token: token(role)) },
            Endpoint(operation: "POST /api/v1/credentials/{credentialId}/suspension", allowed: [.customsOfficer, .admin],
                success: .ok, denied: .forbidden) { clearway, role in
                let issued = try await clearway.issueReleaseNote(
                    try await releasedDeclaration(clearway), by: try await Demo.principal("officer", in: clearway))
                return Call(method: .post, path: "/api/v1/credentials/\(issued.id)/suspension", token: token(role),
                    json: #"{"reason":"under investigation"}"#)
            },
            Endpoint(operation: "DELETE /api/v1/credentials/{credentialId}/suspension", allowed: [.customsOfficer, .admin],
                success: .ok, denied: .forbidden) { clearway, role in
                let issued = try await clearway.issueReleaseNote(
                    try await releasedDeclaration(clearway), by: try await Demo.principal("officer", in: clearway))
                return Call(method: .delete, path: "/api/v1/credentials/\(issued.id)/suspension", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/status-lists/revocation", allowed: everyone, success: .ok, denied: .ok,
                isPublic: true) { _, role in Call(method: .get, path: "/api/v1/status-lists/revocation", token: token(role)) },
            Endpoint(operation: "POST /api/v1/credentials/verify", allowed: everyone, success: .ok, denied: .ok, isPublic: true) {
                _, role in
                Call(method: .post, path: "/api/v1/credentials/verify", token: token(role), json: #"{"type":["VerifiableCredential"]}"#)
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/credentials", allowed: [.customsOfficer],
                success: .created, denied: .notFound, seenBy: [.trader, .quarantineOfficer, .admin]) { clearway, role in
                Call(method: .post, path: "/api/v1/declarations/\(try await releasedDeclaration(clearway))/credentials",
                    token: token(role), json: #"{"kind":"release-note"}"#)
            },
            Endpoint(operation: "POST /api/v1/declarations/{declarationId}/ephyto",
                allowed: [.trader, .customsOfficer, .quarantineOfficer], success: .ok, denied: .notFound, seenBy: [.admin]) { clearway, role in
                let xml = #"<rsm:SPSCertificate xmlns:rsm="urn:un:unece:uncefact:data:standard:SPSCertificate:17"><rsm:SPSExchangedDocument><rsm:ID>X1</rsm:ID><rsm:TypeCode>851</rsm:TypeCode></rsm:SPSExchangedDocument></rsm:SPSCertificate>"#
                return Call(method: .post, path: "/api/v1/declarations/\(try await freshDeclaration(clearway))/ephyto",
                    token: token(role), raw: (Array(xml.utf8), "application/xml"))
            },
            Endpoint(operation: "GET /verify", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
                Call(method: .get, path: "/verify", token: token(role))
            },
            Endpoint(operation: "POST /verify", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
                Call(method: .post, path: "/verify", token: token(role), raw: (Array("document=%7B%7D".utf8), "application/x-www-form-urlencoded"))
            },
            Endpoint(operation: "GET /verify/{credentialId}", allowed: everyone, success: .ok, denied: .ok, isPublic: true) {
                clearway, role in
                let issued = try await clearway.issueReleaseNote(
                    try await releasedDeclaration(clearway), by: try await Demo.principal("officer", in: clearway))
                return Call(method: .get, path: "/verify/\(issued.id)", token: token(role))
            },
            Endpoint(operation: "GET /credentials/{credentialId}/print", allowed: everyone, success: .ok, denied: .ok,
                isPublic: true) { clearway, role in
                let issued = try await clearway.issueReleaseNote(
                    try await releasedDeclaration(clearway), by: try await Demo.principal("officer", in: clearway))
                return Call(method: .get, path: "/credentials/\(issued.id)/print", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/credentials/{credentialId}", allowed: everyone, success: .ok, denied: .ok,
                isPublic: true) { clearway, role in
                let issued = try await clearway.issueReleaseNote(
                    try await releasedDeclaration(clearway), by: try await Demo.principal("officer", in: clearway))
                return Call(method: .get, path: "/api/v1/credentials/\(issued.id)", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/credentials/{credentialId}/revoke", allowed: [.customsOfficer, .admin],
                success: .ok, denied: .forbidden) { clearway, role in
                let issued = try await clearway.issueReleaseNote(
                    try await releasedDeclaration(clearway), by: try await Demo.principal("officer", in: clearway))
                return Call(method: .post, path: "/api/v1/credentials/\(issued.id)/revoke", token: token(role),
                    json: #"{"reason":"issued in error"}"#)
            },
        ]
    }

    /// An invoice from the Yangshan terminal for a fresh declaration of East Ocean, with one flagged line.
    static func freshInvoice(_ clearway: Clearway) async throws -> String {
        let id = try await freshDeclaration(clearway)
        let form = InvoiceForm(
            chargingParty: nil, port: "CNSHA", declaration: id,
            lines: [.init(
                number: 1, itemCode: "THC", serviceDate: Date(), basis: "per-container", quantity: 1, sizeClass: "20",
                container: "CSQU3054383", unitRate: "9999.00", amount: "9999.00", currency: "CNY")])
        return try await clearway.submitInvoice(form, by: try await Demo.principal("terminal", in: clearway)).id
    }

    static func feeEndpoints() -> [Endpoint] {
        let catalog = "fees-CNSHA-p-yangshan-terminal-v1"
        return [
            Endpoint(operation: "GET /fees", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
                Call(method: .get, path: "/fees", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/fee-catalogs", allowed: everyone, success: .ok, denied: .ok, isPublic: true) {
                _, role in Call(method: .get, path: "/api/v1/fee-catalogs", token: token(role))
            },
            Endpoint(operation: "GET /api/v1/fee-catalogs/{catalogId}", allowed: everyone, success: .ok, denied: .ok,
                isPublic: true) { _, role in Call(method: .get, path: "/api/v1/fee-catalogs/\(catalog)", token: token(role)) },
            Endpoint(operation: "GET /api/v1/fee-catalogs/{catalogId}/csv", allowed: everyone, success: .ok, denied: .ok,
                isPublic: true) { _, role in Call(method: .get, path: "/api/v1/fee-catalogs/\(catalog)/csv", token: token(role)) },
            Endpoint(operation: "GET /api/v1/fee-catalogs/{catalogId}/diff", allowed: everyone, success: .ok, denied: .ok,
                isPublic: true) { _, role in
                Call(method: .get, path: "/api/v1/fee-catalogs/fees-CNSHA-p-yangshan-terminal-v2/diff?against=\(catalog)",
                    token: token(role))
            },
            Endpoint(operation: "POST /api/v1/fee-catalogs", allowed: [.portAuthority, .admin], success: .created,
                denied: .forbidden) { _, role in
                Call(method: .post, path: "/api/v1/fee-catalogs", token: token(role), json: """
                    {"port":"CNNGB","chargingParty":"t-\(UUID().uuidString.prefix(8))","effectiveFrom":"2026-01-01T00:00:00Z",
                     "items":[{"code":"THC","nameZh":"港口作业包干费","nameEn":"Terminal handling","payer":"cargo-owner",
                     "basis":"per-container","rates":{"20":"850"},"currency":"CNY","legalBasis":"list"}]}
                    """)
            },
            Endpoint(operation: "POST /api/v1/fee-estimates", allowed: everyone, success: .ok, denied: .ok) { _, role in
                Call(method: .post, path: "/api/v1/fee-estimates", token: token(role),
                    json: #"{"port":"CNSHA","containers":{"20":2},"inspectionLikely":true}"#)
            },
            Endpoint(operation: "POST /api/v1/invoices", allowed: [.terminalOperator, .admin], success: .created,
                denied: .forbidden) { clearway, role in
                let id = try await freshDeclaration(clearway)
                return Call(method: .post, path: "/api/v1/invoices", token: token(role), json: """
                    {"chargingParty":"p-yangshan-terminal","port":"CNSHA","declaration":"\(id)","lines":[{"number":1,
                     "itemCode":"THC","serviceDate":"2026-03-02T10:00:00Z","basis":"per-container","quantity":1,"sizeClass":"20",
                     "unitRate":"850.00","amount":"850.00","currency":"CNY"}]}
                    """)
            },
            Endpoint(operation: "GET /api/v1/invoices/{invoiceId}",
                allowed: [.terminalOperator, .trader, .portAuthority, .admin, .customsOfficer], success: .ok, denied: .notFound) {
                clearway, role in Call(method: .get, path: "/api/v1/invoices/\(try await freshInvoice(clearway))", token: token(role))
            },
            Endpoint(operation: "POST /api/v1/invoices/{invoiceId}/disputes", allowed: [.trader], success: .ok,
                denied: .notFound, seenBy: [.terminalOperator, .portAuthority, .admin, .customsOfficer]) { clearway, role in
                Call(method: .post, path: "/api/v1/invoices/\(try await freshInvoice(clearway))/disputes", token: token(role),
                    json: #"{"line":1,"reason":"the list says 850"}"#)
            },
            Endpoint(operation: "GET /api/v1/fee-statistics", allowed: [.customsOfficer, .admin, .portAuthority], success: .ok,
                denied: .forbidden) { _, role in Call(method: .get, path: "/api/v1/fee-statistics?fromMonth=2026-01", token: token(role)) },
        ]
    }

    static let baseEndpoints: [Endpoint] = [
        Endpoint(operation: "GET /healthz", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
            Call(method: .get, path: "/healthz", token: token(role))
        },
        Endpoint(operation: "GET /readyz", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
            Call(method: .get, path: "/readyz", token: token(role))
        },
        Endpoint(operation: "GET /metrics", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
            Call(method: .get, path: "/metrics", token: token(role))
        },
        Endpoint(operation: "GET /openapi.yaml", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
            Call(method: .get, path: "/openapi.yaml", token: token(role))
        },
        Endpoint(operation: "POST /api/v1/auth/login", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, _ in
            Call(method: .post, path: "/api/v1/auth/login", json: #"{"username":"trader","password":"clearway-demo"}"#)
        },
        Endpoint(operation: "GET /api/v1/offices", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
            Call(method: .get, path: "/api/v1/offices", token: token(role))
        },
        Endpoint(operation: "GET /api/v1/ports", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
            Call(method: .get, path: "/api/v1/ports", token: token(role))
        },
        Endpoint(operation: "GET /api/v1/agencies", allowed: everyone, success: .ok, denied: .ok, isPublic: true) { _, role in
            Call(method: .get, path: "/api/v1/agencies", token: token(role))
        },
        Endpoint(operation: "GET /api/v1/me", allowed: everyone, success: .ok, denied: .ok) { _, role in
            Call(method: .get, path: "/api/v1/me", token: token(role))
        },
        Endpoint(operation: "GET /api/v1/tokens", allowed: everyone, success: .ok, denied: .ok) { _, role in
            Call(method: .get, path: "/api/v1/tokens", token: token(role))
        },
        Endpoint(operation: "POST /api/v1/tokens", allowed: everyone, success: .created, denied: .created) { _, role in
            Call(method: .post, path: "/api/v1/tokens", token: token(role), json: #"{"label":"ci"}"#)
        },
        Endpoint(operation: "DELETE /api/v1/tokens/{tokenId}", allowed: [.trader, .admin], success: .noContent, denied: .notFound) {
            clearway, role in
            let session = try await clearway.login(username: "trader", password: "clearway-demo")
            return Call(method: .delete, path: "/api/v1/tokens/\(session.id)", token: token(role))
        },
        Endpoint(operation: "POST /api/v1/users", allowed: [.admin], success: .created, denied: .forbidden) { _, role in
            Call(
                method: .post, path: "/api/v1/users", token: token(role),
                json: #"{"username":"u\#(UUID().uuidString.prefix(8))","password":"long enough password","role":"trader","partyId":"p-east-ocean"}"#)
        },
        Endpoint(operation: "GET /api/v1/parties", allowed: [.admin, .customsOfficer], success: .ok, denied: .forbidden) {
            _, role in Call(method: .get, path: "/api/v1/parties", token: token(role))
        },
        Endpoint(operation: "POST /api/v1/parties", allowed: [.admin], success: .created, denied: .forbidden) { _, role in
            let code = try CreditCode.completing("9131000" + String(UUID().uuidString.filter(\.isNumber).prefix(10))
                .padding(toLength: 10, withPad: "1", startingAt: 0))
            return Call(
                method: .post, path: "/api/v1/parties", token: token(role),
                json: #"{"name":"New Trading Co.","creditCode":"\#(code)"}"#)
        },
        Endpoint(
            operation: "GET /api/v1/parties/{partyId}", allowed: [.admin, .customsOfficer, .trader], success: .ok,
            denied: .notFound
        ) { _, role in Call(method: .get, path: "/api/v1/parties/p-east-ocean", token: token(role)) },
        Endpoint(
            operation: "POST /api/v1/parties/{partyId}/credit-tier", allowed: [.admin, .customsOfficer], success: .ok,
            denied: .forbidden
        ) { _, role in
            Call(
                method: .post, path: "/api/v1/parties/p-yangtze-foods/credit-tier", token: token(role),
                json: #"{"tier":"certified"}"#)
        },
        Endpoint(
            operation: "GET /api/v1/declarations",
            allowed: declarers.union([.customsOfficer, .quarantineOfficer, .admin]), success: .ok, denied: .forbidden
        ) { _, role in Call(method: .get, path: "/api/v1/declarations", token: token(role)) },
        Endpoint(operation: "POST /api/v1/declarations", allowed: declarers, success: .created, denied: .forbidden) {
            _, role in
            Call(
                method: .post, path: "/api/v1/declarations", token: token(role),
                json: declarationJSON(declarant: role.flatMap { partyCodes[$0] } ?? Demo.eastOcean))
        },
        Endpoint(
            operation: "GET /api/v1/declarations/{declarationId}",
            allowed: [.trader, .customsOfficer, .quarantineOfficer, .admin], success: .ok, denied: .notFound
        ) { clearway, role in
            Call(method: .get, path: "/api/v1/declarations/\(try await freshDeclaration(clearway))", token: token(role))
        },
        Endpoint(
            operation: "GET /api/v1/declarations/{declarationId}/events",
            allowed: [.trader, .customsOfficer, .quarantineOfficer, .admin], success: .ok, denied: .notFound
        ) { clearway, role in
            Call(method: .get, path: "/api/v1/declarations/\(try await freshDeclaration(clearway))/events", token: token(role))
        },
        Endpoint(operation: "PUT /api/v1/declarations/{declarationId}", allowed: [.trader], success: .ok, denied: .notFound) {
            clearway, role in
            Call(
                method: .put, path: "/api/v1/declarations/\(try await freshDeclaration(clearway))", token: token(role),
                json: declarationJSON(extra: #""billOfLading":"COSU1","#))
        },
        Endpoint(
            operation: "POST /api/v1/declarations/{declarationId}/transport", allowed: [.trader], success: .ok,
            denied: .notFound
        ) { clearway, role in
            Call(
                method: .post, path: "/api/v1/declarations/\(try await freshDeclaration(clearway))/transport",
                token: token(role), json: #"{"means":"COSCO SHIPPING ARIES","voyage":"045E"}"#)
        },
        Endpoint(
            operation: "POST /api/v1/declarations/{declarationId}/cancel", allowed: [.trader], success: .ok, denied: .notFound
        ) { clearway, role in
            Call(
                method: .post, path: "/api/v1/declarations/\(try await freshDeclaration(clearway))/cancel",
                token: token(role), json: #"{"reason":"lodged twice"}"#)
        },
        Endpoint(
            operation: "POST /api/v1/declarations/{declarationId}/reject", allowed: [.customsOfficer], success: .ok,
            denied: .notFound
        ) { clearway, role in
            Call(
                method: .post, path: "/api/v1/declarations/\(try await freshDeclaration(clearway))/reject",
                token: token(role), json: #"{"reason":"documents missing"}"#)
        },
    ]

    /// Roles that can see a declaration but may not do the action answer 403, not 404.
    static func expected(_ endpoint: Endpoint, _ role: Role) -> HTTPResponse.Status {
        if endpoint.allowed.contains(role) { return endpoint.success }
        if endpoint.seenBy.contains(role) { return .forbidden }
        let changes = ["PUT /api/v1/declarations/{declarationId}", "POST /api/v1/declarations/{declarationId}/transport",
            "POST /api/v1/declarations/{declarationId}/cancel", "POST /api/v1/declarations/{declarationId}/reject"]
        let canSee: Set<Role> = [.trader, .customsOfficer, .quarantineOfficer, .admin]
        if changes.contains(endpoint.operation) && canSee.contains(role) { return .forbidden }
        return endpoint.denied
    }

    @Test("every role on every endpoint gets exactly the answer the policy gives", arguments: TestBackend.available)
    func matrix(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            var mismatches: [String] = []
            for endpoint in Self.endpoints {
                for role in Role.allCases {
                    let response = try await client.send(try await endpoint.request(clearway, role))
                    let want = Self.expected(endpoint, role)
                    if response.status != want {
                        mismatches.append("\(endpoint.operation) as \(role.rawValue): \(response.status.code), wanted \(want.code)")
                    }
                }
                let anonymous = try await client.send(try await endpoint.request(clearway, nil))
                let want: HTTPResponse.Status = endpoint.isPublic ? endpoint.success : .unauthorized
                if anonymous.status != want {
                    mismatches.append("\(endpoint.operation) without login: \(anonymous.status.code), wanted \(want.code)")
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        }
    }

    @Test("the matrix covers every operation in openapi.yaml")
    func complete() throws {
        let yaml = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Sources/ClearwayAPI/openapi.yaml"), encoding: .utf8)
        var operations: Set<String> = []
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /") && line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            if line.hasPrefix("components:") { path = nil }
            for method in ["get", "post", "put", "delete", "patch"] where line == "    \(method):" {
                if let path { operations.insert("\(method.uppercased()) \(path)") }
            }
        }
        #expect(operations.count == 132)
        #expect(operations == Set(Self.endpoints.map(\.operation)))
    }
}
