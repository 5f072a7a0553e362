import ClearwayCore
import Foundation
import SQLKit

/// Appointment slots with their counters, and appointments as lists and reminder queues read them.
public enum AppointmentTables {
    /// Takes one place in a slot, or returns false when it is full. The conditional increment is one statement, so
    /// concurrent bookings on any node can never together exceed the capacity.
    public static func take(site: String, start: Date, capacity: Int, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw(
            """
            INSERT INTO appointment_slots (site, slot_start, capacity, booked) VALUES (\(bind: site), \(bind: start.timestamp),
                \(bind: capacity), 0)
            ON CONFLICT (site, slot_start) DO UPDATE SET capacity = excluded.capacity
            """
        ).run()
        let row = try await db.raw(
            """
            UPDATE appointment_slots SET booked = booked + 1
            WHERE site = \(bind: site) AND slot_start = \(bind: start.timestamp) AND booked < capacity
            RETURNING booked
            """
        ).first()
        return row != nil
    }

    /// Gives a place back (a cancellation or a move away).
    public static func release(site: String, start: Date, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            UPDATE appointment_slots SET booked = booked - 1
            WHERE site = \(bind: site) AND slot_start = \(bind: start.timestamp) AND booked > 0
            """
        ).run()
    }

    /// Places taken per slot start of a site in `[from, to)`.
    public static func booked(site: String, from: Date, to: Date, on db: any SQLDatabase) async throws -> [Date: Int] {
        let rows = try await db.raw(
            """
            SELECT slot_start, booked FROM appointment_slots
            WHERE site = \(bind: site) AND slot_start >= \(bind: from.timestamp) AND slot_start < \(bind: to.timestamp)
            """
        ).all()
        var result: [Date: Int] = [:]
        for row in rows {
            if let start = Timestamp.parse(try row.decode(column: "slot_start", as: String.self)) {
                result[start] = try row.decode(column: "booked", as: Int.self)
            }
        }
        return result
    }

    public static func upsert(_ state: Appointment.State, on db: any SQLDatabase) async throws {
        guard let booking = state.booking else { return }
        let json = try CanonicalJSON.encoder(sorted: false).encodeToString(state)
        try await db.raw(
            """
            INSERT INTO appointments (id, party_id, site, slot_start, status, reminded, state)
            VALUES (\(bind: state.id), \(bind: booking.party), \(bind: booking.site), \(bind: booking.start.timestamp),
                \(bind: state.status.rawValue), \(bind: state.remindedAt == nil ? 0 : 1), \(bind: json))
            ON CONFLICT (id) DO UPDATE SET site = excluded.site, slot_start = excluded.slot_start, status = excluded.status,
                reminded = excluded.reminded, state = excluded.state
            """
        ).run()
    }

    public static func find(_ id: String, on db: any SQLDatabase) async throws -> Appointment.State? {
        try await states(SQLQueryString("SELECT state FROM appointments WHERE id = \(bind: id)"), on: db).first
    }

    /// Appointments by slot time, of one party and/or one site, in `[from, to)`.
    public static func list(party: String?, site: String?, from: Date?, to: Date?, limit: Int, on db: any SQLDatabase) async throws
        -> [Appointment.State]
    {
        var sql = SQLQueryString("SELECT state FROM appointments WHERE 1 = 1")
        if let party { sql += " AND party_id = \(bind: party)" }
        if let site { sql += " AND site = \(bind: site)" }
        if let from { sql += " AND slot_start >= \(bind: from.timestamp)" }
        if let to { sql += " AND slot_start < \(bind: to.timestamp)" }
        sql += " ORDER BY slot_start, id LIMIT \(bind: limit)"
        return try await states(sql, on: db)
    }

    /// Booked appointments not yet reminded whose slot starts before `before`.
    public static func dueReminders(before: Date, limit: Int, on db: any SQLDatabase) async throws -> [Appointment.State] {
        try await states(SQLQueryString(
            """
            SELECT state FROM appointments WHERE status = 'booked' AND reminded = 0 AND slot_start <= \(bind: before.timestamp)
            ORDER BY slot_start, id LIMIT \(bind: limit)
            """), on: db)
    }

    static func states(_ sql: SQLQueryString, on db: any SQLDatabase) async throws -> [Appointment.State] {
        let decoder = CanonicalJSON.decoder()
        return try await db.raw(sql).all().map {
            try decoder.decode(Appointment.State.self, from: Data(try $0.decode(column: "state", as: String.self).utf8))
        }
    }
}
