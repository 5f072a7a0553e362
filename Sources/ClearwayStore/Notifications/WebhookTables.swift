import ClearwayCore
import Foundation
import SQLKit

/// Webhook subscriptions with their delivery position in the outbox, leases so one node delivers each at a time,
/// and the log of every attempt.
public enum WebhookTables {
    public struct Subscription: Sendable, Equatable {
        public var id: String
        /// The party whose events it receives; nil for an administrator's subscription to everything.
        public var partyID: String?
        public var ownerUser: String
        public var url: String
        public var secret: String
        public var topics: [String]
        /// The place (`Outbox.place`) of the last message delivered (or skipped as not matching).
        public var position: Int64
        public var failures: Int
        public var nextAttemptAt: Date?
        public var lastError: String?
        public var createdAt: Date
        public var active: Bool
        public init(id: String, partyID: String?, ownerUser: String, url: String, secret: String, topics: [String], position: Int64,
                    createdAt: Date) {
            self.id = id
            self.partyID = partyID
            self.ownerUser = ownerUser
            self.url = url
            self.secret = secret
            self.topics = topics
            self.position = position
            failures = 0
            self.createdAt = createdAt
            active = true
        }
    }

    public static func insert(_ s: Subscription, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO webhook_subscriptions (id, party_id, owner_user, url, secret, topics, position, failures, created_at, active)
            VALUES (\(bind: s.id), \(bind: s.partyID), \(bind: s.ownerUser), \(bind: s.url), \(bind: s.secret),
                \(bind: s.topics.joined(separator: " ")), \(bind: s.position), 0, \(bind: s.createdAt.timestamp), 1)
            """
        ).run()
    }

    static let columns: SQLQueryString =
        "SELECT id, party_id, owner_user, url, secret, topics, position, failures, next_attempt_at, last_error, created_at, active FROM webhook_subscriptions"

    static func subscriptions(_ sql: SQLQueryString, on db: any SQLDatabase) async throws -> [Subscription] {
        try await db.raw(sql).all().map { row in
            var s = Subscription(
                id: try row.decode(column: "id", as: String.self), partyID: try row.decode(column: "party_id", as: String?.self),
                ownerUser: try row.decode(column: "owner_user", as: String.self), url: try row.decode(column: "url", as: String.self),
                secret: try row.decode(column: "secret", as: String.self),
                topics: try row.decode(column: "topics", as: String.self).split(separator: " ").map(String.init),
                position: try row.decode(column: "position", as: Int64.self),
                createdAt: Timestamp.parse(try row.decode(column: "created_at", as: String.self)) ?? .distantPast)
            s.failures = try row.decode(column: "failures", as: Int.self)
            s.nextAttemptAt = try row.decode(column: "next_attempt_at", as: String?.self).flatMap(Timestamp.parse)
            s.lastError = try row.decode(column: "last_error", as: String?.self)
            s.active = try row.decode(column: "active", as: Int.self) == 1
            return s
        }
    }

    public static func find(_ id: String, on db: any SQLDatabase) async throws -> Subscription? {
        try await subscriptions(columns + " WHERE id = \(bind: id)", on: db).first
    }

    /// Active subscriptions of a party (every one when nil).
    public static func list(party: String?, on db: any SQLDatabase) async throws -> [Subscription] {
        var sql = columns + " WHERE active = 1"
        if let party { sql += " AND party_id = \(bind: party)" }
        return try await subscriptions(sql + " ORDER BY created_at, id", on: db)
    }

    public static func deactivate(_ id: String, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE webhook_subscriptions SET active = 0 WHERE id = \(bind: id)").run()
    }

    /// Delivers again from place `from` on: everything after `from - 1`.
    public static func rewind(_ id: String, to position: Int64, on db: any SQLDatabase) async throws {
        try await db.raw(
            "UPDATE webhook_subscriptions SET position = \(bind: position), failures = 0, next_attempt_at = NULL WHERE id = \(bind: id)"
        ).run()
    }

    /// The newest message's place, where a new subscription starts.
    public static func head(on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT MAX(published) AS head FROM outbox").first()?.decode(column: "head", as: Int64?.self) ?? 0
    }

    /// Leases the subscriptions due for delivery to this caller until `until`; a lease another node holds is skipped,
    /// and a lease that ran out (its node died) is taken over. One conditional UPDATE per row, so on any database two
    /// nodes never both hold one.
    /// Leases due subscriptions to this node's worker. On PostgreSQL the rows another node's worker is leasing right now
    /// are skipped (`FOR UPDATE SKIP LOCKED`) rather than waited for; the conditional update below is the guard on both.
    public static func lease(now: Date, until: Date, limit: Int, on db: any SQLDatabase) async throws -> [Subscription] {
        let due = try await subscriptions(
            columns + """
                 WHERE active = 1 AND (next_attempt_at IS NULL OR next_attempt_at <= \(bind: now.timestamp))
                AND (leased_until IS NULL OR leased_until < \(bind: now.timestamp)) ORDER BY id LIMIT \(bind: limit)
                """ + Dialect.skipLocked(db), on: db)
        var leased: [Subscription] = []
        for s in due {
            let row = try await db.raw(
                """
                UPDATE webhook_subscriptions SET leased_until = \(bind: until.timestamp)
                WHERE id = \(bind: s.id) AND (leased_until IS NULL OR leased_until < \(bind: now.timestamp)) RETURNING id
                """
            ).first()
            if row != nil { leased.append(s) }
        }
        return leased
    }

    /// An outbox message a subscription may receive.
    public struct Message: Sendable, Equatable {
        /// Its place, the id subscribers know it by.
        public var id: Int64
        public var topic: String
        public var streamID: String
        public var payload: String
    }

    /// The next messages placed after the subscription's position that concern its party (all, for an administrator's).
    public static func messages(for s: Subscription, limit: Int, on db: any SQLDatabase) async throws -> [Message] {
        var sql = SQLQueryString("""
            SELECT o.published AS id, o.topic, \(unsafeRaw: Outbox.envelopeColumns) FROM outbox o
            JOIN events e ON e.position = o.event_position WHERE o.published > \(bind: s.position)
            """)
        if let party = s.partyID {
            sql += """
                 AND (EXISTS (SELECT 1 FROM declarations d WHERE d.id = o.stream_id
                        AND (d.declarant_id = \(bind: party) OR d.trading_party_id = \(bind: party)))
                    OR EXISTS (SELECT 1 FROM appointments a WHERE a.id = o.stream_id AND a.party_id = \(bind: party))
                    OR EXISTS (SELECT 1 FROM quarantine_approvals q WHERE q.id = o.stream_id AND q.applicant_id = \(bind: party))
                    OR EXISTS (SELECT 1 FROM diversion_boxes b JOIN declarations d2 ON d2.id = b.declaration_id
                        WHERE b.id = o.stream_id AND (d2.declarant_id = \(bind: party) OR d2.trading_party_id = \(bind: party)))
                    OR EXISTS (SELECT 1 FROM cbec_parcels c JOIN parties p ON p.id = \(bind: party)
                        WHERE c.id = o.stream_id AND p.customs_code IN (c.ebp_code, c.agent_code))
                    OR EXISTS (SELECT 1 FROM tax_bills t JOIN parties p2 ON p2.id = \(bind: party)
                        WHERE t.id = o.stream_id AND p2.customs_code = t.assure_code))
                """
        }
        sql += " ORDER BY o.published LIMIT \(bind: limit)"
        return try await db.raw(sql).all().map { row in
            Message(id: try row.decode(column: "id", as: Int64.self), topic: try row.decode(column: "topic", as: String.self),
                    streamID: try row.decode(column: "stream_id", as: String.self), payload: try Outbox.envelope(row))
        }
    }

    /// After a round: the new position, the failure count and when to try again, and the lease let go.
    public static func settle(_ id: String, position: Int64, failures: Int, nextAttemptAt: Date?, lastError: String?,
                              on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            UPDATE webhook_subscriptions SET position = \(bind: position), failures = \(bind: failures),
                next_attempt_at = \(bind: nextAttemptAt?.timestamp), last_error = \(bind: lastError), leased_until = NULL
            WHERE id = \(bind: id)
            """
        ).run()
    }

    /// One delivery attempt, for the subscriber's log.
    public struct Attempt: Sendable, Equatable {
        public var outboxID: Int64
        public var at: Date
        public var delivered: Bool
        public var httpStatus: Int?
        public var error: String?
        public init(outboxID: Int64, at: Date, delivered: Bool, httpStatus: Int?, error: String?) {
            self.outboxID = outboxID
            self.at = at
            self.delivered = delivered
            self.httpStatus = httpStatus
            self.error = error
        }
    }

    public static func log(_ attempt: Attempt, subscription: String, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO webhook_deliveries (subscription_id, outbox_id, attempted_at, delivered, http_status, error)
            VALUES (\(bind: subscription), \(bind: attempt.outboxID), \(bind: attempt.at.timestamp), \(bind: attempt.delivered ? 1 : 0),
                \(bind: attempt.httpStatus), \(bind: attempt.error))
            """
        ).run()
    }

    public static func attempts(subscription: String, limit: Int, on db: any SQLDatabase) async throws -> [Attempt] {
        try await db.raw(
            """
            SELECT outbox_id, attempted_at, delivered, http_status, error FROM webhook_deliveries
            WHERE subscription_id = \(bind: subscription) ORDER BY id DESC LIMIT \(bind: limit)
            """
        ).all().map { row in
            Attempt(outboxID: try row.decode(column: "outbox_id", as: Int64.self),
                    at: Timestamp.parse(try row.decode(column: "attempted_at", as: String.self)) ?? .distantPast,
                    delivered: try row.decode(column: "delivered", as: Int.self) == 1,
                    httpStatus: try row.decode(column: "http_status", as: Int?.self), error: try row.decode(column: "error", as: String?.self))
        }
    }
}
