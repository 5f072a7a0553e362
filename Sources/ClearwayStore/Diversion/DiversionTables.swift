import ClearwayCore
import Foundation
import SQLKit

/// Each port's inspection sites, which are out of service, and the boxes on the diversion board.
public enum DiversionTables {
    public static func replaceNetworks(_ networks: [DiversionNetwork], on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM diversion_networks").run()
        let encoder = CanonicalJSON.encoder()
        for network in networks {
            let json = String(decoding: try encoder.encode(network), as: UTF8.self)
            try await db.raw("INSERT INTO diversion_networks (port, network) VALUES (\(bind: network.port), \(bind: json))").run()
        }
    }

    public static func networks(on db: any SQLDatabase) async throws -> [DiversionNetwork] {
        let decoder = CanonicalJSON.decoder()
        return try await db.raw("SELECT network FROM diversion_networks ORDER BY port").all().map {
            try decoder.decode(DiversionNetwork.self, from: Data(try $0.decode(column: "network", as: String.self).utf8))
        }
    }

    /// A site's service status as last set.
    public struct SiteStatus: Sendable, Equatable {
        public var site: String
        public var down: Bool
        public var reason: String?
        public var changedBy: String
        public var changedAt: Date
        public init(site: String, down: Bool, reason: String?, changedBy: String, changedAt: Date) {
            self.site = site
            self.down = down
            self.reason = reason
            self.changedBy = changedBy
            self.changedAt = changedAt
        }
    }

    public static func setStatus(_ status: SiteStatus, port: String, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO inspection_site_status (site, port, down, reason, changed_by, changed_at)
            VALUES (\(bind: status.site), \(bind: port), \(bind: status.down ? 1 : 0), \(bind: status.reason),
                \(bind: status.changedBy), \(bind: status.changedAt.timestamp))
            ON CONFLICT (site) DO UPDATE SET down = excluded.down, reason = excluded.reason,
                changed_by = excluded.changed_by, changed_at = excluded.changed_at
            """
        ).run()
    }

    public static func statuses(port: String, on db: any SQLDatabase) async throws -> [String: SiteStatus] {
        let rows = try await db.raw(
            "SELECT site, down, reason, changed_by, changed_at FROM inspection_site_status WHERE port = \(bind: port)").all()
        var result: [String: SiteStatus] = [:]
        for row in rows {
            let site = try row.decode(column: "site", as: String.self)
            result[site] = SiteStatus(
                site: site, down: try row.decode(column: "down", as: Int.self) == 1,
                reason: try row.decode(column: "reason", as: String?.self),
                changedBy: try row.decode(column: "changed_by", as: String.self),
                changedAt: Timestamp.parse(try row.decode(column: "changed_at", as: String.self)) ?? .distantPast)
        }
        return result
    }

    public static func upsert(_ state: DiversionBox.State, on db: any SQLDatabase) async throws {
        guard let queued = state.queued, let queuedAt = state.queuedAt else { return }
        let json = try CanonicalJSON.encoder(sorted: false).encodeToString(state)
        try await db.raw(
            """
            INSERT INTO diversion_boxes (id, port, declaration_id, order_no, container, status, site, slot_start,
                green_channel, queued_at, returned_at, state)
            VALUES (\(bind: state.id), \(bind: queued.port), \(bind: queued.declarationID), \(bind: queued.order),
                \(bind: queued.container.rawValue), \(bind: state.status.rawValue), \(bind: state.slot?.site),
                \(bind: state.slot?.start.timestamp), \(bind: queued.greenChannel ? 1 : 0), \(bind: queuedAt.timestamp),
                \(bind: state.returnedAt?.timestamp), \(bind: json))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, site = excluded.site, slot_start = excluded.slot_start,
                returned_at = excluded.returned_at, state = excluded.state
            """
        ).run()
    }

    public static func find(_ id: String, on db: any SQLDatabase) async throws -> DiversionBox.State? {
        try await states(SQLQueryString("SELECT state FROM diversion_boxes WHERE id = \(bind: id)"), on: db).first
    }

    /// Boxes of a port, optionally at one site and in some statuses, in slot order (unslotted last, oldest first).
    public static func boxes(port: String?, site: String?, statuses: [DiversionBox.Status]?, declarations: [String]? = nil,
                             limit: Int = 1000, on db: any SQLDatabase) async throws -> [DiversionBox.State] {
        var sql = SQLQueryString("SELECT state FROM diversion_boxes WHERE 1 = 1")
        if let port { sql += " AND port = \(bind: port)" }
        if let site { sql += " AND site = \(bind: site)" }
        if let declarations {
            guard !declarations.isEmpty else { return [] }
            sql += " AND declaration_id IN ("
            for (i, id) in declarations.enumerated() { sql += i == 0 ? "\(bind: id)" : ", \(bind: id)" }
            sql += ")"
        }
        if let statuses {
            sql += " AND status IN ("
            for (i, status) in statuses.enumerated() { sql += i == 0 ? "\(bind: status.rawValue)" : ", \(bind: status.rawValue)" }
            sql += ")"
        }
        sql += " ORDER BY CASE WHEN slot_start IS NULL THEN 1 ELSE 0 END, slot_start, green_channel DESC, queued_at, id"
        sql += " LIMIT \(bind: limit)"
        return try await states(sql, on: db)
    }

    static func states(_ sql: SQLQueryString, on db: any SQLDatabase) async throws -> [DiversionBox.State] {
        let decoder = CanonicalJSON.decoder()
        return try await db.raw(sql).all().map {
            try decoder.decode(DiversionBox.State.self, from: Data(try $0.decode(column: "state", as: String.self).utf8))
        }
    }

    /// Where each container stands and since when it is at the port: its latest discharge or gate-in.
    public static func positions(of containers: [String], on db: any SQLDatabase) async throws
        -> [String: (at: Date, location: String?)]
    {
        guard !containers.isEmpty else { return [:] }
        var result: [String: (at: Date, location: String?)] = [:]
        // Chunked so the IN list stays within every database's parameter limit.
        for start in stride(from: 0, to: containers.count, by: 500) {
            let chunk = containers[start..<min(start + 500, containers.count)]
            var sql = SQLQueryString("SELECT container, occurred_at, location FROM port_events WHERE kind IN ('discharged', 'gated-in') AND container IN (")
            for (i, container) in chunk.enumerated() { sql += i == 0 ? "\(bind: container)" : ", \(bind: container)" }
            sql += ") ORDER BY id"
            for row in try await db.raw(sql).all() {
                let container = try row.decode(column: "container", as: String.self)
                guard let at = Timestamp.parse(try row.decode(column: "occurred_at", as: String.self)) else { continue }
                let location = try row.decode(column: "location", as: String?.self)
                result[container] = (at, location ?? result[container]?.location)
            }
        }
        return result
    }

    /// The ports with a box of this container still waiting for a slot or planned.
    public static func ports(waitingFor container: String, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw(
            """
            SELECT DISTINCT port FROM diversion_boxes WHERE container = \(bind: container) AND status IN ('awaiting', 'planned')
            ORDER BY port
            """
        ).all().map { try $0.decode(column: "port", as: String.self) }
    }

    /// When the last of a declaration's inspected boxes was back in the flow, if all of them are.
    public static func backInFlow(declaration: String, on db: any SQLDatabase) async throws -> Date? {
        let row = try await db.raw(
            """
            SELECT COUNT(*) AS n, SUM(CASE WHEN status = 'returned' THEN 1 ELSE 0 END) AS back, MAX(returned_at) AS last
            FROM diversion_boxes WHERE declaration_id = \(bind: declaration) AND status <> 'withdrawn'
            """
        ).first()
        guard let row, let n = try row.decode(column: "n", as: Int?.self), n > 0,
              try row.decode(column: "back", as: Int?.self) == n
        else { return nil }
        return try row.decode(column: "last", as: String?.self).flatMap(Timestamp.parse)
    }
}
