import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation
import HummingbirdBcrypt

/// A demo login, printed by `clearway serve --demo` so a newcomer can sign in at once.
public struct DemoLogin: Sendable, Equatable {
    public var username: String
    public var password: String
    public var role: Role
    public var token: String
}

extension Clearway {
    /// Registers the demo enterprises and users from `Data/demo/` unless they exist; returns every demo login.
    public func seedDemo(from directory: URL) async throws -> [DemoLogin] {
        let demo = directory.appendingPathComponent("demo")
        let now = environment.now()
        let parties = try CSVReader.records(try String(contentsOf: demo.appendingPathComponent("parties.csv"), encoding: .utf8))
        for (index, record) in parties.enumerated() {
            let form = PartyForm(
                name: record["name"] ?? "", creditCode: record["credit_code"] ?? "", customsCode: record["customs_code"])
            var party: Party
            do { party = try form.validated(id: record["id"] ?? "") } catch {
                throw ReferenceDataError(
                    file: "demo/parties.csv", line: index + 2, reason: error.issues.map(\.detail).joined(separator: "; "))
            }
            party.creditHistory = [
                CreditTierPeriod(tier: CreditTier(rawValue: record["tier"] ?? "") ?? .normal, effectiveFrom: .distantPast)
            ]
            let candidate = party
            try await store.transaction { db in
                if try await PartyTable.find(id: candidate.id, on: db) == nil {
                    try await PartyTable.insert(candidate, at: now, on: db)
                }
            }
        }
        // Banks' electronic tax guarantees for the demo guarantors (kept as they are if already there).
        for (index, record) in try CSVReader.records(try String(contentsOf: demo.appendingPathComponent("tax-guarantees.csv"), encoding: .utf8)).enumerated() {
            guard let code = record["assure_code"], let bank = record["bank"],
                  let amount = try? Money.parse(record["amount"] ?? "", currency: "CNY", exponent: 2),
                  let until = Timestamp.parse((record["valid_until"] ?? "") + "T23:59:59+08:00")
            else { throw ReferenceDataError(file: "demo/tax-guarantees.csv", line: index + 2, reason: "assure_code, bank, amount (CNY), valid_until (YYYY-MM-DD)") }
            try await store.transaction { db in
                if try await TaxBillTables.guarantee(code, on: db) == nil {
                    try await TaxBillTables.setGuarantee(.init(assureCode: code, bank: bank, amountFen: amount.minor, validUntil: until), at: now, on: db)
                }
            }
        }
        var logins: [DemoLogin] = []
        let users = try CSVReader.records(try String(contentsOf: demo.appendingPathComponent("users.csv"), encoding: .utf8))
        for (index, record) in users.enumerated() {
            guard let username = record["username"], let password = record["password"], let token = record["token"],
                let role = Role(rawValue: record["role"] ?? "")
            else { throw ReferenceDataError(file: "demo/users.csv", line: index + 2, reason: "incomplete user") }
            func optional(_ key: String) -> String? { record[key].flatMap { $0.isEmpty ? nil : $0 } }
            let existing = try await store.read { db in try await UserTable.find(username: username, on: db) }
            if existing == nil {
                let user = UserRecord(
                    id: "u-\(username)", username: username, passwordHash: Bcrypt.hash(password, cost: environment.bcryptCost),
                    role: role, partyID: optional("party_id"), office: try optional("office").map { try OfficeCode($0) },
                    agencyID: optional("agency_id"))
                try await store.transaction { db in try await UserTable.insert(user, at: now, on: db) }
                _ = try await issueToken(for: user, kind: "api", label: "demo", expiresAt: nil, secret: token)
            }
            logins.append(DemoLogin(username: username, password: password, role: role, token: token))
        }
        try await seedDemoFees(from: demo.appendingPathComponent("fee-catalogs.json"))
        try await seedDemoRiskRules(from: demo.appendingPathComponent("risk-rules.json"))
        return logins
    }

    /// Shipments in flight for the demo (after `seedDemo`): imports through Yangshan picked for inspection, their
    /// boxes discharged onto yard blocks and planned, so the diversion board has something on it; once, on an empty board.
    public func seedDemoShipments(from directory: URL) async throws {
        let file = directory.appendingPathComponent("demo/diverted-boxes.csv")
        let empty = try await store.read { db in
            try await DiversionTables.boxes(port: "CNSHA", site: nil, statuses: nil, limit: 1, on: db).isEmpty
        }
        guard empty else {
            try await seedDemoParcels()
            return try await seedDemoExports()
        }
        let records = try CSVReader.records(try String(contentsOf: file, encoding: .utf8))
        guard let trader = try await principal(username: "trader"), let officer = try await principal(username: "officer"),
              let terminal = try await principal(username: "terminal")
        else { throw ClearanceError.notFound(kind: "demo user", id: "trader, officer or terminal") }
        for (index, record) in records.enumerated() {
            func field(_ key: String) throws -> String {
                guard let value = record[key] else {
                    throw ReferenceDataError(file: "demo/diverted-boxes.csv", line: index + 2, reason: "missing column \(key)")
                }
                return value
            }
            let container = try field("container")
            let form = DeclarationForm(
                direction: "import", supervisionMode: "0110", declarant: "913100007178848X2R", tradingParty: "913100007178848X2R",
                overseasParty: "Pacific Suppliers Ltd", declarationOffice: "2248", entryExitOffice: "2248",
                transport: TransportForm(mode: "2", means: "COSCO SHIPPING ARIES", voyage: "045E"),
                billOfLading: "COSU62451873\(index)", incoterm: "CIF",
                containers: [ContainerForm(number: container, seals: ["SH\(100_000 + index)"], sizeType: try field("size_type"),
                                           imdgClass: try field("imdg_class").isEmpty ? nil : try field("imdg_class"))],
                items: [ItemForm(commodityCode: try field("commodity_code"), description: "Demo goods", quantity: "1000", unit: "KGM",
                                 value: "20000.00", currency: "USD", origin: "AU")])
            let lodged = try await lodge(form, by: trader)
            guard let kind = InspectionKind(rawValue: try field("kind")) else {
                throw ReferenceDataError(file: "demo/diverted-boxes.csv", line: index + 2, reason: "unknown inspection kind")
            }
            // Lanes are decided at lodgement unless officers decide them; either way the officer orders this one.
            if lodged.clearance.lane == nil {
                _ = try await decideRisk(lodged.id, lane: .inspection, inspection: .init(kind: kind, place: .port), by: officer)
            } else if !lodged.clearance.inspections.contains(where: { $0.kind == kind && $0.place == .port }) {
                _ = try await orderInspection(lodged.id, .init(kind: kind, place: .port), by: officer)
            }
            _ = try await recordPortEvent(
                PortEvent(kind: .discharged, at: environment.now(), container: try ContainerNumber(container), location: try field("block")),
                by: terminal)
        }
        try await replanDiversion(port: "CNSHA")
        try await seedDemoParcels()
        try await seedDemoExports()
    }

    /// Publishes the demo targeting rules that are not published yet.
    func seedDemoRiskRules(from file: URL) async throws {
        let rules = try CanonicalJSON.decoder().decode([RiskRule].self, from: Data(contentsOf: file))
        let reference = try await cached().reference
        let now = environment.now()
        try await store.transaction { db in
            let published = Set(try await RiskTables.rules(on: db).map(\.id))
            for rule in rules where !published.contains(rule.id) {
                do throws(ValidationFailure) { try RiskRule.validate(rule, reference: reference) } catch {
                    throw ReferenceDataError(file: "demo/risk-rules.json", line: 0,
                                             reason: "rule \(rule.id): " + error.issues.map { "\($0.pointer) \($0.detail)" }.joined(separator: "; "))
                }
                try await RiskTables.insert(rule, by: "demo", at: now, on: db)
            }
        }
    }

    /// Publishes the demo fee lists unless that port's and party's versions exist already.
    func seedDemoFees(from file: URL) async throws {
        let forms = try CanonicalJSON.decoder().decode([FeeCatalogForm].self, from: Data(contentsOf: file))
        let existing = try await store.read { db in try await FeeTables.catalogs(on: db) }
        let currencies = try await cached().reference.currencies
        let now = environment.now()
        var published = existing
        for form in forms {
            let versions = published.filter { $0.port.rawValue == form.port && $0.chargingParty == form.chargingParty }
            guard !versions.contains(where: { $0.effectiveFrom == form.effectiveFrom }) else { continue }
            let catalog: FeeCatalog
            do {
                catalog = try form.validated(
                    id: "fees-\(form.port)-\(form.chargingParty)-v\(versions.count + 1)",
                    previous: versions.max { $0.version < $1.version }, currencies: currencies)
            } catch {
                throw ReferenceDataError(file: file.path, line: 0, reason: error.issues.map(\.detail).joined(separator: "; "))
            }
            try await store.transaction { db in try await FeeTables.insert(catalog, at: now, on: db) }
            published.append(catalog)
        }
    }
}
