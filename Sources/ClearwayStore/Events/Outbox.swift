import ClearwayCore
import Foundation
import SQLKit

/// Side effects waiting to leave the platform, written in the same transaction as the events that cause them.
public enum Outbox {
    /// Queues stored events as messages on topics `<stream type>.<event name>`, in one statement. A message keeps its
    /// event's position, not a copy of the event: its envelope is built from the event when it is read.
    static func enqueue(_ events: [StoredEvent], on db: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        var insert = SQLQueryString("INSERT INTO outbox (event_position, stream_id, topic, created_at) VALUES ")
        for (index, event) in events.enumerated() {
            if index > 0 { insert.appendLiteral(", ") }
            insert += """
                (\(bind: event.position), \(bind: event.streamID), \(bind: "\(event.streamType).\(event.name)"), \(bind: event.occurredAt))
                """
        }
        try await db.raw(insert).run()
    }

    /// Places up to `limit` messages (all when nil) committed since the last time, after every place given before: the
    /// order subscribers read in (`WebhookTables.messages`; see `Placement`).
    public static func place(limit: Int? = nil, on db: any SQLDatabase) async throws {
        try await Placement.place("outbox", limit: limit, on: db)
    }

    /// True when committed messages wait for their places.
    public static func waiting(on db: any SQLDatabase) async throws -> Bool { try await Placement.waiting("outbox", on: db) }

    /// The columns of the event (table alias `e`, joined on `e.position = o.event_position`) a message's envelope
    /// is built from.
    static let envelopeColumns = "e.actor, e.name, e.occurred_at, e.payload, e.position, e.stream_id, e.stream_type, e.version"

    /// What a message carries: its event with stream, type, version and position, keys in canonical order.
    static func envelope(_ row: any SQLRow) throws -> String {
        let actor = try row.decode(column: "actor", as: String.self), name = try row.decode(column: "name", as: String.self)
        let occurredAt = try row.decode(column: "occurred_at", as: String.self), payload = try row.decode(column: "payload", as: String.self)
        let position = try row.decode(column: "position", as: Int64.self), stream = try row.decode(column: "stream_id", as: String.self)
        let type = try row.decode(column: "stream_type", as: String.self), version = try row.decode(column: "version", as: Int.self)
        return """
            {"actor":\(actor),"name":"\(name)","occurredAt":"\(occurredAt)","payload":\(payload),\
            "position":\(position),"stream":"\(stream)","type":"\(type)","version":\(version)}
            """
    }

    /// A message waiting in the outbox.
    public struct Message: Sendable, Equatable {
        public var id: Int64
        public var eventPosition: Int64
        public var topic: String
        public var payload: String
    }

    /// Messages not yet delivered, oldest first.
    public static func pending(limit: Int, on db: any SQLDatabase) async throws -> [Message] {
        try await db.raw(
            """
            SELECT o.id, o.event_position, o.topic, \(unsafeRaw: envelopeColumns) FROM outbox o
            JOIN events e ON e.position = o.event_position WHERE o.delivered_at IS NULL ORDER BY o.id LIMIT \(bind: limit)
            """
        ).all().map { row in
            Message(
                id: try row.decode(column: "id", as: Int64.self),
                eventPosition: try row.decode(column: "event_position", as: Int64.self),
                topic: try row.decode(column: "topic", as: String.self),
                payload: try envelope(row))
        }
    }
}
