import ClearwayCore
import Foundation
import SQLKit

/// Which declarations a list shows: what the reader asked for, narrowed to what the reader may see.
public struct DeclarationQuery: Sendable, Equatable {
    /// Only declarations naming one of these parties (nil: any party).
    public var visibleToParties: Set<String>?
    /// Only declarations lodged at or passing through one of these offices (nil: any office).
    public var visibleToOffices: Set<OfficeCode>?
    public var status: Declaration.Status?
    public var office: OfficeCode?
    public var partyID: String?
    public var acceptedFrom: Date?
    public var acceptedBefore: Date?
    public var after: Cursor?
    public var limit: Int

    public init(
        visibleToParties: Set<String>? = nil, visibleToOffices: Set<OfficeCode>? = nil, status: Declaration.Status? = nil,
        office: OfficeCode? = nil, partyID: String? = nil, acceptedFrom: Date? = nil, acceptedBefore: Date? = nil,
        after: Cursor? = nil, limit: Int = 50
    ) {
        self.visibleToParties = visibleToParties
        self.visibleToOffices = visibleToOffices
        self.status = status
        self.office = office
        self.partyID = partyID
        self.acceptedFrom = acceptedFrom
        self.acceptedBefore = acceptedBefore
        self.after = after
        self.limit = limit
    }

    /// Where the previous page ended: newest first, so the next page holds older declarations.
    public struct Cursor: Sendable, Equatable {
        public var acceptedAt: String
        public var id: String
        public init(acceptedAt: String, id: String) {
            self.acceptedAt = acceptedAt
            self.id = id
        }

        public var token: String { Data("\(acceptedAt)|\(id)".utf8).base64EncodedString() }

        public init?(token: String) {
            guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { return nil }
            let parts = text.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, Timestamp.parse(parts[0]) != nil else { return nil }
            self.init(acceptedAt: parts[0], id: parts[1])
        }
    }
}

/// The declarations projection: one row per declaration, updated in the transaction that appends its events.
public enum DeclarationTable {
    /// - Parameter reusing: values the state contains that were encoded before (its draft, at lodgement).
    public static func upsert(_ state: Declaration.State, reusing: [EncodedValue] = [], on db: any SQLDatabase) async throws {
        guard let draft = state.draft, let number = state.customsNumber, let status = state.status,
            let acceptedAt = state.acceptedAt, let updatedAt = state.updatedAt
        else { return }
        let snapshot = try CanonicalJSON.encoder(sorted: false, reusing: reusing).encodeToString(state)
        try await db.raw(
            """
            INSERT INTO declarations (id, customs_number, status, direction, supervision_mode, declarant_id,
                trading_party_id, declaration_office, entry_exit_office, destination_office, accepted_at, updated_at, version,
                state)
            VALUES (\(bind: state.id), \(bind: number.rawValue), \(bind: status.rawValue), \(bind: draft.direction.rawValue),
                \(bind: draft.supervisionMode), \(bind: draft.declarant.id), \(bind: draft.tradingParty.id),
                \(bind: draft.declarationOffice.rawValue), \(bind: draft.entryExitOffice.rawValue),
                \(bind: draft.destinationOffice?.rawValue), \(bind: acceptedAt.timestamp), \(bind: updatedAt.timestamp), \(bind: state.version), \(bind: snapshot))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, supervision_mode = excluded.supervision_mode,
                trading_party_id = excluded.trading_party_id, entry_exit_office = excluded.entry_exit_office,
                destination_office = excluded.destination_office,
                updated_at = excluded.updated_at, version = excluded.version, state = excluded.state
            """
        ).run()
    }

    /// A declaration by its id or its 18-digit customs number.
    public static func find(_ idOrNumber: String, on db: any SQLDatabase) async throws -> Declaration.State? {
        try await db.raw(
            """
            SELECT state FROM declarations WHERE id = \(bind: idOrNumber) OR customs_number = \(bind: idOrNumber)
            """
        ).first().map(decodeState)
    }

    /// One page of declarations, newest first, and the cursor of the next page when there is one.
    public static func list(_ query: DeclarationQuery, on db: any SQLDatabase) async throws
        -> (items: [Declaration.State], next: DeclarationQuery.Cursor?)
    {
        var sql = SQLQueryString("SELECT state, accepted_at, id FROM declarations WHERE 1 = 1")
        if let parties = query.visibleToParties {
            let list = inList(parties.sorted())
            sql += " AND (declarant_id IN \(list) OR trading_party_id IN \(list))"
        }
        if let offices = query.visibleToOffices {
            let list = inList(offices.map(\.rawValue).sorted())
            sql += " AND (declaration_office IN \(list) OR entry_exit_office IN \(list) OR destination_office IN \(list))"
        }
        if let status = query.status { sql += " AND status = \(bind: status.rawValue)" }
        if let office = query.office {
            sql += " AND (declaration_office = \(bind: office.rawValue) OR entry_exit_office = \(bind: office.rawValue))"
        }
        if let party = query.partyID {
            sql += " AND (declarant_id = \(bind: party) OR trading_party_id = \(bind: party))"
        }
        if let from = query.acceptedFrom { sql += " AND accepted_at >= \(bind: from.timestamp)" }
        if let before = query.acceptedBefore { sql += " AND accepted_at < \(bind: before.timestamp)" }
        if let cursor = query.after {
            sql += " AND (accepted_at < \(bind: cursor.acceptedAt) OR (accepted_at = \(bind: cursor.acceptedAt) AND id < \(bind: cursor.id)))"
        }
        sql += " ORDER BY accepted_at DESC, id DESC LIMIT \(bind: query.limit + 1)"
        let rows = try await db.raw(sql).all()
        let page = try rows.prefix(query.limit).map(decodeState)
        var next: DeclarationQuery.Cursor?
        if rows.count > query.limit, let last = rows.prefix(query.limit).last {
            next = .init(
                acceptedAt: try last.decode(column: "accepted_at", as: String.self),
                id: try last.decode(column: "id", as: String.self))
        }
        return (page, next)
    }

    static func inList(_ values: [String]) -> SQLQueryString {
        guard !values.isEmpty else { return "(NULL)" }
        var list = SQLQueryString("(")
        for (index, value) in values.enumerated() {
            if index > 0 { list.appendLiteral(", ") }
            list += "\(bind: value)"
        }
        list.appendLiteral(")")
        return list
    }

    static func decodeState(_ row: any SQLRow) throws -> Declaration.State {
        try CanonicalJSON.decoder().decode(
            Declaration.State.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
    }
}
