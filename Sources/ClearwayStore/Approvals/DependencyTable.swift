import ClearwayCore
import Foundation
import SQLKit

/// Outside systems the platform depends on (an agency's approval system, the bank) and whether each is down now.
public enum DependencyTable {
    public struct Status: Sendable, Equatable {
        public var name: String
        public var down: Bool
        public var reason: String?
        public var since: Date
        public var changedBy: String
        public init(name: String, down: Bool, reason: String?, since: Date, changedBy: String) {
            self.name = name
            self.down = down
            self.reason = reason
            self.since = since
            self.changedBy = changedBy
        }
    }

    public static func set(_ status: Status, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO dependencies (name, down, reason, since, changed_by)
            VALUES (\(bind: status.name), \(bind: status.down ? 1 : 0), \(bind: status.reason), \(bind: status.since.timestamp),
                \(bind: status.changedBy))
            ON CONFLICT (name) DO UPDATE SET down = excluded.down, reason = excluded.reason, since = excluded.since,
                changed_by = excluded.changed_by
            """
        ).run()
    }

    public static func all(on db: any SQLDatabase) async throws -> [Status] {
        try await db.raw("SELECT name, down, reason, since, changed_by FROM dependencies ORDER BY name").all().map { row in
            Status(name: try row.decode(column: "name", as: String.self), down: try row.decode(column: "down", as: Int.self) == 1,
                   reason: try row.decode(column: "reason", as: String?.self),
                   since: Timestamp.parse(try row.decode(column: "since", as: String.self)) ?? .distantPast,
                   changedBy: try row.decode(column: "changed_by", as: String.self))
        }
    }
}
