import ClearwayCore
import Foundation
import SQLKit

/// Side effects waiting to leave the platform, written in the same transaction as the events that cause them.
public enum Outbox {
    /// Queues stored events as messages on topics `<stream type>.<event name>`, in one statement.
    static func enqueue(_ events: [StoredEvent], on db: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        var insert = SQLQueryString("INSERT INTO outbox (event_position, stream_id, topic, payload, created_at) VALUES ")
        for (index, event) in events.enumerated() {
            let envelope = """
                {"actor":\(event.actor),"name":"\(event.name)","occurredAt":"\(event.occurredAt)","payload":\(event.payload),\
                "position":\(event.position),"stream":"\(event.streamID)","type":"\(event.streamType)","version":\(event.version)}
                """
            if index > 0 { insert.appendLiteral(", ") }
            insert += """
                (\(bind: event.position), \(bind: event.streamID), \(bind: "\(event.streamType).\(event.name)"), \(bind: envelope), \
                \(bind: event.occurredAt))
                """
        }
        try await db.raw(insert).run()
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
            SELECT id, event_position, topic, payload FROM outbox WHERE delivered_at IS NULL
            ORDER BY id LIMIT \(bind: limit)
            """
        ).all().map { row in
            Message(
                id: try row.decode(column: "id", as: Int64.self),
                eventPosition: try row.decode(column: "event_position", as: Int64.self),
                topic: try row.decode(column: "topic", as: String.self),
                payload: try row.decode(column: "payload", as: String.self))
        }
    }
}
