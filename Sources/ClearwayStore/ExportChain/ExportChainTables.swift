import ClearwayCore
import Foundation
import SQLKit

/// Summary declarations of e-commerce exports, export records for the tax and forex agencies, the log of every
/// agency read, and the authorisations small exporters give a foreign-trade service enterprise.
public enum ExportChainTables {
    /// A generated summary declaration and the CEB792 result that announced it.
    public struct Summary: Sendable, Codable, Equatable {
        public var sumNo: String
        public var period: String
        public var agentCode: String
        public var customsCode: String
        public var deadline: String
        public var generatedAt: Date
        /// Who asked for it: a firm's CEB701, or the month-end worker (`system`).
        public var requestedBy: String
        public var group: ExportSummary.Group
        public var result: Data
        public init(sumNo: String, period: String, agentCode: String, customsCode: String, deadline: String, generatedAt: Date,
                    requestedBy: String, group: ExportSummary.Group, result: Data) {
            self.sumNo = sumNo
            self.period = period
            self.agentCode = agentCode
            self.customsCode = customsCode
            self.deadline = deadline
            self.generatedAt = generatedAt
            self.requestedBy = requestedBy
            self.group = group
            self.result = result
        }
    }

    public static func insert(_ summary: Summary, on db: any SQLDatabase) async throws {
        let json = try CanonicalJSON.encoder().encodeToString(summary.group)
        try await db.raw(
            """
            INSERT INTO export_summaries (sum_no, period, agent_code, customs_code, deadline, generated_at, requested_by, summary, result)
            VALUES (\(bind: summary.sumNo), \(bind: summary.period), \(bind: summary.agentCode), \(bind: summary.customsCode),
                \(bind: summary.deadline), \(bind: summary.generatedAt.timestamp), \(bind: summary.requestedBy), \(bind: json),
                \(bind: String(decoding: summary.result, as: UTF8.self)))
            """
        ).run()
    }

    static func summary(_ row: any SQLRow) throws -> Summary {
        Summary(
            sumNo: try row.decode(column: "sum_no", as: String.self), period: try row.decode(column: "period", as: String.self),
            agentCode: try row.decode(column: "agent_code", as: String.self), customsCode: try row.decode(column: "customs_code", as: String.self),
            deadline: try row.decode(column: "deadline", as: String.self),
            generatedAt: Timestamp.parse(try row.decode(column: "generated_at", as: String.self)) ?? .distantPast,
            requestedBy: try row.decode(column: "requested_by", as: String.self),
            group: try CanonicalJSON.decoder().decode(ExportSummary.Group.self, from: Data(try row.decode(column: "summary", as: String.self).utf8)),
            result: Data(try row.decode(column: "result", as: String.self).utf8))
    }

    public static func summaries(agentCode: String?, on db: any SQLDatabase) async throws -> [Summary] {
        var sql = SQLQueryString("SELECT * FROM export_summaries")
        if let agentCode { sql += " WHERE agent_code = \(bind: agentCode)" }
        sql += " ORDER BY period DESC, sum_no"
        return try await db.raw(sql).all().map(summary)
    }

    public static func summary(_ sumNo: String, on db: any SQLDatabase) async throws -> Summary? {
        try await db.raw("SELECT * FROM export_summaries WHERE sum_no = \(bind: sumNo)").first().map(summary)
    }

    // MARK: Export records

    public static func upsert(_ state: ExportRecord.State, forexStatus: String?, at date: Date, on db: any SQLDatabase) async throws {
        guard let recorded = state.recorded else { return }
        let json = try CanonicalJSON.encoder(sorted: false).encodeToString(state)
        try await db.raw(
            """
            INSERT INTO export_records (id, source, reference, exporter, producer, service_firm, stage, forex_status, closed_at, updated_at, state)
            VALUES (\(bind: state.id), \(bind: recorded.source.rawValue), \(bind: recorded.reference), \(bind: recorded.exporter),
                \(bind: recorded.producer), \(bind: recorded.serviceFirm), \(bind: state.stage.rawValue), \(bind: forexStatus),
                \(bind: recorded.closedAt.timestamp), \(bind: date.timestamp), \(bind: json))
            ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, forex_status = excluded.forex_status, updated_at = excluded.updated_at,
                state = excluded.state
            """
        ).run()
    }

    static func record(_ row: any SQLRow) throws -> ExportRecord.State {
        try CanonicalJSON.decoder().decode(ExportRecord.State.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
    }

    public static func record(_ id: String, on db: any SQLDatabase) async throws -> ExportRecord.State? {
        try await db.raw("SELECT state FROM export_records WHERE id = \(bind: id) OR reference = \(bind: id)").first().map(record)
    }

    /// Records newest closure first; of one party (as exporter, producer or service firm) when `party` is given; after
    /// `after` (the last record of the page before) when given.
    public static func records(party: String?, forexStatus: String? = nil, after: ExportRecord.State? = nil, limit: Int,
                               on db: any SQLDatabase) async throws -> [ExportRecord.State]
    {
        var sql = SQLQueryString("SELECT state FROM export_records WHERE 1 = 1")
        if let party { sql += " AND (exporter = \(bind: party) OR producer = \(bind: party) OR service_firm = \(bind: party))" }
        if let forexStatus { sql += " AND forex_status = \(bind: forexStatus)" }
        if let after, let closedAt = after.recorded?.closedAt.timestamp {
            sql += " AND (closed_at < \(bind: closedAt) OR (closed_at = \(bind: closedAt) AND id > \(bind: after.id)))"
        }
        sql += " ORDER BY closed_at DESC, id LIMIT \(bind: limit)"
        return try await db.raw(sql).all().map(record)
    }

    // MARK: Agency reads

    /// One read by an agency of a record: who, which agency, which fields.
    public struct Read: Sendable, Equatable, Codable {
        public var at: Date
        public var userID: String
        public var username: String
        public var agency: String
        public var recordID: String
        public var fields: [String]
        public init(at: Date, userID: String, username: String, agency: String, recordID: String, fields: [String]) {
            self.at = at
            self.userID = userID
            self.username = username
            self.agency = agency
            self.recordID = recordID
            self.fields = fields
        }
    }

    public static func logRead(_ read: Read, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO agency_reads (read_at, user_id, username, agency, record_id, fields)
            VALUES (\(bind: read.at.timestamp), \(bind: read.userID), \(bind: read.username), \(bind: read.agency), \(bind: read.recordID),
                \(bind: read.fields.joined(separator: " ")))
            """
        ).run()
    }

    public static func reads(recordID: String?, limit: Int, on db: any SQLDatabase) async throws -> [Read] {
        var sql = SQLQueryString("SELECT * FROM agency_reads")
        if let recordID { sql += " WHERE record_id = \(bind: recordID)" }
        sql += " ORDER BY id DESC LIMIT \(bind: limit)"
        return try await db.raw(sql).all().map { row in
            Read(at: Timestamp.parse(try row.decode(column: "read_at", as: String.self)) ?? .distantPast,
                 userID: try row.decode(column: "user_id", as: String.self), username: try row.decode(column: "username", as: String.self),
                 agency: try row.decode(column: "agency", as: String.self), recordID: try row.decode(column: "record_id", as: String.self),
                 fields: try row.decode(column: "fields", as: String.self).split(separator: " ").map(String.init))
        }
    }

    // MARK: Service authorisations

    public static func grant(_ authorisation: ServiceAuthorisation, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO service_authorisations (service_party, client_party, valid_from, valid_until, granted_by, granted_at, revoked_at)
            VALUES (\(bind: authorisation.serviceParty), \(bind: authorisation.clientParty), \(bind: authorisation.validFrom.timestamp),
                \(bind: authorisation.validUntil.timestamp), \(bind: authorisation.grantedBy), \(bind: authorisation.grantedAt.timestamp), NULL)
            ON CONFLICT (service_party, client_party) DO UPDATE SET valid_from = excluded.valid_from, valid_until = excluded.valid_until,
                granted_by = excluded.granted_by, granted_at = excluded.granted_at, revoked_at = NULL
            """
        ).run()
    }

    public static func revoke(service: String, client: String, at date: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw(
            """
            UPDATE service_authorisations SET revoked_at = \(bind: date.timestamp)
            WHERE service_party = \(bind: service) AND client_party = \(bind: client) AND revoked_at IS NULL RETURNING client_party
            """
        ).first() != nil
    }

    public static func authorisations(service: String?, client: String?, on db: any SQLDatabase) async throws -> [ServiceAuthorisation] {
        var sql = SQLQueryString("SELECT * FROM service_authorisations WHERE 1 = 1")
        if let service { sql += " AND service_party = \(bind: service)" }
        if let client { sql += " AND client_party = \(bind: client)" }
        sql += " ORDER BY service_party, client_party"
        return try await db.raw(sql).all().map { row in
            func date(_ column: String) throws -> Date? {
                try row.decodeNil(column: column) ? nil : Timestamp.parse(try row.decode(column: column, as: String.self))
            }
            return ServiceAuthorisation(
                serviceParty: try row.decode(column: "service_party", as: String.self),
                clientParty: try row.decode(column: "client_party", as: String.self), validFrom: try date("valid_from") ?? .distantPast,
                validUntil: try date("valid_until") ?? .distantPast, grantedBy: try row.decode(column: "granted_by", as: String.self),
                grantedAt: try date("granted_at") ?? .distantPast, revokedAt: try date("revoked_at"))
        }
    }
}
