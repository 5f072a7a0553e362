import ClearwayCore
import Foundation
import SQLKit

/// Every port event received, with what became of it: applied to which declarations, or refused and why.
public enum PortEventLog {
    /// One logged event.
    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var event: PortEvent
        public var outcome: String
        public var detail: String
        public var declarations: [String]
    }

    /// Logs an event with what became of it; a `voided` one (a version older than one received before) is logged as
    /// retracted from the start, so that no later lodgement applies it.
    public static func append(
        _ event: PortEvent, reportedBy: String, outcome: String, detail: String, declarations: [String], voided: Bool = false,
        at date: Date, on db: any SQLDatabase
    ) async throws -> Int64 {
        let row = try await db.raw(
            """
            INSERT INTO port_events (received_at, occurred_at, kind, container, means, voyage, bill_of_lading, source,
                external_id, reported_by, outcome, detail, declarations, location, at_ship_side, tally_normal, manifest,
                event_id, revised_at, retracted_at)
            VALUES (\(bind: date.timestamp), \(bind: event.at.timestamp), \(bind: event.kind.rawValue),
                \(bind: event.container?.rawValue), \(bind: event.means), \(bind: event.voyage), \(bind: event.billOfLading),
                \(bind: event.source), \(bind: event.externalID), \(bind: reportedBy), \(bind: outcome), \(bind: detail),
                \(bind: declarations.joined(separator: ",")), \(bind: event.location), \(bind: event.atShipSide ? 1 : 0),
                \(bind: event.tallyNormal.map { $0 ? 1 : 0 }), \(bind: event.manifest?.rawValue), \(bind: event.eventID),
                \(bind: event.revisedAt?.timestamp), \(bind: voided ? date.timestamp : nil))
            RETURNING id
            """
        ).first()
        return try row!.decode(column: "id", as: Int64.self)
    }
}

extension PortEventLog {
    /// Containers the users of one party (a terminal) reported events for since `since`, most recent first.
    public static func containers(reportedByPartyOf party: String, since: Date, limit: Int, on db: any SQLDatabase) async throws
        -> [String]
    {
        try await db.raw("""
            SELECT container, MAX(received_at) AS last FROM port_events
            WHERE container IS NOT NULL AND received_at >= \(bind: since.timestamp)
              AND reported_by IN (SELECT id FROM users WHERE party_id = \(bind: party))
            GROUP BY container ORDER BY last DESC LIMIT \(bind: limit)
            """).all().map { try $0.decode(column: "container", as: String.self) }
    }

    /// The events logged since `since` about the given container, conveyance and bill-of-lading keys, in the order
    /// they came: for a container every event (where it left the port matters), for the others those that matched
    /// nothing. Each event comes whole, with what its kind carries (a tally's result, which manifest, ship side).
    public static func logged(keys: [(kind: DeclarationKeys.Kind, value: String)], since: Date, on db: any SQLDatabase)
        async throws -> [LoggedPortEvent]
    {
        // One statement for all the keys (one round trip on PostgreSQL), each part going by its own index.
        var parts: [SQLQueryString] = []
        for (kind, value) in keys {
            let condition: SQLQueryString
            switch kind {
            case .container:
                condition = "container = \(bind: value)"
            case .billOfLading:
                condition = "outcome = 'unmatched' AND bill_of_lading = \(bind: value) AND container IS NULL"
            case .conveyance:
                let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                condition = "outcome = 'unmatched' AND UPPER(means) = \(bind: parts[0]) AND COALESCE(UPPER(voyage), '') = \(bind: parts.count > 1 ? parts[1] : "") AND container IS NULL"
            case .transferVehicle:
                continue  // no port event names the vehicle that carries goods inland
            }
            parts.append("""
                SELECT \(eventColumns) FROM port_events
                WHERE \(condition) AND occurred_at >= \(bind: since.timestamp) AND retracted_at IS NULL
                """)
        }
        guard !parts.isEmpty else { return [] }
        let rows = try await db.raw(parts.joined(separator: " UNION ALL ") + " ORDER BY id").all()
        var events: [Int64: LoggedPortEvent] = [:]
        for row in rows {
            guard let event = try Self.event(from: row) else { continue }
            // An event with both a conveyance and a bill of lading comes once for each.
            events[try row.decode(column: "id", as: Int64.self)] =
                LoggedPortEvent(event, matched: try row.decode(column: "outcome", as: String.self) != "unmatched")
        }
        return events.sorted { $0.key < $1.key }.map(\.value)
    }

    /// The declarations this container's events since `since` were recorded on or refused by.
    public static func declarations(container: String, since: Date, on db: any SQLDatabase) async throws -> [String] {
        let lists = try await db.raw("""
            SELECT declarations FROM port_events
            WHERE container = \(bind: container) AND received_at >= \(bind: since.timestamp) AND declarations <> ''
              AND retracted_at IS NULL
            """).all().map { try $0.decode(column: "declarations", as: String.self) }
        return Set(lists.flatMap { $0.split(separator: ",").map(String.init) }).sorted()
    }
}

extension PortEventLog {
    /// The columns an event is read back from.
    static let eventColumns: SQLQueryString = """
        id, occurred_at, kind, container, means, voyage, bill_of_lading, source, external_id, outcome, location,
        at_ship_side, tally_normal, manifest, declarations, event_id, revised_at
        """

    /// The event a logged row holds, whole; nil for a kind this version does not know.
    static func event(from row: any SQLRow) throws -> PortEvent? {
        guard let kind = PortEvent.Kind(rawValue: try row.decode(column: "kind", as: String.self)),
            let at = Timestamp.parse(try row.decode(column: "occurred_at", as: String.self))
        else { return nil }
        return PortEvent(
            kind: kind, at: at,
            container: try row.decode(column: "container", as: String?.self).flatMap { try? ContainerNumber($0) },
            means: try row.decode(column: "means", as: String?.self),
            voyage: try row.decode(column: "voyage", as: String?.self),
            billOfLading: try row.decode(column: "bill_of_lading", as: String?.self),
            location: try row.decode(column: "location", as: String?.self),
            atShipSide: try row.decode(column: "at_ship_side", as: Int.self) == 1,
            tallyNormal: try row.decode(column: "tally_normal", as: Int?.self).map { $0 == 1 },
            manifest: try row.decode(column: "manifest", as: String?.self).flatMap(PortEvent.Manifest.init(rawValue:)),
            source: try row.decode(column: "source", as: String.self),
            externalID: try row.decode(column: "external_id", as: String?.self),
            eventID: try row.decode(column: "event_id", as: String?.self),
            revisedAt: try row.decode(column: "revised_at", as: String?.self).flatMap(Timestamp.parse))
    }

    /// Marks retracted, in the caller's transaction, every event not yet retracted that `reporters` (a party's users,
    /// or one user) sent from `source` as `eventID`, every version of it, and returns them.
    public static func retract(
        source: String, eventID: String, reportedBy reporters: PortEventReporters, at date: Date, on db: any SQLDatabase
    ) async throws -> [Entry] {
        // Marked and read back in one statement; RETURNING gives no order, so the entries are put in the log's.
        let rows = try await db.raw("""
            UPDATE port_events SET retracted_at = \(bind: date.timestamp)
            WHERE source = \(bind: source) AND retracted_at IS NULL AND \(reporters.condition)
              AND event_id = \(bind: eventID)
            RETURNING \(eventColumns), detail
            """).all()
        var entries: [Entry] = []
        for row in rows {
            guard let event = try Self.event(from: row) else { continue }
            let declarations = try row.decode(column: "declarations", as: String.self)
            entries.append(Entry(
                id: try row.decode(column: "id", as: Int64.self), event: event,
                outcome: try row.decode(column: "outcome", as: String.self),
                detail: try row.decode(column: "detail", as: String.self),
                declarations: declarations.split(separator: ",").map(String.init)))
        }
        entries.sort { $0.id < $1.id }
        return entries
    }

    /// The latest revision of the event `eventID` that `reporters` sent from `source`, over every version received,
    /// retracted ones too; nil when none said when it was made.
    public static func latestRevision(
        source: String, eventID: String, reportedBy reporters: PortEventReporters, on db: any SQLDatabase
    ) async throws -> Date? {
        let row = try await db.raw("""
            SELECT MAX(revised_at) AS latest FROM port_events
            WHERE source = \(bind: source) AND event_id = \(bind: eventID) AND \(reporters.condition)
            """).first()
        return try row?.decode(column: "latest", as: String?.self).flatMap(Timestamp.parse)
    }
}

/// Who sent an event: any user of a party (a terminal's feeds), or one user without a party.
public enum PortEventReporters: Sendable {
    case party(String)
    case user(String)

    var condition: SQLQueryString {
        switch self {
        case .party(let party): "reported_by IN (SELECT id FROM users WHERE party_id = \(bind: party))"
        case .user(let user): "reported_by = \(bind: user)"
        }
    }
}
