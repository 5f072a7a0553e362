import ClearwayCore
import Foundation
import SQLKit

/// Reference data in the database: offices, agencies, ports, terminals, code tables and the HS nomenclature.
public enum ReferenceTables {
    /// The content hash of a reference data set as last loaded, or nil when it never was.
    public static func loadedVersion(_ name: String, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT version FROM reference_versions WHERE name = \(bind: name)").first()?
            .decode(column: "version", as: String.self)
    }

    public static func markLoaded(_ name: String, version: String, source: String, at date: Date, on db: any SQLDatabase)
        async throws
    {
        try await db.raw(
            """
            INSERT INTO reference_versions (name, version, source, loaded_at)
            VALUES (\(bind: name), \(bind: version), \(bind: source), \(bind: date.timestamp))
            ON CONFLICT (name) DO UPDATE SET version = excluded.version, source = excluded.source,
                loaded_at = excluded.loaded_at
            """
        ).run()
    }

    public static func upsert(_ offices: [CustomsOffice], on db: any SQLDatabase) async throws {
        for office in offices {
            try await db.raw(
                """
                INSERT INTO offices (code, name, name_zh, parent)
                VALUES (\(bind: office.code.rawValue), \(bind: office.name), \(bind: office.nameZh),
                    \(bind: office.parent?.rawValue))
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, parent = excluded.parent
                """
            ).run()
        }
    }

    public static func upsert(_ agencies: [Agency], on db: any SQLDatabase) async throws {
        for agency in agencies {
            try await db.raw(
                """
                INSERT INTO agencies (id, name, name_zh, kind)
                VALUES (\(bind: agency.id), \(bind: agency.name), \(bind: agency.nameZh), \(bind: agency.kind))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, kind = excluded.kind
                """
            ).run()
        }
    }

    public static func upsert(_ ports: [BorderPort], on db: any SQLDatabase) async throws {
        for port in ports {
            try await db.raw(
                """
                INSERT INTO ports (locode, name, name_zh, office)
                VALUES (\(bind: port.locode.rawValue), \(bind: port.name), \(bind: port.nameZh), \(bind: port.office.rawValue))
                ON CONFLICT (locode) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, office = excluded.office
                """
            ).run()
        }
    }

    public static func upsert(_ terminals: [Terminal], on db: any SQLDatabase) async throws {
        for terminal in terminals {
            try await db.raw(
                """
                INSERT INTO terminals (id, name, port) VALUES (\(bind: terminal.id), \(bind: terminal.name),
                    \(bind: terminal.port.rawValue))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, port = excluded.port
                """
            ).run()
        }
    }

    /// One row of a code table: code, name and an optional extra column (a currency's decimals, say).
    public struct Code: Sendable, Equatable {
        public var code: String
        public var name: String
        public var extra: String
        public init(code: String, name: String, extra: String = "") {
            self.code = code
            self.name = name
            self.extra = extra
        }
    }

    /// Replaces the whole content of one code table.
    public static func replace(table: String, with codes: [Code], on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM code_tables WHERE table_name = \(bind: table)").run()
        for chunk in stride(from: 0, to: codes.count, by: 200).map({ codes[$0..<min($0 + 200, codes.count)] }) {
            var query = SQLQueryString("INSERT INTO code_tables (table_name, code, name, extra) VALUES ")
            for (index, code) in chunk.enumerated() {
                if index > 0 { query.appendLiteral(", ") }
                query += "(\(bind: table), \(bind: code.code), \(bind: code.name), \(bind: code.extra))"
            }
            try await db.raw(query).run()
        }
    }

    public static func codes(_ table: String, on db: any SQLDatabase) async throws -> [Code] {
        try await db.raw("SELECT code, name, extra FROM code_tables WHERE table_name = \(bind: table) ORDER BY code")
            .all().map { row in
                Code(
                    code: try row.decode(column: "code", as: String.self),
                    name: try row.decode(column: "name", as: String.self),
                    extra: try row.decode(column: "extra", as: String.self))
            }
    }

    /// Replaces the subheadings of one HS edition.
    public static func replaceHS(edition: String, subheadings: [(code: String, description: String)], on db: any SQLDatabase)
        async throws
    {
        try await db.raw("DELETE FROM hs_subheadings WHERE edition = \(bind: edition)").run()
        for start in stride(from: 0, to: subheadings.count, by: 200) {
            var query = SQLQueryString("INSERT INTO hs_subheadings (edition, code, description) VALUES ")
            for (index, row) in subheadings[start..<min(start + 200, subheadings.count)].enumerated() {
                if index > 0 { query.appendLiteral(", ") }
                query += "(\(bind: edition), \(bind: row.code), \(bind: row.description))"
            }
            try await db.raw(query).run()
        }
    }

    /// Replaces the procedure eligibility table.
    public static func replace(_ rules: [ProcedureRule], on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM procedure_rules").run()
        for rule in rules {
            try await db.raw(
                """
                INSERT INTO procedure_rules (procedure, office, tiers, effective_from, effective_until)
                VALUES (\(bind: rule.procedure.rawValue), \(bind: rule.office?.rawValue),
                    \(bind: rule.tiers.map(\.rawValue).sorted().joined(separator: " ")), \(bind: rule.effectiveFrom.timestamp),
                    \(bind: rule.effectiveUntil?.timestamp))
                """
            ).run()
        }
    }

    public static func procedureRules(on db: any SQLDatabase) async throws -> [ProcedureRule] {
        try await db.raw("SELECT procedure, office, tiers, effective_from, effective_until FROM procedure_rules ORDER BY id")
            .all().compactMap { row in
                guard let procedure = Procedure(rawValue: try row.decode(column: "procedure", as: String.self)),
                    let from = Timestamp.parse(try row.decode(column: "effective_from", as: String.self))
                else { return nil }
                return ProcedureRule(
                    procedure: procedure, office: try row.decode(column: "office", as: String?.self).map { try OfficeCode($0) },
                    tiers: Set(try row.decode(column: "tiers", as: String.self).split(separator: " ").compactMap {
                        CreditTier(rawValue: String($0))
                    }),
                    effectiveFrom: from,
                    effectiveUntil: try row.decode(column: "effective_until", as: String?.self).flatMap(Timestamp.parse))
            }
    }

    public static func offices(on db: any SQLDatabase) async throws -> [CustomsOffice] {
        try await db.raw("SELECT code, name, name_zh, parent FROM offices ORDER BY code").all().map { row in
            CustomsOffice(
                code: try OfficeCode(try row.decode(column: "code", as: String.self)),
                name: try row.decode(column: "name", as: String.self),
                nameZh: try row.decode(column: "name_zh", as: String.self),
                parent: try row.decode(column: "parent", as: String?.self).map { try OfficeCode($0) })
        }
    }

    public static func agencies(on db: any SQLDatabase) async throws -> [Agency] {
        try await db.raw("SELECT id, name, name_zh, kind FROM agencies ORDER BY id").all().map { row in
            Agency(
                id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
                nameZh: try row.decode(column: "name_zh", as: String.self),
                kind: try row.decode(column: "kind", as: String.self))
        }
    }

    public static func ports(on db: any SQLDatabase) async throws -> [BorderPort] {
        try await db.raw("SELECT locode, name, name_zh, office FROM ports ORDER BY locode").all().map { row in
            BorderPort(
                locode: try UNLocode(try row.decode(column: "locode", as: String.self)),
                name: try row.decode(column: "name", as: String.self),
                nameZh: try row.decode(column: "name_zh", as: String.self),
                office: try OfficeCode(try row.decode(column: "office", as: String.self)))
        }
    }

    public static func terminals(on db: any SQLDatabase) async throws -> [Terminal] {
        try await db.raw("SELECT id, name, port FROM terminals ORDER BY id").all().map { row in
            Terminal(
                id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
                port: try UNLocode(try row.decode(column: "port", as: String.self)))
        }
    }

    /// Everything a declaration is checked against, as one value for ClearwayCore.
    public static func referenceData(hsEdition: String, on db: any SQLDatabase) async throws -> ReferenceData {
        let hs = try await db.raw("SELECT code FROM hs_subheadings WHERE edition = \(bind: hsEdition)").all().map {
            try $0.decode(column: "code", as: String.self)
        }
        func table(_ name: String) async throws -> [String: String] {
            Dictionary(try await codes(name, on: db).map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        }
        let limits = try await codes("declaration-limits", on: db)
        func limit(_ code: String, _ fallback: Int) -> Int {
            limits.first { $0.code == code }.flatMap { Int($0.extra) } ?? fallback
        }
        return ReferenceData(
            hs: HSNomenclature(edition: hsEdition, subheadings: Set(hs)),
            offices: OfficeTree(try await offices(on: db)),
            supervisionModes: try await table("supervision-modes"),
            transportModes: try await table("transport-modes"),
            incoterms: Set(try await table("incoterms").keys),
            currencies: Dictionary(
                try await codes("currencies", on: db).map { ($0.code, Int($0.extra) ?? 2) }, uniquingKeysWith: { a, _ in a }),
            countries: Set(try await table("countries").keys),
            limits: DeclarationLimits(maxItems: limit("max-items", 50), maxContainers: limit("max-containers", 200)),
            procedureRules: try await procedureRules(on: db),
            completionDays: limit("two-step-completion-days", 14),
            undeclaredDays: limit("undeclared-goods-days", 90))
    }
}
