import ClearwayCore
import Foundation
import SQLKit
import Synchronization

/// Parcels as lists and queues read them, waybills waiting for their list, and buyers' annual totals.
public enum ParcelTables {
    /// - Parameter reusing: values the state holds that were encoded before the transaction.
    public static func upsert(_ state: Parcel.State, preNo: String?, at date: Date, reusing: [EncodedValue] = [],
                              recent: RecentParcels? = nil, on db: any SQLDatabase) async throws
    {
        try await upsert(state, encoded: try encode(state, reusing: reusing), preNo: preNo, at: date, recent: recent, on: db)
    }

    /// A parcel's state as its snapshot column holds it.
    public static func encode(_ state: Parcel.State, reusing: [EncodedValue] = []) throws -> String {
        try CanonicalJSON.encoder(sorted: false, reusing: reusing).encodeToString(state)
    }

    /// Writes a parcel whose snapshot was encoded before (by `encode(_:)`, from this same state).
    public static func upsert(_ state: Parcel.State, encoded json: String, preNo: String?, at date: Date, recent: RecentParcels? = nil,
                              on db: any SQLDatabase) async throws
    {
        let key = state.order.map { ($0.ebpCode, $0.orderNo) } ?? state.inventory.map { ($0.ebpCode, $0.orderNo) }
            ?? state.payment.map { ($0.ebpCode, $0.orderNo) } ?? ("", "")
        try await db.raw(
            """
            INSERT INTO cbec_parcels (id, status, ebp_code, order_no, invt_no, pre_no, waybill_key, buyer_key, assure_code, agent_code, value_fen,
                tax_fen, first_received_at, released_at, missing_reported, updated_at, state)
            VALUES (\(bind: state.id), \(bind: state.status.rawValue), \(bind: key.0), \(bind: key.1), \(bind: state.invtNo),
                \(bind: preNo), \(bind: state.inventory?.waybillKey), \(bind: state.inventory?.buyer.key ?? state.order?.buyer.key),
                \(bind: state.inventory?.assureCode), \(bind: state.inventory?.agentCode), \(bind: state.assessment?.valueFen), \(bind: state.assessment?.totalFen),
                \(bind: (state.firstReceivedAt ?? date).timestamp), \(bind: state.releasedAt?.timestamp),
                \(bind: state.missingReported == nil ? 0 : 1), \(bind: date.timestamp), \(bind: json))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, invt_no = excluded.invt_no,
                pre_no = COALESCE(cbec_parcels.pre_no, excluded.pre_no), waybill_key = excluded.waybill_key,
                buyer_key = excluded.buyer_key, assure_code = excluded.assure_code, agent_code = excluded.agent_code, value_fen = excluded.value_fen,
                tax_fen = excluded.tax_fen, released_at = excluded.released_at, missing_reported = excluded.missing_reported,
                updated_at = excluded.updated_at, state = excluded.state
            """
        ).run()
        recent?.remember(state, text: json)
    }

    static func decode(_ row: any SQLRow) throws -> (state: Parcel.State, preNo: String?) {
        (try state(try row.decode(column: "state", as: String.self)), try preNo(row))
    }

    private static func state(_ snapshot: String) throws -> Parcel.State {
        try CanonicalJSON.decoder().decode(Parcel.State.self, from: Data(snapshot.utf8))
    }

    private static func preNo(_ row: any SQLRow) throws -> String? {
        try row.decodeNil(column: "pre_no") ? nil : try row.decode(column: "pre_no", as: String.self)
    }

    public static func find(_ id: String, on db: any SQLDatabase) async throws -> (state: Parcel.State, preNo: String?)? {
        try await db.raw("SELECT state, pre_no FROM cbec_parcels WHERE id = \(bind: id)").first().map(decode)
    }

    /// A parcel's stored snapshot as read before a transaction, so the transaction need not decode it again.
    public struct Snapshot: Sendable {
        let text: String
        public let state: Parcel.State
    }

    /// Reads a parcel's snapshot outside the writer's turn (on a reader), decoded — or, when `recent` holds the state
    /// this very text was written from, that state.
    public static func snapshot(_ id: String, recent: RecentParcels? = nil, on db: any SQLDatabase) async throws -> Snapshot? {
        guard let row = try await db.raw("SELECT state FROM cbec_parcels WHERE id = \(bind: id)").first() else { return nil }
        let text = try row.decode(column: "state", as: String.self)
        if let kept = recent?.recall(id, text: text) { return kept }
        return Snapshot(text: text, state: try state(text))
    }

    /// Parcels' states as this node last wrote them, each with its snapshot's text, so that the next document of a
    /// parcel does not decode the snapshot its previous document wrote. An entry is used only when the stored text is
    /// still the very text it was written as — any node may have written since — and the state kept writes that same
    /// text again (it differs from the decoded one only below the millisecond of its times). Bounded: the oldest
    /// entries make way.
    public final class RecentParcels: Sendable {
        private struct Entries {
            var byID: [String: Snapshot] = [:]
            var order: [String] = []
            var next = 0
        }
        private let entries = Mutex(Entries())
        let capacity: Int

        public init(capacity: Int = 1_024) { self.capacity = max(1, capacity) }

        /// Keeps a state as written, with the text it was written as.
        public func remember(_ state: Parcel.State, text: String) {
            let snapshot = Snapshot(text: text, state: state)
            entries.withLock { entries in
                if entries.byID.updateValue(snapshot, forKey: state.id) != nil { return }
                if entries.order.count < capacity {
                    entries.order.append(state.id)
                } else {
                    entries.byID[entries.order[entries.next]] = nil
                    entries.order[entries.next] = state.id
                    entries.next = (entries.next + 1) % capacity
                }
            }
        }

        /// The state kept for a parcel, if it was written as `text`.
        public func recall(_ id: String, text: String) -> Snapshot? {
            guard let kept = entries.withLock({ $0.byID[id] }), kept.text == text else { return nil }
            return kept
        }

        public var count: Int { entries.withLock { $0.byID.count } }
    }

    /// A parcel as `find` gives it, and whether it is still what was read before the transaction: the same stored
    /// snapshot as `known` (whose decoded state is then used rather than decoding the same text again), or, when
    /// there was none (`known` nil), still no parcel at all.
    public static func current(_ id: String, known: Snapshot?, on db: any SQLDatabase) async throws
        -> (found: (state: Parcel.State, preNo: String?)?, asKnown: Bool)
    {
        guard let row = try await db.raw("SELECT state, pre_no FROM cbec_parcels WHERE id = \(bind: id)").first() else {
            return (nil, known == nil)
        }
        guard let known, try row.decode(column: "state", as: String.self) == known.text else { return (try decode(row), false) }
        return ((known.state, try preNo(row)), true)
    }

    public static func find(invtNo: String, on db: any SQLDatabase) async throws -> (state: Parcel.State, preNo: String?)? {
        try await db.raw("SELECT state, pre_no FROM cbec_parcels WHERE invt_no = \(bind: invtNo)").first().map(decode)
    }

    /// Parcels in a status (or all), newest first.
    public static func list(status: Parcel.Status?, limit: Int, on db: any SQLDatabase) async throws -> [Parcel.State] {
        let rows: [any SQLRow]
        if let status {
            rows = try await db.raw(
                "SELECT state, pre_no FROM cbec_parcels WHERE status = \(bind: status.rawValue) ORDER BY first_received_at DESC, id LIMIT \(bind: limit)"
            ).all()
        } else {
            rows = try await db.raw("SELECT state, pre_no FROM cbec_parcels ORDER BY first_received_at DESC, id LIMIT \(bind: limit)").all()
        }
        return try rows.map { try decode($0).state }
    }

    /// Parcels still short of a document whose window has passed and that were not yet reported.
    public static func overdue(before: Date, limit: Int, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw(
            """
            SELECT id FROM cbec_parcels WHERE status IN ('awaiting-list', 'stored') AND missing_reported = 0
                AND first_received_at < \(bind: before.timestamp) ORDER BY first_received_at LIMIT \(bind: limit)
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
    }

    public static func counts(on db: any SQLDatabase) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try await db.raw("SELECT status, COUNT(*) AS n FROM cbec_parcels GROUP BY status").all() {
            result[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return result
    }

    /// Files a waybill under the key its list will name; returns the parcel already waiting for it, if any.
    public static func fileWaybill(_ waybill: Parcel.Waybill, at date: Date, on db: any SQLDatabase) async throws -> String? {
        try await WaybillQueue.file(waybill, key: waybill.key, in: "cbec_waybills", at: date, on: db)
    }

    /// Files the parcel a list belongs to under its waybill key; returns the waybill that came first, if any.
    public static func claimWaybill(_ key: String, for parcel: String, on db: any SQLDatabase) async throws -> Parcel.Waybill? {
        try await WaybillQueue.claim(key, for: parcel, in: "cbec_waybills", as: Parcel.Waybill.self, on: db)
    }

    /// What a buyer has bought this year.
    public static func used(buyer: String, year: Int, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT used_fen FROM cbec_quota WHERE buyer_key = \(bind: buyer) AND year = \(bind: year)").first()?
            .decode(column: "used_fen", as: Int64.self) ?? 0
    }

    /// Adds to a buyer's year, or returns false when that would pass `limit`. The check and the increment are one
    /// statement, so two parcels racing on any node can never together exceed the limit.
    public static func charge(buyer: String, year: Int, fen: Int64, limit: Int64, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw(
            """
            INSERT INTO cbec_quota (buyer_key, year, used_fen) VALUES (\(bind: buyer), \(bind: year), 0)
            ON CONFLICT (buyer_key, year) DO NOTHING
            """
        ).run()
        return try await db.raw(
            """
            UPDATE cbec_quota SET used_fen = used_fen + \(bind: fen)
            WHERE buyer_key = \(bind: buyer) AND year = \(bind: year) AND used_fen + \(bind: fen) <= \(bind: limit)
            RETURNING used_fen
            """
        ).first() != nil
    }

    /// Gives a value back to a buyer's year (a return, a cancellation, a refusal after review).
    public static func refund(buyer: String, year: Int, fen: Int64, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            UPDATE cbec_quota SET used_fen = CASE WHEN used_fen > \(bind: fen) THEN used_fen - \(bind: fen) ELSE 0 END
            WHERE buyer_key = \(bind: buyer) AND year = \(bind: year)
            """
        ).run()
    }
}

/// Secrets the platform makes for itself once and keeps (the key that hashes ID numbers).
public enum PlatformSecrets {
    public static func secret(_ name: String, make: () -> String, at date: Date, on db: any SQLDatabase) async throws -> String {
        try await db.raw(
            """
            INSERT INTO platform_secrets (name, secret, created_at) VALUES (\(bind: name), \(bind: make()), \(bind: date.timestamp))
            ON CONFLICT (name) DO NOTHING
            """
        ).run()
        return try await db.raw("SELECT secret FROM platform_secrets WHERE name = \(bind: name)").first()!
            .decode(column: "secret", as: String.self)
    }
}
