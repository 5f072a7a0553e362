import ClearwayCore
import ClearwayStore
import Foundation
import Synchronization
import SQLKit

/// Whether lodgement decides the lane or leaves it to an officer.
public enum SelectivityMode: Sendable {
    /// Rules, the random draw and the model decide at lodgement, in the lodging transaction.
    case automatic
    /// Lanes are decided by officers only (a port that has not switched selectivity on, and scenario tests).
    case byOfficer
}

/// What a rule would have hit over recent declarations.
public struct RuleDryRun: Sendable, Equatable {
    public var evaluated: Int
    public var hits: Int
    public var hitCustomsNumbers: [String]
}

/// A day's random-selection seed as published: its commitment always, the seed once the day is over.
public struct PublishedSeed: Sendable, Equatable {
    public var day: String
    public var commitment: String
    public var seed: String?
}

extension Clearway {
    /// The day (YYYY-MM-DD, China time) a date falls on; random-selection seeds are per day.
    public static func chinaDay(_ date: Date) -> String { ChinaTime.day(date) }

    /// What selectivity reads about a draft, gathered before the lodging transaction so the single writer's turn holds
    /// only the numbering, the draw and the writes: the subject (credit tier, inspection history, the model's score),
    /// the officers who may be drawn, and the rules in force.
    struct SelectionFacts: Sendable {
        var subject: RiskSubject
        var reasons: [RiskModel.Reason]
        var roster: [String]
        var rules: [RiskRule]
    }

    /// - Parameter known: parties already read for this draft; the trading party is read again only if not among them.
    func selectionFacts(for draft: DeclarationDraft, at date: Date, cached: Cached, known: [Party] = [], on db: any SQLDatabase)
        async throws -> SelectionFacts
    {
        let (subject, reasons) = try await subject(draft, number: "", at: date, cached: cached, known: known, on: db)
        return SelectionFacts(subject: subject, reasons: reasons, roster: try await officerRoster(for: draft, cached: cached, on: db),
                              rules: try await currentRiskRules(on: db))
    }

    /// Decides the lane of a just-accepted declaration, inside its lodging transaction: the day's seed and the draw
    /// keyed by its customs number, on the facts read before.
    func select(_ state: Declaration.State, facts: SelectionFacts, cached: Cached, on db: any SQLDatabase) async throws -> Selection {
        guard let draft = state.draft, let number = state.customsNumber?.rawValue else {
            throw ClearanceError.notFound(kind: "declaration", id: state.id)
        }
        let now = environment.now()
        var subject = facts.subject
        subject.customsNumber = number
        let day = Self.chinaDay(now)
        // A committed seed is cached; only the first draw of a day (or of a node) reads or makes it here.
        let seed: Data
        if let known = daySeeds.withLock({ $0[ChinaTime.day(now)] }) {
            seed = known
        } else {
            seed = try await RiskTables.seed(day: day, make: environment.makeSeed, at: now, on: db)
        }
        let roster = facts.roster
        let draw = RandomSelection.draw(seed: seed, day: day, customsNumber: number,
                                        rate: cached.randomRates.rate(subject.creditTier), roster: roster.count)
        var selection = Selectivity.decide(subject, rules: facts.rules, at: now, random: draw,
                                           randomKind: (cached.randomRates.kind, cached.randomRates.place),
                                           officer: draw.officerIndex.map { roster[$0] }, reasons: facts.reasons)
        selection.greenChannel = cached.greenChannel.covers(draft, at: now)
        // Port inspections a rule asked for get an officer drawn too; destination offices assign their own.
        for (k, requested) in selection.inspections.enumerated() where requested.officer == nil && !requested.place.isDestination {
            selection.inspections[k].officer = RandomSelection.officer(
                seed: seed, customsNumber: number, order: k + 1, roster: roster.count).map { roster[$0] }
        }
        return selection
    }

    /// The rules in force, decoded once per set of versions rather than on every lodgement (on every node: the count
    /// is read for each lodgement, so a rule published by another node is seen by the next one).
    func currentRiskRules(on db: any SQLDatabase) async throws -> [RiskRule] {
        let count = try await RiskTables.count(on: db)
        if let known = riskRules.withLock({ $0 }), known.count == count { return known.rules }
        let rules = try await RiskTables.rules(on: db)
        riskRules.withLock { $0 = (rules.count, rules) }
        return rules
    }

    /// The facts selectivity reads: credit tier, inspection history and the model's score.
    func subject(_ draft: DeclarationDraft, number: String, at date: Date, cached: Cached, known: [Party] = [], on db: any SQLDatabase)
        async throws -> (subject: RiskSubject, reasons: [RiskModel.Reason])
    {
        let party: Party?
        if let read = known.first(where: { $0.id == draft.tradingParty.id }) { party = read } else {
            party = try await PartyTable.find(id: draft.tradingParty.id, on: db)
        }
        let tier = party?.creditTier(at: date) ?? .normal
        let prior = try await RiskTables.discrepancies(party: draft.tradingParty.id, on: db)
        var score: Double?
        var reasons: [RiskModel.Reason] = []
        if let model = environment.riskModel {
            let scored = RiskRecord.lines(of: draft, currencyExponents: cached.reference.currencies).map { model.score($0) }
            if let riskiest = scored.max(by: { $0.probability < $1.probability }) {
                score = riskiest.probability
                reasons = riskiest.reasons
            }
        }
        return (RiskSubject(draft: draft, customsNumber: number, creditTier: tier, priorDiscrepancies: prior, score: score,
                            currencyExponents: cached.reference.currencies), reasons)
    }

    /// Customs officers who may be drawn to inspect a declaration: those of its offices, by username.
    func officerRoster(for draft: DeclarationDraft, cached: Cached, on db: any SQLDatabase) async throws -> [String] {
        // An officer bound to an office or any office above it (a district covers its subordinate offices).
        let tree = cached.reference.offices
        let ancestors = Set((tree.lineage(of: draft.entryExitOffice) + tree.lineage(of: draft.declarationOffice)).map(\.rawValue))
        return try await UserTable.activeUsernames(role: .customsOfficer, offices: ancestors.sorted(), on: db)
    }

    /// The random-selection rates per credit tier in force, from reference data.
    public func randomSelectionRates() async throws -> RandomSelection.Rates { try await cached().randomRates }

    // MARK: - Rules

    /// Publishes a rule; its version is one more than the rule's latest.
    public func authorRule(_ rule: RiskRule, by principal: Principal) async throws -> RiskRule {
        try await requireRiskOfficer(principal)
        let reference = try await cached().reference
        do { try RiskRule.validate(rule, reference: reference) } catch { throw ClearanceError.invalid(error) }
        let now = environment.now()
        return try await store.transaction { db in
            var versioned = rule
            versioned.version = (try await RiskTables.latestVersion(of: rule.id, on: db) ?? 0) + 1
            try await RiskTables.insert(versioned, by: principal.username, at: now, on: db)
            return versioned
        }
    }

    /// Every version of every rule.
    public func riskRules(by principal: Principal) async throws -> [RiskRule] {
        try await requireRiskOfficer(principal)
        return try await store.read { db in try await RiskTables.rules(on: db) }
    }

    /// How many of the last `last` declarations a rule would hit, without publishing it.
    public func dryRun(_ rule: RiskRule, last: Int, by principal: Principal) async throws -> RuleDryRun {
        try await requireRiskOfficer(principal)
        let cached = try await cached()
        var candidate = rule
        candidate.version = max(candidate.version, 1)
        do { try RiskRule.validate(candidate, reference: cached.reference) } catch { throw ClearanceError.invalid(error) }
        guard (1...10_000).contains(last) else {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/last", "range", "a dry run looks at 1 to 10000 declarations")]))
        }
        let now = environment.now()
        return try await store.read { db in
            let recent = try await DeclarationTable.list(DeclarationQuery(limit: last), on: db).items
            var hits: [String] = []
            for state in recent {
                guard let draft = state.draft, let number = state.customsNumber?.rawValue else { continue }
                let subject = try await self.subject(draft, number: number, at: now, cached: cached, on: db).subject
                if candidate.matches(subject) { hits.append(number) }
            }
            return RuleDryRun(evaluated: recent.count, hits: hits.count, hitCustomsNumbers: hits)
        }
    }

    func requireRiskOfficer(_ principal: Principal) async throws {
        guard try await cached().policy.allows(principal, .manageRiskRules) else {
            throw ClearanceError.forbidden(reason: "only customs officers author and test risk rules")
        }
    }

    /// A day's seed commitment, and the seed itself once the day is over in China.
    public func publishedSeed(day: String) async throws -> PublishedSeed {
        guard day.count == 10, Timestamp.parse(day + "T00:00:00+08:00") != nil else {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/day", "date", "'\(day)' is not a day YYYY-MM-DD")]))
        }
        let now = environment.now()
        let today = Self.chinaDay(now)
        // Today's seed is committed to before any draw asks for it; a past day without draws has none.
        let record = day == today
            ? try await store.transaction { db in
                let seed = try await RiskTables.seed(day: day, make: self.environment.makeSeed, at: now, on: db)
                return (seed: seed, commitment: RandomSelection.commitment(seed))
            }
            : try await store.read { db in try await RiskTables.seedRecord(day: day, on: db) }
        guard let record else { throw ClearanceError.notFound(kind: "random-selection seed", id: day) }
        let over = day < today
        return PublishedSeed(day: day, commitment: record.commitment,
                             seed: over ? Hex.encode(record.seed) : nil)
    }

    // MARK: - Inspection orders

    /// Records the lane an officer decides (override of the system's until a result is recorded).
    public func decideRisk(_ id: String, lane: Declaration.Lane, inspection: Selection.Requested? = nil,
                           by principal: Principal) async throws -> Declaration.State {
        try await change(id, by: principal, expectedVersion: nil, permission: { .decideClearance($0) }) { _ in
            .decideRisk(.byOfficer(lane, inspection: inspection))
        }
    }

    /// Orders an inspection of a declaration (customs of its offices).
    public func orderInspection(_ id: String, _ requested: Selection.Requested, by principal: Principal) async throws
        -> Declaration.State
    {
        try await change(id, by: principal, expectedVersion: nil, permission: { .decideClearance($0) }) { _ in
            .orderInspection(requested)
        }
    }

    /// Records an inspection's result; the result becomes a label for the risk model.
    public func completeInspection(_ id: String, order: Int? = nil, outcome: InspectionOutcome, findings: String,
                                   evidence: [String] = [], by principal: Principal) async throws -> Declaration.State
    {
        try requireReason(findings)
        return try await change(id, by: principal, expectedVersion: nil, permission: { .decideClearance($0) }) { _ in
            .completeInspection(order: order, outcome: outcome, findings: findings, evidence: evidence)
        }
    }

    /// Labelled history for training: one record per goods line of every declaration with an inspection result.
    public func riskHistory() async throws -> [RiskRecord] {
        let currencies = try await cached().reference.currencies
        return try await store.read { db in
            var records: [RiskRecord] = []
            for (id, hit) in try await RiskTables.labels(on: db) {
                guard let draft = try await DeclarationTable.find(id, on: db)?.draft else { continue }
                records += RiskRecord.lines(of: draft, currencyExponents: currencies).map {
                    RiskRecord(fields: $0.fields, discrepancy: hit)
                }
            }
            return records
        }
    }
}

extension Clearway {
    /// How lanes were decided for declarations accepted in a range (customs, port authority, admin).
    public func selectivityReport(from: Date?, to: Date?, by principal: Principal) async throws -> SelectivityReport {
        guard try await cached().policy.allows(principal, .readTimeRelease) else {
            throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) does not read selectivity reports")
        }
        return try await store.read { db in
            var states: [Declaration.State] = []
            var query = DeclarationQuery(acceptedFrom: from, acceptedBefore: to, limit: 500)
            while true {
                let page = try await DeclarationTable.list(query, on: db)
                states += page.items
                guard let next = page.next else { break }
                query.after = next
            }
            return SelectivityReport(states)
        }
    }

    /// Open inspection orders at the officer's offices, oldest first: the document review queue and the inspection
    /// queues.
    public func inspectionQueue(kind: InspectionKind?, by principal: Principal) async throws -> [RiskTables.QueuedOrder] {
        let policy = try await cached().policy
        guard principal.role == .customsOfficer || principal.role == .admin,
              let scope = policy.declarationScope(of: principal) else {
            throw ClearanceError.forbidden(reason: "inspection queues are for customs officers")
        }
        return try await store.read { db in
            var orders = try await RiskTables.openOrders(kind: kind?.rawValue, limit: 5_000, on: db)
            if let offices = scope.offices?.map(\.rawValue) {
                let visible = Set(offices)
                orders = orders.filter { !visible.isDisjoint(with: $0.offices) }
            }
            // Each order shows the diversion slot of its boxes: only the boxes of the declarations in this queue.
            let boxes = try await DiversionTables.boxes(
                port: nil, site: nil, statuses: [.awaiting, .planned, .started, .inspected],
                declarations: Array(Set(orders.map(\.declarationID))), limit: 100_000, on: db)
            let byOrder = Dictionary(grouping: boxes) { "\($0.queued!.declarationID)#\($0.queued!.order)" }
            for index in orders.indices {
                orders[index].boxes = byOrder["\(orders[index].declarationID)#\(orders[index].number)"] ?? []
            }
            return orders
        }
    }
}
