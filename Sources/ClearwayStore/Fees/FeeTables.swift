import ClearwayCore
import Foundation
import SQLKit

/// Published fee catalogues and the invoices checked against them.
public enum FeeTables {
    public static func insert(_ catalog: FeeCatalog, at date: Date, on db: any SQLDatabase) async throws {
        let json = try CanonicalJSON.encoder().encodeToString(catalog)
        do {
            try await db.raw(
                """
                INSERT INTO fee_catalogs (id, port, charging_party, version, effective_from, effective_until, catalog, published_at)
                VALUES (\(bind: catalog.id), \(bind: catalog.port.rawValue), \(bind: catalog.chargingParty), \(bind: catalog.version),
                    \(bind: catalog.effectiveFrom.timestamp), \(bind: catalog.effectiveUntil?.timestamp), \(bind: json),
                    \(bind: date.timestamp))
                """
            ).run()
        } catch where Dialect.isUniqueViolation(error) {
            throw StoreError.duplicate("fee catalogue \(catalog.port) \(catalog.chargingParty) version \(catalog.version)")
        }
    }

    /// Every version of every catalogue, or those of one port and charging party.
    public static func catalogs(port: String? = nil, chargingParty: String? = nil, on db: any SQLDatabase) async throws
        -> [FeeCatalog]
    {
        var sql = SQLQueryString("SELECT catalog FROM fee_catalogs WHERE 1 = 1")
        if let port { sql += " AND port = \(bind: port)" }
        if let chargingParty { sql += " AND charging_party = \(bind: chargingParty)" }
        sql += " ORDER BY port, charging_party, version"
        let decoder = CanonicalJSON.decoder()
        return try await db.raw(sql).all().map {
            try decoder.decode(FeeCatalog.self, from: Data(try $0.decode(column: "catalog", as: String.self).utf8))
        }
    }

    public static func catalog(id: String, on db: any SQLDatabase) async throws -> FeeCatalog? {
        try await db.raw("SELECT catalog FROM fee_catalogs WHERE id = \(bind: id)").first().map {
            try CanonicalJSON.decoder().decode(FeeCatalog.self, from: Data(try $0.decode(column: "catalog", as: String.self).utf8))
        }
    }

    /// Rewrites the invoice projections from its state, in the transaction that changed it.
    public static func upsert(_ state: Invoice.State, at date: Date, on db: any SQLDatabase) async throws {
        guard let invoice = state.submitted else { return }
        let json = try CanonicalJSON.encoder(sorted: false).encodeToString(state)
        try await db.raw(
            """
            INSERT INTO invoices (id, charging_party, port, declaration_id, submitted_at, state)
            VALUES (\(bind: state.id), \(bind: invoice.chargingParty), \(bind: invoice.port.rawValue),
                \(bind: invoice.declarationID), \(bind: date.timestamp), \(bind: json))
            ON CONFLICT (id) DO UPDATE SET state = excluded.state
            """
        ).run()
        try await db.raw("DELETE FROM invoice_lines WHERE invoice_id = \(bind: state.id)").run()
        let encoder = CanonicalJSON.encoder()
        for line in invoice.lines {
            let flags = invoice.flags.filter { $0.line == line.number }.map(\.kind.rawValue).joined(separator: ",")
            let month = String(Timestamp.format(line.serviceDate).prefix(7))
            try await db.raw(
                """
                INSERT INTO invoice_lines (invoice_id, line_no, charging_party, port, declaration_id, service_month, currency,
                    charged_minor, allowed_minor, flags, disputed, line)
                VALUES (\(bind: state.id), \(bind: line.number), \(bind: invoice.chargingParty), \(bind: invoice.port.rawValue),
                    \(bind: invoice.declarationID), \(bind: month), \(bind: line.amount.currency), \(bind: line.amount.minor),
                    \(bind: invoice.allowed[line.number]?.minor ?? 0), \(bind: flags),
                    \(bind: state.disputes[line.number] == nil ? 0 : 1),
                    \(bind: String(decoding: try encoder.encode(line), as: UTF8.self)))
                """
            ).run()
        }
    }

    public static func invoice(id: String, on db: any SQLDatabase) async throws -> Invoice.State? {
        try await db.raw("SELECT state FROM invoices WHERE id = \(bind: id)").first().map {
            try CanonicalJSON.decoder().decode(Invoice.State.self, from: Data(try $0.decode(column: "state", as: String.self).utf8))
        }
    }

    /// Lines already billed for a shipment, for the duplicate check.
    public static func billedLines(declarationID: String, chargingParty: String, on db: any SQLDatabase) async throws
        -> [InvoiceLine]
    {
        let decoder = CanonicalJSON.decoder()
        return try await db.raw(
            """
            SELECT line FROM invoice_lines WHERE declaration_id = \(bind: declarationID)
                AND charging_party = \(bind: chargingParty) ORDER BY invoice_id, line_no
            """
        ).all().map { try decoder.decode(InvoiceLine.self, from: Data(try $0.decode(column: "line", as: String.self).utf8)) }
    }

    /// One row of a fee summary: charged and allowed amounts and flagged lines for a group.
    public struct Summary: Sendable, Equatable {
        public var chargingParty: String
        public var port: String
        public var month: String
        public var currency: String
        public var lines: Int
        public var flaggedLines: Int
        public var disputedLines: Int
        public var chargedMinor: Int64
        public var allowedMinor: Int64
    }

    /// Charged against catalogue per charging party, port and month (months in [from, to) as YYYY-MM).
    public static func summary(from: String?, to: String?, on db: any SQLDatabase) async throws -> [Summary] {
        var sql = SQLQueryString(
            """
            SELECT charging_party, port, service_month, currency, COUNT(*) AS line_count,
                CAST(SUM(CASE WHEN flags <> '' THEN 1 ELSE 0 END) AS BIGINT) AS flagged,
                CAST(SUM(disputed) AS BIGINT) AS disputed_count,
                CAST(SUM(charged_minor / \(unsafeRaw: String(Self.split))) AS BIGINT) AS charged_high,
                CAST(SUM(charged_minor % \(unsafeRaw: String(Self.split))) AS BIGINT) AS charged_low,
                CAST(SUM(allowed_minor / \(unsafeRaw: String(Self.split))) AS BIGINT) AS allowed_high,
                CAST(SUM(allowed_minor % \(unsafeRaw: String(Self.split))) AS BIGINT) AS allowed_low
            FROM invoice_lines WHERE 1 = 1
            """)
        if let from { sql += " AND service_month >= \(bind: from)" }
        if let to { sql += " AND service_month < \(bind: to)" }
        sql += " GROUP BY charging_party, port, service_month, currency ORDER BY port, service_month, charging_party, currency"
        return try await db.raw(sql).all().map { row in
            Summary(
                chargingParty: try row.decode(column: "charging_party", as: String.self),
                port: try row.decode(column: "port", as: String.self),
                month: try row.decode(column: "service_month", as: String.self),
                currency: try row.decode(column: "currency", as: String.self),
                lines: try row.decode(column: "line_count", as: Int.self),
                flaggedLines: try row.decode(column: "flagged", as: Int.self),
                disputedLines: try row.decode(column: "disputed_count", as: Int.self),
                chargedMinor: Self.joined(try row.decode(column: "charged_high", as: Int64.self), try row.decode(column: "charged_low", as: Int64.self)),
                allowedMinor: Self.joined(try row.decode(column: "allowed_high", as: Int64.self), try row.decode(column: "allowed_low", as: Int64.self)))
        }
    }

    /// Amounts are summed in two parts, so that lines whose total passes Int64 (a few stating amounts near its bound) do not
    /// fail the query (SQLite's SUM stops with "integer overflow", PostgreSQL's cast with "out of range"); each part's sum fits
    /// for a billion lines.
    static let split: Int64 = 1_000_000_000

    /// `high × split + low`, stopping at Int64's bounds as `Money.sum` does.
    static func joined(_ high: Int64, _ low: Int64) -> Int64 {
        let (scaled, over) = high.multipliedReportingOverflow(by: split)
        if over { return high < 0 ? .min : .max }
        let (sum, past) = scaled.addingReportingOverflow(low)
        return past ? (low < 0 ? .min : .max) : sum
    }
}
