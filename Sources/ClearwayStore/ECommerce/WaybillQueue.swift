import ClearwayCore
import Foundation
import SQLKit

/// Waybills that come before the list naming them, kept under the key the list will name (`cbec_waybills` for
/// imports, `export_waybills` for exports): whichever of the two arrives second finds the first, in one statement.
enum WaybillQueue {
    /// Files a waybill; returns the parcel already waiting for it, if any.
    static func file<Waybill: Encodable>(_ waybill: Waybill, key: String, in table: String, at date: Date, on db: any SQLDatabase)
        async throws -> String?
    {
        let json = try CanonicalJSON.encoder().encodeToString(waybill)
        // One statement: a list filing its key at the same moment either sees this waybill or is seen by it.
        let row = try await db.raw(
            """
            INSERT INTO \(unsafeRaw: table) (waybill_key, document, received_at) VALUES (\(bind: key), \(bind: json), \(bind: date.timestamp))
            ON CONFLICT (waybill_key) DO UPDATE SET document = excluded.document, received_at = excluded.received_at
            RETURNING parcel_id
            """
        ).first()
        return try row.flatMap { try $0.decodeNil(column: "parcel_id") ? nil : try $0.decode(column: "parcel_id", as: String.self) }
    }

    /// Files the parcel a list belongs to under its waybill key; returns the waybill that came first, if any.
    static func claim<Waybill: Decodable>(_ key: String, for parcel: String, in table: String, as type: Waybill.Type,
                                          on db: any SQLDatabase) async throws -> Waybill? {
        let row = try await db.raw(
            """
            INSERT INTO \(unsafeRaw: table) (waybill_key, parcel_id) VALUES (\(bind: key), \(bind: parcel))
            ON CONFLICT (waybill_key) DO UPDATE SET parcel_id = excluded.parcel_id
            RETURNING document
            """
        ).first()
        guard let row, !(try row.decodeNil(column: "document")) else { return nil }
        return try CanonicalJSON.decoder().decode(type, from: Data(try row.decode(column: "document", as: String.self).utf8))
    }
}
