import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation
import SQLKit

/// One entry of a declaration's timeline: an event as recorded, with its place in the hash chain.
public struct TimelineEntry: Sendable, Equatable {
    public var version: Int
    public var position: Int64
    public var name: String
    public var occurredAt: Date
    public var actor: Principal?
    public var hash: String
    public var event: Declaration.Event
}

extension Clearway {
    static let declarationStream = "declaration"

    /// Lodges a declaration: checks every field, numbers it from the office's gapless counter and records its acceptance.
    public func lodge(_ form: DeclarationForm, by principal: Principal, idempotencyKey: String? = nil) async throws
        -> Declaration.State
    {
        let cached = try await cached()
        guard Policy.declaringRoles.contains(principal.role) else {
            throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) does not lodge declarations")
        }
        // Everything read before the writer's turn is read on one connection (on PostgreSQL one lease of the pool).
        let (draft, facts) = try await store.read { db -> (DeclarationDraft, SelectionFacts?) in
            let (draft, parties) = try await self.validated(form, cached.reference, on: db)
            guard cached.policy.allows(principal, .lodgeDeclaration(declarantPartyID: draft.declarant.id)) else {
                throw ClearanceError.forbidden(reason: "you lodge declarations only as your own enterprise (the declarant)")
            }
            // A service enterprise's exports name the producer it declares for (the rebate is the producer's); any
            // producer named is checked, on imports too.
            if draft.direction == .export || draft.producer != nil {
                try await self.checkServiceFirm(principal, producerID: draft.producer?.id, pointer: "/producer", on: db)
            }
            guard self.environment.selectivity == .automatic else { return (draft, nil) }
            return (draft, try await self.selectionFacts(for: draft, at: self.environment.now(), cached: cached, known: parties, on: db))
        }
        if facts != nil { try await cacheDaySeed(at: environment.now()) }
        // Every lodgement at one office takes that office's counter row: they share a writer.
        let counter = Declaration.numberingCounter(for: draft, at: environment.now())
        // The draft goes into the acceptance and the snapshot: encoded here, beside the other requests, not in the
        // writer's turn.
        let encodedDraft = try EncodedValue(draft)
        return try await idempotent(
            scope: "\(principal.userID):declarations.lodge", key: idempotencyKey, request: form, contending: counter
        ) { db in
            let now = self.environment.now()
            let id = self.environment.makeID()
            let sequence = try await Counters.next(Declaration.numberingCounter(for: draft, at: now), on: db)
            let empty = Declaration.State(id: id)
            let context = Declaration.Context(now: now, principal: principal, rules: cached.rules)
            var events = try Declaration.decide(.lodge(draft, sequence: sequence), empty, context)
            if let facts {
                // The lane is decided on the accepted state in memory and saved with the acceptance: one append, one
                // set of projection writes.
                let accepted = events.reduce(empty, Declaration.evolve)
                let selection = try await self.select(accepted, facts: facts, cached: cached, on: db)
                let system = Declaration.Context(now: now, principal: .system, rules: cached.rules)
                events += try Declaration.decide(.decideRisk(selection), accepted, system)
            }
            let accepted = try await self.save(events, to: empty, reusing: [encodedDraft], lockingPortKeys: true, on: db)
            return try await self.applyEarlierPortEvents(to: accepted, now: now, rules: cached.rules, on: db)
        }
    }

    /// Replaces the content of an accepted declaration.
    public func amend(_ id: String, _ form: DeclarationForm, by principal: Principal, expectedVersion: Int? = nil)
        async throws -> Declaration.State
    {
        let draft = try await validate(form, try await cached().reference)
        return try await change(id, by: principal, expectedVersion: expectedVersion, permission: { .changeDeclaration($0) }) {
            _ in .amend(draft)
        }
    }

    /// Binds the means of transport and voyage that were unknown at lodgement (late binding).
    public func bindTransport(
        _ id: String, means: String, voyage: String?, by principal: Principal, expectedVersion: Int? = nil
    ) async throws -> Declaration.State {
        var issues = IssueCollector()
        if means.trimmingWhitespaces().isEmpty || means.count > 100 {
            issues.add("/means", "text-length", "the means of transport has 1 to 100 characters")
        }
        if let voyage, !(1...35).contains(voyage.count) {
            issues.add("/voyage", "voyage-format", "a voyage or flight number has 1 to 35 characters")
        }
        do { try issues.finish() } catch { throw ClearanceError.invalid(error) }
        return try await change(id, by: principal, expectedVersion: expectedVersion, permission: { .changeDeclaration($0) }) {
            _ in .bindTransport(means: means, voyage: voyage)
        }
    }

    /// Withdraws a declaration at the declarant's request.
    public func cancel(_ id: String, reason: String, by principal: Principal, expectedVersion: Int? = nil) async throws
        -> Declaration.State
    {
        try requireReason(reason)
        return try await change(id, by: principal, expectedVersion: expectedVersion, permission: { .changeDeclaration($0) }) {
            _ in .cancel(reason: reason)
        }
    }

    /// Refuses an accepted declaration (退单), by an officer of its office.
    public func reject(_ id: String, reason: String, by principal: Principal, expectedVersion: Int? = nil) async throws
        -> Declaration.State
    {
        try requireReason(reason)
        return try await change(id, by: principal, expectedVersion: expectedVersion, permission: { .rejectDeclaration($0) }) {
            _ in .reject(reason: reason)
        }
    }

    /// A declaration by id or customs number, if the principal may see it.
    public func declaration(_ idOrNumber: String, by principal: Principal) async throws -> Declaration.State {
        let policy = try await cached().policy
        guard let state = try await store.read({ db in try await DeclarationTable.find(idOrNumber, on: db) }),
            let draft = state.draft, policy.allows(principal, .readDeclaration(draft))
        else { throw ClearanceError.notFound(kind: "declaration", id: idOrNumber) }
        return state
    }

    /// Every event of a declaration, oldest first.
    public func timeline(_ idOrNumber: String, by principal: Principal) async throws -> [TimelineEntry] {
        let state = try await declaration(idOrNumber, by: principal)
        let stored = try await store.read { db in try await EventStore.load(stream: state.id, on: db) }
        return try stored.map { event in
            TimelineEntry(
                version: event.version, position: event.position, name: event.name,
                occurredAt: Timestamp.parse(event.occurredAt) ?? .distantPast, actor: event.principal, hash: event.hash,
                event: try event.decode(as: Declaration.Event.self))
        }
    }

    /// A page of the declarations the principal may see, filtered as asked.
    public func declarations(_ query: DeclarationQuery, by principal: Principal) async throws
        -> (items: [Declaration.State], next: DeclarationQuery.Cursor?)
    {
        let policy = try await cached().policy
        guard let scope = policy.declarationScope(of: principal) else {
            throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) does not read declarations")
        }
        var query = query
        query.visibleToParties = scope.parties
        query.visibleToOffices = scope.offices
        query.limit = min(max(query.limit, 1), 200)
        let final = query
        return try await store.read { db in try await DeclarationTable.list(final, on: db) }
    }

    // MARK: - The command pipeline

    func validate(_ form: DeclarationForm, _ reference: ReferenceData) async throws -> DeclarationDraft {
        try await validated(form, reference).draft
    }

    /// The draft, and the parties it names as read to check it (selectivity reads the trading party's tier there).
    func validated(_ form: DeclarationForm, _ reference: ReferenceData) async throws -> (draft: DeclarationDraft, parties: [Party]) {
        try await store.read { db in try await self.validated(form, reference, on: db) }
    }

    func validated(_ form: DeclarationForm, _ reference: ReferenceData, on db: any SQLDatabase) async throws
        -> (draft: DeclarationDraft, parties: [Party])
    {
        let found = try await PartyTable.find(creditCodes: form.namedCreditCodes, on: db)
        do {
            let draft = try form.validated(
                reference: reference, parties: Dictionary(found.map { ($0.creditCode, $0) }, uniquingKeysWith: { a, _ in a }),
                at: environment.now())
            return (draft, found)
        } catch { throw ClearanceError.invalid(error) }
    }

    func requireReason(_ reason: String) throws {
        if reason.trimmingWhitespaces().isEmpty || reason.count > 500 {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/reason", "text-length", "a reason has 1 to 500 characters")]))
        }
    }

    /// Loads a declaration's stream, checks the principal may see and do, decides, and saves, in one transaction.
    func change(
        _ idOrNumber: String, by principal: Principal, expectedVersion: Int?,
        permission: @escaping @Sendable (DeclarationDraft) -> Policy.Action,
        alsoInTransaction: (@Sendable (any SQLDatabase, Declaration.State) async throws -> Void)? = nil,
        command: @escaping @Sendable (Declaration.State) -> Declaration.Command
    ) async throws -> Declaration.State {
        try await change(idOrNumber, by: principal, expectedVersion: expectedVersion, permission: permission,
                         alsoInTransaction: alsoInTransaction, commands: { [command($0)] })
    }

    /// The same pipeline for several commands decided in turn, each on the state the previous one left, saved together.
    func change(
        _ idOrNumber: String, by principal: Principal, expectedVersion: Int?,
        permission: @escaping @Sendable (DeclarationDraft) -> Policy.Action,
        alsoInTransaction: (@Sendable (any SQLDatabase, Declaration.State) async throws -> Void)? = nil,
        commands: @escaping @Sendable (Declaration.State) -> [Declaration.Command]
    ) async throws -> Declaration.State {
        let cached = try await cached()
        let policy = cached.policy
        let id = try await store.read { db in try await DeclarationTable.find(idOrNumber, on: db)?.id } ?? idOrNumber
        let (saved, refused) = try await store.transaction { db in
            let stored = try await EventStore.load(stream: id, on: db)
            let state = Declaration.replay(id: id, try stored.map { try $0.decode(as: Declaration.Event.self) })
            guard let draft = state.draft, policy.allows(principal, .readDeclaration(draft)) else {
                throw ClearanceError.notFound(kind: "declaration", id: idOrNumber)
            }
            guard policy.allows(principal, permission(draft)) else {
                throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) may not do this to this declaration")
            }
            if let expectedVersion, expectedVersion != state.version {
                throw ClearanceError.conflict(stream: id, expectedVersion: expectedVersion)
            }
            let context = Declaration.Context(now: self.environment.now(), principal: principal, rules: cached.rules)
            var events: [Declaration.Event] = []
            var next = state
            for command in commands(state) {
                let decided = try Declaration.decide(command, next, context)
                events += decided
                next = decided.reduce(next, Declaration.evolve)
                if decided.contains(where: \.isRefusal) { break }
            }
            let saved = try await self.save(events, to: state, on: db)
            try await alsoInTransaction?(db, saved)
            return (saved, events.contains(where: \.isRefusal))
        }
        // A refusal is committed as a record, then reported as what it is.
        if refused, let refusal = saved.refusals.last { throw RefusalRecorded(refusal: refusal, declarationID: saved.id) }
        return saved
    }

    /// Appends decided events of any aggregate; a stream that moved on is a version conflict (409).
    func append<Event: DomainEvent>(
        _ events: [Event], to stream: String, type: String, expectedVersion: Int, reusing: [EncodedValue] = [],
        on db: any SQLDatabase
    ) async throws {
        try await append(try events.map { try NewEvent($0, reusing: reusing) }, to: stream, type: type, expectedVersion: expectedVersion, on: db)
    }

    /// Appends events encoded before the transaction; a stream that moved on is a version conflict (409).
    func append(_ events: [NewEvent], to stream: String, type: String, expectedVersion: Int, on db: any SQLDatabase) async throws {
        do {
            try await EventStore.append(stream: stream, type: type, expectedVersion: expectedVersion, events: events, on: db)
        } catch StoreError.versionConflict(let stream, let expected, _) {
            throw ClearanceError.conflict(stream: stream, expectedVersion: expected)
        }
    }

    /// Appends decided events, updates the projections and queues the outbox, inside the caller's transaction.
    /// - Parameters:
    ///   - reusing: values the events and state contain that were encoded before the transaction.
    ///   - lockingPortKeys: take the declaration's port keys' locks, shared, as its keys are written (see
    ///     `applyEarlierPortEvents`).
    func save(
        _ events: [Declaration.Event], to state: Declaration.State, reusing: [EncodedValue] = [],
        lockingPortKeys: Bool = false, on db: any SQLDatabase
    ) async throws -> Declaration.State {
        guard !events.isEmpty else { return state }
        try await append(events, to: state.id, type: Self.declarationStream, expectedVersion: state.version, reusing: reusing, on: db)
        let next = events.reduce(state, Declaration.evolve)
        try await DeclarationTable.upsert(next, reusing: reusing, on: db)
        try await DeclarationKeys.update(next, isNew: state.version == 0, locking: lockingPortKeys ? .portKey : nil, on: db)
        // A lane without inspections, before or after, has no orders to record or boxes to follow.
        if events.contains(where: \.changesInspections), !(state.clearance.inspections.isEmpty && next.clearance.inspections.isEmpty) {
            try await RiskTables.record(next, on: db)
            try await followInspections(next, on: db)
        }
        if events.contains(where: \.changesAgencyApprovals), next.clearance.agencyApprovals != nil {
            try await AgencyApprovalTable.record(next, on: db)
        }
        try await TimeReleaseTable.upsert(try await timeReleaseRecord(next, on: db), acceptedAt: next.acceptedAt!, on: db)
        if let outcome = CUSRES.followUp(after: events, state: next) { try await answerByEDI(next, outcome, on: db) }
        if events.contains(where: { if case .closed = $0 { true } else { false } }) {
            try await recordDeclarationExport(next, cached: try await cached(), on: db)
        }
        return next
    }
}
