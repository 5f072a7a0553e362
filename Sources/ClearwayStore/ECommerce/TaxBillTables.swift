import ClearwayCore
import Foundation
import SQLKit

/// Electronic tax guarantees and summary tax bills.
public enum TaxBillTables {
    public struct Guarantee: Sendable, Equatable {
        public var assureCode: String
        public var bank: String
        public var amountFen: Int64
        public var frozenFen: Int64
        public var validUntil: Date
        public init(assureCode: String, bank: String, amountFen: Int64, frozenFen: Int64 = 0, validUntil: Date) {
            self.assureCode = assureCode
            self.bank = bank
            self.amountFen = amountFen
            self.frozenFen = frozenFen
            self.validUntil = validUntil
        }
        public var availableFen: Int64 { amountFen - frozenFen }
    }

    /// Registers or changes a guarantee; what released parcels already hold stays frozen.
    public static func setGuarantee(_ g: Guarantee, at date: Date, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO cbec_guarantees (assure_code, bank, amount_fen, frozen_fen, valid_until, updated_at)
            VALUES (\(bind: g.assureCode), \(bind: g.bank), \(bind: g.amountFen), 0, \(bind: g.validUntil.timestamp), \(bind: date.timestamp))
            ON CONFLICT (assure_code) DO UPDATE SET bank = excluded.bank, amount_fen = excluded.amount_fen,
                valid_until = excluded.valid_until, updated_at = excluded.updated_at
            """
        ).run()
    }

    static func decodeGuarantee(_ row: any SQLRow) throws -> Guarantee {
        Guarantee(assureCode: try row.decode(column: "assure_code", as: String.self), bank: try row.decode(column: "bank", as: String.self),
                  amountFen: try row.decode(column: "amount_fen", as: Int64.self), frozenFen: try row.decode(column: "frozen_fen", as: Int64.self),
                  validUntil: Timestamp.parse(try row.decode(column: "valid_until", as: String.self)) ?? .distantPast)
    }

    public static func guarantee(_ assureCode: String, on db: any SQLDatabase) async throws -> Guarantee? {
        try await db.raw("SELECT * FROM cbec_guarantees WHERE assure_code = \(bind: assureCode)").first().map(decodeGuarantee)
    }

    public static func guarantees(on db: any SQLDatabase) async throws -> [Guarantee] {
        try await db.raw("SELECT * FROM cbec_guarantees ORDER BY assure_code").all().map(decodeGuarantee)
    }

    /// Freezes a released parcel's tax, or returns false when the guarantee (in force at `date`) cannot take it; one
    /// statement, so parcels released at once on any node never together pass the amount.
    public static func freeze(_ assureCode: String, fen: Int64, at date: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw(
            """
            UPDATE cbec_guarantees SET frozen_fen = frozen_fen + \(bind: fen)
            WHERE assure_code = \(bind: assureCode) AND amount_fen - frozen_fen >= \(bind: fen) AND valid_until >= \(bind: date.timestamp)
            RETURNING frozen_fen
            """
        ).first() != nil
    }

    public static func unfreeze(_ assureCode: String, fen: Int64, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            UPDATE cbec_guarantees SET frozen_fen = CASE WHEN frozen_fen > \(bind: fen) THEN frozen_fen - \(bind: fen) ELSE 0 END
            WHERE assure_code = \(bind: assureCode)
            """
        ).run()
    }

    /// Released parcels not yet billed whose release falls in `[from, to)`, by guarantor.
    public static func billable(from: Date, to: Date, on db: any SQLDatabase) async throws -> [String: [Parcel.State]] {
        let rows = try await db.raw(
            """
            SELECT state FROM cbec_parcels WHERE status = 'released' AND released_at >= \(bind: from.timestamp)
                AND released_at < \(bind: to.timestamp) ORDER BY released_at, id
            """
        ).all()
        var result: [String: [Parcel.State]] = [:]
        for row in rows {
            let state = try CanonicalJSON.decoder().decode(Parcel.State.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
            result[state.inventory?.assureCode ?? "", default: []].append(state)
        }
        return result
    }

    /// The earliest release of a parcel still unbilled, to know which periods remain.
    public static func oldestUnbilledRelease(on db: any SQLDatabase) async throws -> Date? {
        guard let row = try await db.raw("SELECT MIN(released_at) AS first FROM cbec_parcels WHERE status = 'released'").first(),
              !(try row.decodeNil(column: "first"))
        else { return nil }
        return Timestamp.parse(try row.decode(column: "first", as: String.self))
    }

    public static func upsert(_ bill: TaxBill.State, on db: any SQLDatabase) async throws {
        let json = try CanonicalJSON.encoder().encodeToString(bill)
        try await db.raw(
            """
            INSERT INTO tax_bills (id, assure_code, period, status, total_fen, bank_payment, issued_at, paid_at, state)
            VALUES (\(bind: bill.id), \(bind: bill.assureCode), \(bind: bill.period?.description ?? ""), \(bind: bill.status.rawValue),
                \(bind: bill.totalFen), \(bind: bill.bankPayment), \(bind: (bill.issuedAt ?? Date()).timestamp), \(bind: bill.paidAt?.timestamp),
                \(bind: json))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, bank_payment = excluded.bank_payment, paid_at = excluded.paid_at,
                state = excluded.state
            """
        ).run()
    }

    static func decodeBill(_ row: any SQLRow) throws -> TaxBill.State {
        try CanonicalJSON.decoder().decode(TaxBill.State.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
    }

    public static func find(_ id: String, on db: any SQLDatabase) async throws -> TaxBill.State? {
        try await db.raw("SELECT state FROM tax_bills WHERE id = \(bind: id)").first().map(decodeBill)
    }

    public static func find(payment: String, on db: any SQLDatabase) async throws -> TaxBill.State? {
        try await db.raw("SELECT state FROM tax_bills WHERE bank_payment = \(bind: payment)").first().map(decodeBill)
    }

    public static func list(assureCode: String?, on db: any SQLDatabase) async throws -> [TaxBill.State] {
        if let assureCode {
            return try await db.raw("SELECT state FROM tax_bills WHERE assure_code = \(bind: assureCode) ORDER BY period DESC, id").all().map(decodeBill)
        }
        return try await db.raw("SELECT state FROM tax_bills ORDER BY period DESC, id LIMIT 500").all().map(decodeBill)
    }
}
