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
