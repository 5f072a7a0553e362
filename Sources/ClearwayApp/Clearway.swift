import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Crypto
import Foundation
import Logging
import Synchronization

/// The platform's use cases: each loads what it needs, asks ClearwayCore to decide, and saves in one transaction.
public final class Clearway: Sendable {
    public let store: any Store
    public let environment: Environment
    let logger: Logger
    private let cache = Mutex<Cached?>(nil)
    /// The key buyers' ID numbers are hashed with, read once from the database.
    let personKey = Mutex<SymmetricKey?>(nil)
    /// Enterprises' customs codes by party id (set when a party is registered, never changed) and each day's random
    /// seed once it exists (never changed either): read once, not on every CEB message.
    let partyCustomsCodes = Mutex<[String: String]>([:])
    let daySeeds = Mutex<[String: Data]>([:])
    /// Parcels as this node last wrote them, so a parcel's next document does not decode its snapshot again.
    let recentParcels = ParcelTables.RecentParcels()
    /// The published risk rules as last decoded, with the row count they were decoded at (rules are append-only).
    let riskRules = Mutex<(count: Int, rules: [RiskRule])?>(nil)

    /// Effects injected by value so tests and the simulator control time and randomness.
    public struct Environment: Sendable {
        public var now: @Sendable () -> Date
        public var makeID: @Sendable () -> String
        /// bcrypt cost for new password hashes (12 in production, lower only in tests).
        public var bcryptCost: UInt8
        /// How long a login session token lives.
        public var sessionLifetime: TimeInterval
        /// The HS edition declarations are checked against.
        public var hsEdition: String
        /// The Ed25519 issuer key in multibase form; when nil the platform keeps its own in the database.
        public var issuerKey: String?
        /// Where the platform is reachable from outside, for links in credentials (status lists, QR codes).
        public var publicURL: String
        /// Failed logins allowed per username within `loginWindow` before further attempts are refused (429).
        public var loginAttempts = 5
        public var loginWindow: TimeInterval = 15 * 60
        /// Whether lodgement decides the lane by itself (rules, random draw, model) or leaves it to an officer.
        public var selectivity: SelectivityMode = .automatic
        /// The learned risk model lodgements are scored with, when one is loaded.
        public var riskModel: RiskModel?
        /// Makes the secret seed of a day's random selection (32 random bytes; fixed only in tests).
        public var makeSeed: @Sendable () -> Data = {
            var generator = SystemRandomNumberGenerator()
            return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        }

        /// Whether a CEB message whose signature digest does not match its content is refused (CEB900) or only noted
        /// on its receipt; the official samples carry copied placeholder signatures, so `record` is the default.
        public var refuseBadCEBDigests = false

        /// The bank gateway tax bills are paid through (its `/payments`; read when paying, so a gateway started with
        /// the server on a free port can be named once it runs), and the secret both sides sign with.
        public var bankGateway: @Sendable () -> URL? = { nil }
        public var bankSecret = "demo-bank-secret"

        /// How long a creating request's answer is kept for its `Idempotency-Key` (a feed's event id included): a retry
        /// within it gets the first answer; after it the key is forgotten and may be used again.
        public var idempotencyLifetime: TimeInterval = 30 * 86_400

        /// Sends one webhook request and returns the receiver's HTTP status (a real POST; replaced only to count calls).
        public var postWebhook: @Sendable (URL, [String: String], Data) async throws -> Int = WebhookPost.send

        public init(
            now: @escaping @Sendable () -> Date = { Date() },
            makeID: @escaping @Sendable () -> String = { TimeOrderedID.make() },
            bcryptCost: UInt8 = 12, sessionLifetime: TimeInterval = 12 * 3600, hsEdition: String = "2022",
            issuerKey: String? = nil, publicURL: String = "http://127.0.0.1:8080"
        ) {
            self.issuerKey = issuerKey
            self.publicURL = publicURL
            self.now = now
            self.makeID = makeID
            self.bcryptCost = bcryptCost
            self.sessionLifetime = sessionLifetime
            self.hsEdition = hsEdition
        }
    }

    struct Cached: Sendable {
        var reference: ReferenceData
        var policy: Policy
        var ports: [BorderPort]
        var dcsaRules: DCSAEvents.Rules
        var randomRates: RandomSelection.Rates
        var edifactRules: EDIFACTPortEvents.Rules
        var greenChannel: GreenChannel
        var quarantineAccess: QuarantineAccess
        /// HS chapter prefixes each quarantine certificate covers.
        var certificateScopes: [CredentialKind: [String]]
        /// Inspection sites and travel times by port (UN/LOCODE).
        var diversion: [String: DiversionNetwork]
        var roster: Roster
        var appointmentRules: Appointment.Rules
        var agencyRouting: AgencyRouting
        var crossBorder: CrossBorderRules
        /// The official CEB import schema every inbound message is checked against.
        var cebSchema: XMLSchema?
        var cebExportSchema: XMLSchema?
        /// The UN/EDIFACT message structures EDI interchanges are checked against.
        var edifactDirectory: EDIFACTDirectory
        var exportChain: ExportChainTerms
        var rules: Declaration.Rules {
            .init(completionDays: reference.completionDays, agencyRouting: agencyRouting, undeclaredDays: reference.undeclaredDays)
        }
    }

    public init(store: any Store, environment: Environment = .init(), logger: Logger = Logger(label: "clearway")) {
        self.store = store
        self.environment = environment
        self.logger = logger
    }

    /// Reference data and the policy built on it, read once and kept until reference data is reloaded.
    func cached() async throws -> Cached {
        if let cached = cache.withLock({ $0 }) { return cached }
        let edition = environment.hsEdition
        let (reference, ports, classifiers, documents, rates, edifact, lists, more) = try await store.read { db in
            (
                try await ReferenceTables.referenceData(hsEdition: edition, on: db), try await ReferenceTables.ports(on: db),
                try await ReferenceTables.codes("dcsa-equipment-classifiers", on: db),
                try await ReferenceTables.codes("dcsa-shipment-documents", on: db),
                try await ReferenceTables.codes("inspection-rates", on: db),
                try await ReferenceTables.codes("edifact-port-events", on: db),
                (green: try await ReferenceTables.codes("green-channel", on: db),
                 access: try await ReferenceTables.codes("quarantine-access", on: db),
                 producers: try await ReferenceTables.codes("overseas-producers", on: db),
                 scopes: try await ReferenceTables.codes("certificate-scopes", on: db)),
                (networks: try await DiversionTables.networks(on: db),
                 rosters: try await ReferenceTables.codes("officer-rosters", on: db),
                 appointmentRules: try await ReferenceTables.codes("appointment-rules", on: db),
                 delayReasons: try await ReferenceTables.codes("delay-reasons", on: db),
                 routing: try await ReferenceTables.codes("agency-routing", on: db),
                 cbecTerms: try await ReferenceTables.codes("cbec-terms", on: db),
                 cbecTariff: try await ReferenceTables.codes("cbec-tariff", on: db),
                 positiveList: try await ReferenceTables.codes("cbec-positive-list", on: db),
                 cebSchema: try await ReferenceTables.codes("ceb-import-schema", on: db).first,
                 cebExportSchema: try await ReferenceTables.codes("ceb-export-schema", on: db).first,
                 edifactDirectory: try await ReferenceTables.codes("edifact-directory", on: db),
                 exportChain: try await ExportChainTerms.read(on: db))
            )
        }
        func table(_ codes: [ReferenceTables.Code]) -> [String: Set<String>] {
            Dictionary(codes.map { ($0.code, Set($0.extra.split(separator: " ").map(String.init))) }, uniquingKeysWith: { a, _ in a })
        }
        // Routing rows: code = HS prefix, extra "<agency> <approval kind> <SLA minutes> <import|export> [provisional]".
        let routing = AgencyRouting(rules: more.routing.compactMap { code in
            let terms = code.extra.split(separator: " ").map(String.init)
            guard terms.count >= 4, let minutes = Int(terms[2]), let direction = Direction(rawValue: terms[3]) else { return nil }
            return AgencyRouting.Rule(commodityPrefix: code.code, agency: terms[0], kind: terms[1], slaMinutes: minutes,
                                      direction: direction, provisional: terms.count == 5 && terms[4] == "provisional")
        })
        let fresh = Cached(
            reference: reference, policy: Policy(offices: reference.offices, routing: routing), ports: ports,
            dcsaRules: DCSAEvents.Rules(equipmentClassifiers: table(classifiers), shipmentDocuments: table(documents)),
            randomRates: RandomSelection.Rates(byTier: Dictionary(rates.compactMap { code in
                CreditTier(rawValue: code.code).flatMap { tier in Double(code.extra).map { (tier, $0) } }
            }, uniquingKeysWith: { a, _ in a })),
            edifactRules: EDIFACTPortEvents.Rules(kinds: Dictionary(edifact.compactMap { code in
                PortEvent.Kind(rawValue: code.extra).map { (code.code, $0) }
            }, uniquingKeysWith: { a, _ in a })),
            greenChannel: GreenChannel(entries: lists.green.compactMap { code in
                Timestamp.parse(code.extra + "T00:00:00+08:00").map { GreenChannel.Entry(prefix: code.code, effectiveFrom: $0) }
            }),
            quarantineAccess: QuarantineAccess(
                // Access list rows: code "<HS prefix>|<country>", extra "<validity days> <required document kinds…>".
                entries: lists.access.compactMap { code in
                    let key = code.code.split(separator: "|").map(String.init)
                    let terms = code.extra.split(separator: " ").map(String.init)
                    guard key.count == 2 else { return nil }
                    return QuarantineAccess.Entry(
                        commodityPrefix: key[0], country: key[1],
                        validityDays: terms.first.flatMap(Int.init) ?? QuarantineAccess.defaultValidityDays,
                        requiredDocuments: Array(terms.dropFirst()))
                },
                // Producer rows: code = registration, extra "<country> <HS prefix>".
                producers: lists.producers.compactMap { code in
                    let scope = code.extra.split(separator: " ").map(String.init)
                    guard scope.count == 2 else { return nil }
                    return QuarantineAccess.Producer(registration: code.code, country: scope[0], commodityPrefix: scope[1])
                }),
            certificateScopes: Dictionary(lists.scopes.compactMap { code in
                CredentialKind(rawValue: code.code).map { ($0, code.extra.split(separator: " ").map(String.init)) }
            }, uniquingKeysWith: { a, _ in a }),
            diversion: Dictionary(more.networks.map { ($0.port, $0) }, uniquingKeysWith: { a, _ in a }),
            // Roster rows: code "<site>|<days>|<from>|<to>", extra = officers; checked when loaded.
            roster: Roster(shifts: more.rosters.compactMap { code in
                let key = code.code.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard key.count == 4 else { return nil }
                return try? Roster.shift(site: key[0], days: key[1], from: key[2], to: key[3], officers: code.extra)
            }),
            appointmentRules: {
                let terms = Dictionary(more.appointmentRules.compactMap { code in Int(code.extra).map { (code.code, $0) } },
                                       uniquingKeysWith: { a, _ in a })
                let defaults = Appointment.Rules()
                return Appointment.Rules(
                    leadMinutes: terms["lead-minutes"] ?? defaults.leadMinutes,
                    horizonDays: terms["horizon-days"] ?? defaults.horizonDays,
                    reminderMinutes: terms["reminder-minutes"] ?? defaults.reminderMinutes,
                    slaMinutes: [
                        .inspection: terms["sla-inspection-minutes"] ?? defaults.slaMinutes[.inspection]!,
                        .clearance: terms["sla-clearance-minutes"] ?? defaults.slaMinutes[.clearance]!,
                    ],
                    delayReasons: Dictionary(more.delayReasons.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }))
            }(),
            agencyRouting: routing,
            crossBorder: Self.crossBorderRules(terms: more.cbecTerms, tariff: more.cbecTariff, positiveList: more.positiveList),
            cebSchema: more.cebSchema.flatMap { try? XMLSchema(documents: [Data($0.extra.utf8)]) },
            cebExportSchema: more.cebExportSchema.flatMap { try? XMLSchema(documents: [Data($0.extra.utf8)]) },
            edifactDirectory: (try? EDIFACTDirectory(files: more.edifactDirectory.map { ($0.code, $0.extra) })) ?? EDIFACTDirectory(),
            exportChain: more.exportChain)
        cache.withLock { $0 = fresh }
        return fresh
    }

    public func referenceData() async throws -> ReferenceData { try await cached().reference }

    /// Terms rows: code = effective date, extra "<single> <annual> <reduction> <tolerance> <window> <rate> <return days>";
    /// tariff rows: code "<prefix>|<effective date>", extra "<duty> <vat> <consumption>". Both checked when loaded.
    static func crossBorderRules(terms: [ReferenceTables.Code], tariff: [ReferenceTables.Code], positiveList: [ReferenceTables.Code])
        -> CrossBorderRules
    {
        func day(_ text: String) -> Date? { Timestamp.parse(text + "T00:00:00+08:00") }
        let versions = terms.compactMap { code -> (CrossBorderRules.Terms, [String])? in
            let t = code.extra.split(separator: " ").map(String.init)
            guard t.count == 7, let from = day(code.code), let single = try? Money.parse(t[0], currency: "CNY", exponent: 2),
                  let annual = try? Money.parse(t[1], currency: "CNY", exponent: 2), let reduction = Decimal(string: t[2]),
                  let tolerance = Decimal(string: t[3])
            else { return nil }
            return (CrossBorderRules.Terms(effectiveFrom: from, singleLimitFen: single.minor, annualLimitFen: annual.minor,
                                           reduction: reduction, taxTolerance: tolerance), t)
        }.sorted { $0.0.effectiveFrom < $1.0.effectiveFrom }
        let latest = versions.last?.1
        return CrossBorderRules(
            terms: versions.map(\.0),
            tariff: tariff.compactMap { code in
                let key = code.code.split(separator: "|").map(String.init), r = code.extra.split(separator: " ").compactMap { Decimal(string: String($0)) }
                guard key.count == 2, r.count == 3, let from = day(key[1]) else { return nil }
                return CrossBorderRules.Rates(prefix: key[0], effectiveFrom: from, duty: r[0], vat: r[1], consumption: r[2])
            },
            matchWindowMinutes: latest.flatMap { Int($0[4]) } ?? 1440, inspectionRate: latest.flatMap { Double($0[5]) } ?? 0,
            returnDays: latest.flatMap { Int($0[6]) } ?? 30,
            positiveList: Dictionary(positiveList.map { ($0.code, $0.extra) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The DCSA code restrictions from reference data.
    public func dcsaRules() async throws -> DCSAEvents.Rules { try await cached().dcsaRules }
    public func policy() async throws -> Policy { try await cached().policy }

    /// Forgets cached reference data, after a reload.
    public func invalidateReferenceCache() { cache.withLock { $0 = nil } }
}
