import ClearwayCore
import Foundation
import SQLKit

/// Export lists as queues and summaries read them, and export waybills waiting for their list.
public enum ExportParcelTables {
    public struct Found: Sendable {
        public var state: ExportParcel.State
        public var preNo: String?
        public init(state: ExportParcel.State, preNo: String?) {
            self.state = state
            self.preNo = preNo
        }
    }

    public static func upsert(_ state: ExportParcel.State, preNo: String?, at date: Date, on db: any SQLDatabase) async throws {
        let json = try CanonicalJSON.encoder(sorted: false).encodeToString(state)
        let key = state.order.map { ($0.ebpCode, $0.orderNo) } ?? state.inventory.map { ($0.ebpCode, $0.orderNo) }
            ?? state.collection.map { ($0.ebpCode, $0.orderNo) } ?? ("", "")
        try await db.raw(
            """
            INSERT INTO export_parcels (id, status, ebp_code, order_no, invt_no, pre_no, waybill_key, agent_code, ebc_code, owner_code,
                released_at, period, summary, first_received_at, updated_at, state)
            VALUES (\(bind: state.id), \(bind: state.status.rawValue), \(bind: key.0), \(bind: key.1), \(bind: state.invtNo), \(bind: preNo),
                \(bind: state.inventory?.waybillKey), \(bind: state.inventory?.agentCode), \(bind: state.inventory?.ebcCode),
                \(bind: state.inventory?.ownerCode), \(bind: state.releasedAt?.timestamp),
                \(bind: state.releasedAt.map(ExportSummary.period(of:))), \(bind: state.summary),
                \(bind: (state.firstReceivedAt ?? date).timestamp), \(bind: date.timestamp), \(bind: json))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, invt_no = excluded.invt_no,
                pre_no = COALESCE(export_parcels.pre_no, excluded.pre_no), waybill_key = excluded.waybill_key,
                agent_code = excluded.agent_code, ebc_code = excluded.ebc_code, owner_code = excluded.owner_code,
                released_at = excluded.released_at, period = excluded.period, summary = excluded.summary,
                updated_at = excluded.updated_at, state = excluded.state
            """
        ).run()
    }

    static func decode(_ row: any SQLRow) throws -> Found {
        let state = try CanonicalJSON.decoder().decode(ExportParcel.State.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
        return Found(state: state, preNo: try row.decodeNil(column: "pre_no") ? nil : try row.decode(column: "pre_no", as: String.self))
    }

    public static func find(_ id: String, on db: any SQLDatabase) async throws -> Found? {
        try await db.raw("SELECT state, pre_no FROM export_parcels WHERE id = \(bind: id)").first().map(decode)
    }

    public static func find(invtNo: String, on db: any SQLDatabase) async throws -> Found? {
        try await db.raw("SELECT state, pre_no FROM export_parcels WHERE invt_no = \(bind: invtNo)").first().map(decode)
    }

    public static func find(waybillKey: String, on db: any SQLDatabase) async throws -> Found? {
        try await db.raw("SELECT state, pre_no FROM export_parcels WHERE waybill_key = \(bind: waybillKey)").first().map(decode)
    }

    /// Lists of a status (or all), newest first, optionally of one declaring agent or owner.
    public static func list(status: ExportParcel.Status?, code: String?, limit: Int, on db: any SQLDatabase) async throws -> [Found] {
        var sql = SQLQueryString("SELECT state, pre_no FROM export_parcels WHERE 1 = 1")
        if let status { sql += " AND status = \(bind: status.rawValue)" }
        if let code { sql += " AND (agent_code = \(bind: code) OR ebc_code = \(bind: code) OR owner_code = \(bind: code))" }
        sql += " ORDER BY first_received_at DESC, id LIMIT \(bind: limit)"
        return try await db.raw(sql).all().map(decode)
    }

    /// Released or closed lists of a month not yet summarised, of one agent or of all. On PostgreSQL, lists another
    /// node's worker is summarising right now are skipped, not waited for (`FOR UPDATE SKIP LOCKED`).
    public static func unsummarised(period: String, agentCode: String?, on db: any SQLDatabase) async throws -> [Found] {
        var sql = SQLQueryString(
            "SELECT state, pre_no FROM export_parcels WHERE period = \(bind: period) AND summary IS NULL AND status IN ('released', 'closed')")
        if let agentCode { sql += " AND agent_code = \(bind: agentCode)" }
        sql += " ORDER BY invt_no"
        sql += Dialect.skipLocked(db)
        return try await db.raw(sql).all().map(decode)
    }

    /// The earliest month with released lists not yet summarised.
    public static func oldestUnsummarisedPeriod(on db: any SQLDatabase) async throws -> String? {
        let row = try await db.raw(
            "SELECT MIN(period) AS p FROM export_parcels WHERE summary IS NULL AND status IN ('released', 'closed') AND period IS NOT NULL"
        ).first()
        return try row.flatMap { try $0.decodeNil(column: "p") ? nil : try $0.decode(column: "p", as: String.self) }
    }

    /// How many lists an agent declared for an owner (a service enterprise's consolidated view).
    public static func count(agentCode: String, ownerCode: String, on db: any SQLDatabase) async throws -> Int {
        try await db.raw(
            "SELECT COUNT(*) AS n FROM export_parcels WHERE agent_code = \(bind: agentCode) AND owner_code = \(bind: ownerCode)"
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public static func counts(on db: any SQLDatabase) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try await db.raw("SELECT status, COUNT(*) AS n FROM export_parcels GROUP BY status").all() {
            result[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return result
    }

    /// Files a waybill under the key its list will name; returns the parcel already waiting for it, if any.
    public static func fileWaybill(_ waybill: ExportParcel.Waybill, at date: Date, on db: any SQLDatabase) async throws -> String? {
        try await WaybillQueue.file(waybill, key: waybill.key, in: "export_waybills", at: date, on: db)
    }

    /// Files the parcel a list belongs to under its waybill key; returns the waybill that came first, if any.
    public static func claimWaybill(_ key: String, for parcel: String, on db: any SQLDatabase) async throws -> ExportParcel.Waybill? {
        try await WaybillQueue.claim(key, for: parcel, in: "export_waybills", as: ExportParcel.Waybill.self, on: db)
    }
}
