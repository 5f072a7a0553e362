import ClearwayCore
import Foundation
import SQLKit

/// Registered enterprises and their effective-dated credit tiers.
public enum PartyTable {
    public static func insert(_ party: Party, at date: Date, on db: any SQLDatabase) async throws {
        do {
            try await db.raw(
                """
                INSERT INTO parties (id, name, credit_code, customs_code, created_at)
                VALUES (\(bind: party.id), \(bind: party.name), \(bind: party.creditCode.rawValue),
                    \(bind: party.customsCode?.rawValue), \(bind: date.timestamp))
                """
            ).run()
        } catch where Dialect.isUniqueViolation(error) {
            throw StoreError.duplicate("party with credit code \(party.creditCode) or customs code")
        }
        for period in party.creditHistory {
            try await setTier(party.id, period, decidedBy: "system", at: date, on: db)
        }
    }

    public static func setTier(
        _ partyID: String, _ period: CreditTierPeriod, decidedBy: String, at date: Date, on db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            INSERT INTO credit_tiers (party_id, tier, effective_from, decided_by, decided_at)
            VALUES (\(bind: partyID), \(bind: period.tier.rawValue), \(bind: period.effectiveFrom.timestamp),
                \(bind: decidedBy), \(bind: date.timestamp))
            ON CONFLICT (party_id, effective_from) DO UPDATE SET tier = excluded.tier,
                decided_by = excluded.decided_by, decided_at = excluded.decided_at
            """
        ).run()
    }

    public static func find(id: String, on db: any SQLDatabase) async throws -> Party? {
        try await select(where: "id = \(bind: id)", on: db).first
    }

    public static func find(customsCode: String, on db: any SQLDatabase) async throws -> Party? {
        try await select(where: "customs_code = \(bind: customsCode)", on: db).first
    }

    public static func find(creditCodes: [String], on db: any SQLDatabase) async throws -> [Party] {
        guard !creditCodes.isEmpty else { return [] }
        var condition = SQLQueryString("credit_code IN (")
        for (index, code) in creditCodes.enumerated() {
            if index > 0 { condition.appendLiteral(", ") }
            condition += "\(bind: code)"
        }
        condition.appendLiteral(")")
        return try await select(where: condition, on: db)
    }

    public static func all(on db: any SQLDatabase) async throws -> [Party] {
        try await select(where: "1 = 1", on: db)
    }

    /// Parties with their credit history, in one statement: a party's tier periods are the rows that follow it.
    static func select(where condition: SQLQueryString, on db: any SQLDatabase) async throws -> [Party] {
        let rows = try await db.raw(
            """
            SELECT p.id, p.name, p.credit_code, p.customs_code, t.tier, t.effective_from
            FROM (SELECT id, name, credit_code, customs_code FROM parties WHERE \(condition)) p
            LEFT JOIN credit_tiers t ON t.party_id = p.id ORDER BY p.id, t.effective_from
            """
        ).all()
        var parties: [Party] = []
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            if parties.last?.id != id {
                parties.append(
                    Party(
                        id: id, name: try row.decode(column: "name", as: String.self),
                        creditCode: try CreditCode(try row.decode(column: "credit_code", as: String.self)),
                        customsCode: try row.decode(column: "customs_code", as: String?.self).map {
                            try CustomsRegistrationCode($0)
                        },
                        creditHistory: []))
            }
            if let tier = try row.decode(column: "tier", as: String?.self) {
                parties[parties.count - 1].creditHistory.append(
                    CreditTierPeriod(
                        tier: CreditTier(rawValue: tier) ?? .normal,
                        effectiveFrom: Timestamp.parse(try row.decode(column: "effective_from", as: String.self)) ?? .distantPast))
            }
        }
        return parties
    }
}
