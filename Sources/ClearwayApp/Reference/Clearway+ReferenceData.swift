import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Crypto
import Foundation
import SQLKit

extension Clearway {
    /// The code tables loaded from `Data/reference/<table>.csv` (columns code, name, extra).
    static let codeTables = [
        "supervision-modes", "transport-modes", "incoterms", "currencies", "countries", "declaration-limits",
        "dcsa-equipment-classifiers", "dcsa-shipment-documents", "inspection-rates", "certificate-scopes", "edifact-port-events", "quarantine-access", "overseas-producers", "green-channel",
        "appointment-rules", "delay-reasons", "export-summary-keys", "non-working-days", "export-rebate-rates", "forex-terms",
        "forex-rates", "agency-sharing", "customs-currencies", "cbec-positive-list",
    ]

    /// Loads every reference data file whose content changed since it was last loaded; returns the names loaded.
    @discardableResult
    public func loadReferenceData(from directory: URL) async throws -> [String] {
        var loaded: [String] = []
        let reference = directory.appendingPathComponent("reference")
        func loadFile(_ name: String, _ file: URL, _ apply: @escaping @Sendable (Data, any SQLDatabase) async throws -> Void)
            async throws
        {
            let data: Data
            do { data = try Data(contentsOf: file) } catch {
                throw ReferenceDataError(file: file.path, line: 0, reason: "cannot read: \(error.localizedDescription)")
            }
            let version = Hex.encode(SHA256.hash(data: data))
            let current = try await store.read { db in try await ReferenceTables.loadedVersion(name, on: db) }
            guard current != version else { return }
            let now = environment.now()
            try await store.transaction { db in
                try await apply(data, db)
                try await ReferenceTables.markLoaded(name, version: version, source: file.lastPathComponent, at: now, on: db)
            }
            loaded.append(name)
        }
        func load(_ name: String, _ file: URL, _ apply: @escaping @Sendable ([[String: String]], any SQLDatabase) async throws -> Void)
            async throws
        {
            try await loadFile(name, file) { data, db in
                let records: [[String: String]]
                do { records = try CSVReader.records(String(decoding: data, as: UTF8.self)) } catch let error as CSVReader.Failure {
                    throw ReferenceDataError(file: file.path, line: error.line, reason: error.reason)
                }
                try await apply(records, db)
            }
        }
        @Sendable func field(_ record: [String: String], _ key: String, _ file: String, _ index: Int) throws -> String {
            guard let value = record[key] else {
                throw ReferenceDataError(file: file, line: index + 2, reason: "missing column \(key)")
            }
            return value
        }
        @Sendable func identifier<T: ValidatedIdentifier>(_ make: (String) throws(IdentifierError) -> T, _ text: String, _ file: String, _ index: Int)
            throws -> T
        {
            do { return try make(text) } catch { throw ReferenceDataError(file: file, line: index + 2, reason: error.detail) }
        }

        try await load("offices", reference.appendingPathComponent("offices.csv")) { records, db in
            let offices = try records.enumerated().map { index, r in
                CustomsOffice(
                    code: try identifier(OfficeCode.init, try field(r, "code", "offices.csv", index), "offices.csv", index),
                    name: try field(r, "name", "offices.csv", index), nameZh: try field(r, "name_zh", "offices.csv", index),
                    parent: try field(r, "parent", "offices.csv", index).isEmpty
                        ? nil : try identifier(OfficeCode.init, r["parent"]!, "offices.csv", index))
            }
            try await ReferenceTables.upsert(offices, on: db)
        }
        try await load("agencies", reference.appendingPathComponent("agencies.csv")) { records, db in
            try await ReferenceTables.upsert(
                try records.enumerated().map { index, r in
                    Agency(
                        id: try field(r, "id", "agencies.csv", index), name: try field(r, "name", "agencies.csv", index),
                        nameZh: try field(r, "name_zh", "agencies.csv", index), kind: try field(r, "kind", "agencies.csv", index))
                }, on: db)
        }
        try await load("ports", reference.appendingPathComponent("ports.csv")) { records, db in
            try await ReferenceTables.upsert(
                try records.enumerated().map { index, r in
                    BorderPort(
                        locode: try identifier(UNLocode.init, try field(r, "locode", "ports.csv", index), "ports.csv", index),
                        name: try field(r, "name", "ports.csv", index), nameZh: try field(r, "name_zh", "ports.csv", index),
                        office: try identifier(OfficeCode.init, try field(r, "office", "ports.csv", index), "ports.csv", index))
                }, on: db)
        }
        try await load("terminals", reference.appendingPathComponent("terminals.csv")) { records, db in
            try await ReferenceTables.upsert(
                try records.enumerated().map { index, r in
                    Terminal(
                        id: try field(r, "id", "terminals.csv", index), name: try field(r, "name", "terminals.csv", index),
                        port: try identifier(UNLocode.init, try field(r, "port", "terminals.csv", index), "terminals.csv", index))
                }, on: db)
        }
        let sites = reference.appendingPathComponent("inspection-sites.json")
        try await loadFile("inspection-sites", sites) { data, db in
            let networks: [DiversionNetwork]
            do { networks = try JSONDecoder().decode([DiversionNetwork].self, from: data) } catch {
                throw ReferenceDataError(file: sites.path, line: 0, reason: "not a list of port inspection networks: \(error)")
            }
            for (index, network) in networks.enumerated() {
                do { try network.validate() } catch let error as ValidationFailure {
                    let first = error.issues.first
                    throw ReferenceDataError(file: sites.path, line: 0,
                                             reason: "/\(index)\(first?.pointer ?? ""): \(first?.detail ?? "invalid")")
                }
            }
            try await DiversionTables.replaceNetworks(networks, on: db)
        }
        try await load("officer-rosters", reference.appendingPathComponent("officer-rosters.csv")) { records, db in
            let file = "officer-rosters.csv"
            let codes = try records.enumerated().map { index, r in
                let parts = try ["site", "days", "from", "to", "officers"].map { try field(r, $0, file, index) }
                do { _ = try Roster.shift(site: parts[0], days: parts[1], from: parts[2], to: parts[3], officers: parts[4]) } catch let error as IdentifierError {
                    throw ReferenceDataError(file: file, line: index + 2, reason: error.detail)
                }
                return ReferenceTables.Code(code: parts[0...3].joined(separator: "|"), name: r["note"] ?? "", extra: parts[4])
            }
            try await ReferenceTables.replace(table: "officer-rosters", with: codes, on: db)
        }
        try await load("agency-routing", reference.appendingPathComponent("agency-routing.csv")) { records, db in
            let file = "agency-routing.csv"
            let codes = try records.enumerated().map { index, r in
                let code = try field(r, "code", file, index), extra = try field(r, "extra", file, index)
                let terms = extra.split(separator: " ").map(String.init)
                guard code.count >= 2, code.allSatisfy({ $0.isASCII && $0.isNumber }), terms.count == 4 || terms.count == 5,
                      let minutes = Int(terms[2]), minutes > 0, Direction(rawValue: terms[3]) != nil,
                      terms.count == 4 || terms[4] == "provisional"
                else {
                    throw ReferenceDataError(file: file, line: index + 2,
                                             reason: "a routing row is an HS prefix and '<agency> <approval kind> <SLA minutes> <import|export> [provisional]'")
                }
                return ReferenceTables.Code(code: code, name: try field(r, "name", file, index), extra: extra)
            }
            try await ReferenceTables.replace(table: "agency-routing", with: codes, on: db)
        }
        try await load("cbec-terms", reference.appendingPathComponent("cbec-terms.csv")) { records, db in
            let file = "cbec-terms.csv"
            let columns = ["single_limit", "annual_limit", "reduction", "tax_tolerance", "match_window_minutes", "inspection_rate", "return_days"]
            let codes = try records.enumerated().map { index, r in
                let from = try field(r, "effective_from", file, index)
                let terms = try columns.map { try field(r, $0, file, index) }
                guard Timestamp.parse(from + "T00:00:00+08:00") != nil, let single = try? Money.parse(terms[0], currency: "CNY", exponent: 2),
                      let annual = try? Money.parse(terms[1], currency: "CNY", exponent: 2), single.minor > 0, annual.minor >= single.minor,
                      let reduction = Decimal(string: terms[2]), reduction > 0, reduction <= 1,
                      let tolerance = Decimal(string: terms[3]), tolerance >= 0, let window = Int(terms[4]), window > 0,
                      let rate = Double(terms[5]), (0...1).contains(rate), let days = Int(terms[6]), days >= 0
                else {
                    throw ReferenceDataError(file: file, line: index + 2,
                        reason: "a row is a date YYYY-MM-DD, two CNY limits (annual ≥ single), a reduction in (0,1], a tolerance ≥ 0, window minutes, an inspection rate in [0,1] and return days")
                }
                return ReferenceTables.Code(code: from, name: r["source"] ?? "", extra: terms.joined(separator: " "))
            }
            try await ReferenceTables.replace(table: "cbec-terms", with: codes, on: db)
        }
        try await load("cbec-tariff", reference.appendingPathComponent("cbec-tariff.csv")) { records, db in
            let file = "cbec-tariff.csv"
            let codes = try records.enumerated().map { index, r in
                let prefix = try field(r, "prefix", file, index), from = try field(r, "effective_from", file, index)
                let rates = try ["duty", "vat", "consumption"].map { try field(r, $0, file, index) }
                guard (2...10).contains(prefix.count), prefix.allSatisfy({ $0.isASCII && $0.isNumber }),
                      Timestamp.parse(from + "T00:00:00+08:00") != nil,
                      rates.allSatisfy({ Decimal(string: $0).map { $0 >= 0 && $0 < 1 } == true })
                else {
                    throw ReferenceDataError(file: file, line: index + 2,
                        reason: "a row is a commodity-code prefix (2–10 digits), a date YYYY-MM-DD and duty, VAT and consumption rates in [0,1)")
                }
                return ReferenceTables.Code(code: "\(prefix)|\(from)", name: try field(r, "name", file, index), extra: rates.joined(separator: " "))
            }
            try await ReferenceTables.replace(table: "cbec-tariff", with: codes, on: db)
        }
        // The official CEB schemas every inbound message of that direction is checked against.
        for direction in ["import", "export"] {
            let schema = directory.appendingPathComponent("ceb/\(direction)-business-node-202205.xsd")
            try await loadFile("ceb-\(direction)-schema", schema) { data, db in
                do { _ = try XMLSchema(documents: [data]) } catch let error as XMLFailure {
                    throw ReferenceDataError(file: schema.path, line: error.line, reason: error.reason)
                }
                try await ReferenceTables.replace(
                    table: "ceb-\(direction)-schema",
                    with: [.init(code: "2022-05", name: schema.lastPathComponent, extra: String(decoding: data, as: UTF8.self))], on: db)
            }
        }
        // The UN/EDIFACT message structures interchanges are laid out on: one version for the whole folder.
        let edifact = directory.appendingPathComponent("edifact")
        if FileManager.default.fileExists(atPath: edifact.path) {
            let files: [(path: String, text: String)]
            do {
                files = try EDIFACTDirectory.files(in: edifact)
                _ = try EDIFACTDirectory(files: files)
            } catch let problem as EDIFACTDirectory.Problem {
                throw ReferenceDataError(file: edifact.appendingPathComponent(problem.file).path, line: problem.line, reason: problem.reason)
            }
            let version = Hex.encode(SHA256.hash(data: Data(files.map { "\($0.path)\u{0}\($0.text)\u{0}" }.joined().utf8)))
            if try await store.read({ db in try await ReferenceTables.loadedVersion("edifact-directory", on: db) }) != version {
                let now = environment.now()
                try await store.transaction { db in
                    try await ReferenceTables.replace(
                        table: "edifact-directory", with: files.map { .init(code: $0.path, name: $0.path, extra: $0.text) }, on: db)
                    try await ReferenceTables.markLoaded("edifact-directory", version: version, source: "edifact/", at: now, on: db)
                }
                loaded.append("edifact-directory")
            }
        }
        for table in Self.codeTables {
            let file = "\(table).csv"
            try await load(table, reference.appendingPathComponent(file)) { records, db in
                let codes = try records.enumerated().map { index, r in
                    ReferenceTables.Code(
                        code: try field(r, "code", file, index), name: try field(r, "name", file, index),
                        extra: r["extra"] ?? "")
                }
                try await ReferenceTables.replace(table: table, with: codes, on: db)
            }
        }
        try await load("procedure-rules", reference.appendingPathComponent("procedure-rules.csv")) { records, db in
            let file = "procedure-rules.csv"
            let rules = try records.enumerated().map { index, r in
                let name = try field(r, "procedure", file, index)
                guard let procedure = Procedure(rawValue: name) else {
                    throw ReferenceDataError(file: file, line: index + 2, reason: "unknown procedure \(name)")
                }
                let tiers = try field(r, "tiers", file, index).split(separator: " ").map { tier in
                    guard let parsed = CreditTier(rawValue: String(tier)) else {
                        throw ReferenceDataError(file: file, line: index + 2, reason: "unknown credit tier \(tier)")
                    }
                    return parsed
                }
                func day(_ text: String) throws -> Date? {
                    guard !text.isEmpty else { return nil }
                    guard let date = Timestamp.parse(text + "T00:00:00+08:00") else {
                        throw ReferenceDataError(file: file, line: index + 2, reason: "'\(text)' is not a date YYYY-MM-DD")
                    }
                    return date
                }
                let office = try field(r, "office", file, index)
                guard let from = try day(try field(r, "effective_from", file, index)) else {
                    throw ReferenceDataError(file: file, line: index + 2, reason: "effective_from is required")
                }
                return ProcedureRule(
                    procedure: procedure,
                    office: office.isEmpty ? nil : try identifier(OfficeCode.init, office, file, index),
                    tiers: Set(tiers), effectiveFrom: from,
                    effectiveUntil: try day(r["effective_until"] ?? ""))
            }
            try await ReferenceTables.replace(rules, on: db)
        }
        let edition = environment.hsEdition
        try await load("hs-\(edition)", directory.appendingPathComponent("hs/harmonized-system-HS\(edition).csv")) {
            records, db in
            // Level-6 rows are the subheadings; 999999 is a Comtrade pseudo-code, not part of the nomenclature.
            let subheadings = records.filter { $0["level"] == "6" && $0["hscode"] != "999999" }.compactMap { r in
                r["hscode"].map { (code: $0, description: r["description"] ?? "") }
            }
            try await ReferenceTables.replaceHS(edition: edition, subheadings: subheadings, on: db)
        }
        if !loaded.isEmpty { invalidateReferenceCache() }
        return loaded
    }
}
