import ClearwayCore
import Foundation
import SQLKit

/// An event about to be appended: its name, domain time, actor and payload, already encoded.
public struct NewEvent: Sendable {
    public var name: String
    public var occurredAt: Date
    public var actor: Principal
    public var payload: Data

    /// - Parameter reusing: values the payload may contain that were encoded before (see `EncodedValue`).
    public init<E: DomainEvent>(_ event: E, reusing: [EncodedValue] = []) throws {
        name = event.name
        occurredAt = event.at
        actor = event.by
        payload = try event.encodePayload(with: CanonicalJSON.encoder(reusing: reusing))
    }
}

/// An event as stored, with its global position and place in the hash chain.
public struct StoredEvent: Sendable, Equatable {
    public var position: Int64
    public var streamID: String
    public var streamType: String
    public var version: Int
    public var name: String
    public var occurredAt: String
    public var actor: String
    public var payload: String
    public var previousHash: String
    public var hash: String

    public func decode<E: DomainEvent>(as type: E.Type) throws -> E {
        try E(name: name, payload: Data(payload.utf8), decoder: CanonicalJSON.decoder())
    }

    public var principal: Principal? { try? CanonicalJSON.decoder().decode(Principal.self, from: Data(actor.utf8)) }

    var link: EventChain.Link {
        .init(
            position: position, streamID: streamID, version: version, name: name, occurredAt: occurredAt,
            actor: actor, payload: payload, previousHash: previousHash, hash: hash)
    }
}

/// Append-only event streams with optimistic concurrency and a SHA-256 chain per stream.
public enum EventStore {
    static let columns = "position, stream_id, stream_type, version, name, occurred_at, actor, payload, prev_hash, hash"

    /// Every event of one stream, oldest first.
    public static func load(stream streamID: String, on db: any SQLDatabase) async throws -> [StoredEvent] {
        try await db.raw(
            "SELECT \(unsafeRaw: columns) FROM events WHERE stream_id = \(bind: streamID) ORDER BY version"
        ).all().map(decodeRow)
    }

    /// Streams of one type changed after `position`, each once with its latest position, oldest change first; what
    /// live pages follow. Positions are assigned at insert, so one committed late can sit behind a later one: callers
    /// re-read a window behind their last position and treat what they get as "look again", never as the change itself.
    public static func changedStreams(type: String, after position: Int64, limit: Int, on db: any SQLDatabase) async throws
        -> [(streamID: String, position: Int64)]
    {
        try await db.raw("""
            SELECT stream_id, MAX(position) AS last FROM events
            WHERE stream_type = \(bind: type) AND position > \(bind: position)
            GROUP BY stream_id ORDER BY last LIMIT \(bind: limit)
            """).all().map { row in
            (try row.decode(column: "stream_id", as: String.self), try row.decode(column: "last", as: Int64.self))
        }
    }

    /// The position of the newest event, 0 when there is none.
    public static func latestPosition(on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT COALESCE(MAX(position), 0) AS last FROM events").first()?.decode(column: "last", as: Int64.self) ?? 0
    }

    /// Appends `events` to a stream that must be at `expectedVersion`, inside the caller's transaction.
    ///
    /// A stream that moved on is a ``StoreError/versionConflict(stream:expected:actual:)``: the caller's
    /// transaction rolls back and nothing is written. Each event is also queued in the outbox under `topic.name`.
    @discardableResult
    public static func append(
        stream streamID: String, type streamType: String, expectedVersion: Int, events: [NewEvent],
        on db: any SQLDatabase
    ) async throws -> [StoredEvent] {
        guard !events.isEmpty else { return [] }
        // A new stream has nothing to read: its chain starts at genesis, and a stream that exists after all is caught
        // by the unique (stream, version) index below.
        var previous = EventChain.genesis
        if expectedVersion > 0 {
            let head = try await db.raw(
                "SELECT version, hash FROM events WHERE stream_id = \(bind: streamID) ORDER BY version DESC LIMIT 1"
            ).first()
            let currentVersion = try head?.decode(column: "version", as: Int.self) ?? 0
            guard currentVersion == expectedVersion else {
                throw StoreError.versionConflict(stream: streamID, expected: expectedVersion, actual: currentVersion)
            }
            previous = try head?.decode(column: "hash", as: String.self) ?? EventChain.genesis
        }
        let encoder = CanonicalJSON.encoder()
        var stored: [StoredEvent] = []
        var actors: [(Principal, String)] = []
        for (offset, event) in events.enumerated() {
            let version = expectedVersion + offset + 1
            // The events of one decision have one or two actors (the declarant and the system): each encoded once.
            let actor: String
            if let known = actors.first(where: { $0.0 == event.actor }) {
                actor = known.1
            } else {
                actor = String(decoding: try encoder.encode(event.actor), as: UTF8.self)
                actors.append((event.actor, actor))
            }
            let payload = String(decoding: event.payload, as: UTF8.self)
            let occurredAt = event.occurredAt.timestamp
            let hash = EventChain.hash(
                previous: previous, streamID: streamID, version: version, name: event.name, occurredAt: occurredAt,
                actor: actor, payload: payload)
            stored.append(StoredEvent(
                position: 0, streamID: streamID, streamType: streamType, version: version, name: event.name,
                occurredAt: occurredAt, actor: actor, payload: payload, previousHash: previous, hash: hash))
            previous = hash
        }
        // All the events in one statement, their positions returned in insertion order.
        var insert = SQLQueryString(
            "INSERT INTO events (stream_id, stream_type, version, name, occurred_at, actor, payload, prev_hash, hash) VALUES ")
        for (index, event) in stored.enumerated() {
            if index > 0 { insert.appendLiteral(", ") }
            insert += """
                (\(bind: streamID), \(bind: streamType), \(bind: event.version), \(bind: event.name), \(bind: event.occurredAt), \
                \(bind: event.actor), \(bind: event.payload), \(bind: event.previousHash), \(bind: event.hash))
                """
        }
        insert.appendLiteral(" RETURNING position, version")
        // On PostgreSQL the events, their outbox messages and the notice to listening nodes go in one statement.
        let queued = Dialect.appendingWithOutbox(insert, on: db)
        let rows: [any SQLRow]
        do {
            rows = try await db.raw(queued ?? insert).all()
        } catch where Dialect.isUniqueViolation(error) {
            // Another node appended between our read and our insert, or the new stream was not new.
            throw StoreError.versionConflict(stream: streamID, expected: expectedVersion, actual: expectedVersion + 1)
        }
        var positions: [Int: Int64] = [:]
        for row in rows { positions[try row.decode(column: "version", as: Int.self)] = try row.decode(column: "position", as: Int64.self) }
        for index in stored.indices { stored[index].position = positions[stored[index].version] ?? 0 }
        if queued == nil { try await Outbox.enqueue(stored, on: db) }
        return stored
    }

    /// Recomputes every stream's chain and returns the first break, or nil when all hold, with the number of events read.
    public static func verifyAll(on db: any SQLDatabase) async throws -> (events: Int, break: EventChain.Break?) {
        let rows = try await db.raw(
            "SELECT \(unsafeRaw: columns) FROM events ORDER BY stream_id, version"
        ).all().map(decodeRow)
        var firstBreak: EventChain.Break?
        var start = rows.startIndex
        while start < rows.endIndex {
            var end = start
            while end < rows.endIndex && rows[end].streamID == rows[start].streamID { end += 1 }
            if let found = EventChain.verify(stream: rows[start..<end].map(\.link)),
                firstBreak == nil || found.position < firstBreak!.position
            {
                firstBreak = found
            }
            start = end
        }
        return (rows.count, firstBreak)
    }

    static func decodeRow(_ row: any SQLRow) throws -> StoredEvent {
        StoredEvent(
            position: try row.decode(column: "position", as: Int64.self),
            streamID: try row.decode(column: "stream_id", as: String.self),
            streamType: try row.decode(column: "stream_type", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            name: try row.decode(column: "name", as: String.self),
            occurredAt: try row.decode(column: "occurred_at", as: String.self),
            actor: try row.decode(column: "actor", as: String.self),
            payload: try row.decode(column: "payload", as: String.self),
            previousHash: try row.decode(column: "prev_hash", as: String.self),
            hash: try row.decode(column: "hash", as: String.self))
    }
}
