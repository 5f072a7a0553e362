import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation
import SQLKit

/// What became of one port event, or of a retraction.
public struct PortEventOutcome: Sendable, Equatable, Codable {
    /// The event's entry in the log; for a retraction, the last entry it voided (0 when it voided none).
    public var logID: Int64
    /// Declarations the event was recorded on; for a retraction, those where it undid something.
    public var applied: [String]
    /// Declarations whose rules refused the movement, with the reason.
    public var refused: [String: String]
    /// For a retraction: the log entries it voided, every version of the event; nil for an event.
    public var retracted: [Int64]?
    /// For a version older than one already received: that one's revision time. It is logged, voided, and applied nowhere.
    public var outdatedBy: Date?
    public var unmatched: Bool { retracted == nil && outdatedBy == nil && applied.isEmpty && refused.isEmpty }

    public init(logID: Int64, applied: [String], refused: [String: String], retracted: [Int64]? = nil, outdatedBy: Date? = nil) {
        self.logID = logID
        self.applied = applied
        self.refused = refused
        self.retracted = retracted
        self.outdatedBy = outdatedBy
    }
}

extension Clearway {
    /// Records a terminal's or carrier's event on every open declaration its keys match, in one transaction.
    ///
    /// A movement the rules forbid (loading a box that is not released) is recorded as a refusal with its reason.
    /// An event that matches nothing yet is kept and applied when a declaration naming the box is lodged.
    public func recordPortEvent(_ event: PortEvent, by principal: Principal) async throws -> PortEventOutcome {
        let cached = try await cached()
        guard cached.policy.allows(principal, .reportPortEvent) else {
            throw ClearanceError.forbidden(reason: "only terminals and carriers report port events")
        }
        let now = environment.now()
        // Feeds deliver at least once: an event its sender has already delivered (the same id from the same source)
        // is answered as it was the first time and changes nothing.
        let outcome: PortEventOutcome
        do {
            outcome = try await idempotent(
                scope: Self.deliveryScope(of: event.source, from: principal), key: event.externalID, request: event.deliveredContent
            ) {
                db in try await self.apply(event, by: principal, rules: cached.rules, at: now, on: db)
            }
        } catch ClearanceError.idempotencyKeyReused {
            throw ClearanceError.invalid(ValidationFailure([Self.reusedID(event)]))
        }
        // A box waiting for inspection that has just landed or moved is planned now, not at the next beat.
        if let container = event.container, [.discharged, .gatedIn].contains(event.kind) {
            let ports = try await store.read { db in try await DiversionTables.ports(waitingFor: container.rawValue, on: db) }
            for port in ports { try await replanDiversion(port: port) }
        }
        return outcome
    }

    /// Records a feed's events and retractions in order (a DCSA batch, an interchange's messages), after checking
    /// that no event reuses an id its sender gave another event, so that a batch refused for that changes nothing.
    public func recordPortEvents(_ reports: [PortEventReport], by principal: Principal) async throws -> [PortEventOutcome] {
        var issues: [FieldIssue] = []
        var seen: [String: PortEvent] = [:]
        for event in reports.compactMap(\.event) {
            guard let id = event.externalID else { continue }
            let scope = Self.deliveryScope(of: event.source, from: principal)
            if let earlier = seen["\(scope) \(id)"] {
                if earlier != event { issues.append(Self.reusedID(event)) }
            } else if try await keyTaken(scope: scope, key: id, by: event.deliveredContent) {
                issues.append(Self.reusedID(event))
            }
            seen["\(scope) \(id)"] = event
        }
        guard issues.isEmpty else { throw ClearanceError.invalid(ValidationFailure(issues)) }
        var outcomes: [PortEventOutcome] = []
        for report in reports {
            switch report {
            case .event(let event): outcomes.append(try await recordPortEvent(event, by: principal))
            case .retraction(let retraction): outcomes.append(try await retractPortEvent(retraction, by: principal))
            }
        }
        return outcomes
    }

    /// Voids every version of an event its sender reported (DCSA 3.0's `isRetracted`, an EDIFACT cancellation), in one
    /// transaction: the log entries are marked and never applied to a later lodgement, and each declaration it was
    /// recorded on has what it recorded undone (Core's `retractPortEvent`: a closed declaration keeps its record and
    /// gets an exception). Only the sender's own events from the same source are retracted; a second delivery is
    /// answered as the first.
    public func retractPortEvent(_ retraction: PortEventRetraction, by principal: Principal) async throws -> PortEventOutcome {
        let cached = try await cached()
        guard cached.policy.allows(principal, .reportPortEvent) else {
            throw ClearanceError.forbidden(reason: "only terminals and carriers report port events")
        }
        let now = environment.now()
        let scope = Self.deliveryScope(of: retraction.source, from: principal)
        return try await idempotent(scope: scope, key: "retraction:\(retraction.externalID)", request: retraction) { db in
            try await self.lockEvent(retraction.eventID, from: retraction.source, on: db)
            let (voided, undone) = try await self.void(
                retraction.eventID, from: retraction.source, by: principal, rules: cached.rules, at: now, on: db)
            return PortEventOutcome(logID: voided.last ?? 0, applied: undone, refused: [:], retracted: voided)
        }
    }

    /// Marks retracted every version of the sender's event `eventID` from `source` and undoes, on each declaration
    /// it was recorded on, what it recorded; returns the log entries voided and the declarations changed. The caller
    /// holds the event's lock (`lockEvent`).
    private func void(
        _ eventID: String, from source: String, by principal: Principal, rules: Declaration.Rules, at now: Date,
        on db: any SQLDatabase
    ) async throws -> (voided: [Int64], undone: [String]) {
        let entries = try await PortEventLog.retract(source: source, eventID: eventID, reportedBy: Self.reporters(principal), at: now, on: db)
        // An event kept unmatched may have been applied since, by a lodgement naming its box or conveyance.
        try await lockPortKeys(entries.flatMap { Self.keys(of: $0.event) }, on: db)
        var undone: [String] = []
        for entry in entries {
            let concerned = Set(entry.declarations).union(try await Self.matches(entry.event, on: db))
            for id in concerned.sorted() {
                let stored = try await EventStore.load(stream: id, on: db)
                let state = Declaration.replay(id: id, try stored.map { try $0.decode(as: Declaration.Event.self) })
                guard state.exists else { continue }
                let events = try Declaration.decide(
                    .retractPortEvent(entry.event), state, .init(now: now, principal: principal, rules: rules))
                guard !events.isEmpty else { continue }
                _ = try await self.save(events, to: state, on: db)
                if !undone.contains(id) { undone.append(id) }
            }
        }
        return (entries.map(\.id), undone)
    }

    /// Event ids are the sender's: any user of its party, or the user alone.
    private static func reporters(_ principal: Principal) -> PortEventReporters {
        principal.partyID.map(PortEventReporters.party) ?? .user(principal.userID)
    }

    /// Event ids are the sender's: one party's, per source.
    private static func deliveryScope(of source: String, from principal: Principal) -> String {
        "\(principal.partyID ?? principal.userID):port-event:\(source)"
    }

    private static func reusedID(_ event: PortEvent) -> FieldIssue {
        FieldIssue(event.source == "api" ? "/externalId" : "", "event-id-reused",
                   "event \(event.externalID ?? "") from \(event.source) was already received with other content; a correction is a new event")
    }

    /// Records the event on the declarations it concerns and logs it, in the caller's transaction.
    private func apply(
        _ event: PortEvent, by principal: Principal, rules: Declaration.Rules, at now: Date, on db: any SQLDatabase
    ) async throws -> PortEventOutcome {
        var applied: [String] = []
        var refused: [String: String] = [:]
        // A version delivered after a newer one (feeds do not always keep order) replaces nothing and is recorded
        // nowhere; a newer version replaces the earlier ones: what they recorded is undone first, as by a retraction.
        if let eventID = event.eventID, event.revisedAt != nil || event.supersedes != nil {
            try await lockEvent(eventID, from: event.source, on: db)
        }
        if let revised = event.revisedAt, let eventID = event.eventID {
            let latest = try await PortEventLog.latestRevision(
                source: event.source, eventID: eventID, reportedBy: Self.reporters(principal), on: db)
            if event.isOutdated(latest: latest), let latest {
                let detail = "a version of \(eventID) made at \(Timestamp.format(latest)) was received before this one, made at \(Timestamp.format(revised))"
                let logID = try await PortEventLog.append(
                    event, reportedBy: principal.userID, outcome: "outdated", detail: detail, declarations: [], voided: true, at: now, on: db)
                return PortEventOutcome(logID: logID, applied: [], refused: [:], outdatedBy: latest)
            }
        }
        if let earlier = event.supersedes {
            _ = try await void(earlier, from: event.source, by: principal, rules: rules, at: now, on: db)
        }
        // A lodgement naming the key that commits before this reads the keys is matched; one after it reads this.
        try await lockPortKeys(Self.keys(of: event), on: db)
        for id in try await Self.matches(event, on: db) {
            let stored = try await EventStore.load(stream: id, on: db)
            let state = Declaration.replay(id: id, try stored.map { try $0.decode(as: Declaration.Event.self) })
            let events = try Declaration.decide(
                .recordPortEvent(event), state, .init(now: now, principal: principal, rules: rules))
            let saved = try await self.save(events, to: state, on: db)
            if events.contains(where: \.isRefusal), let refusal = saved.refusals.last {
                refused[id] = refusal.reason
            } else {
                applied.append(id)
            }
        }
        let outcome = refused.isEmpty ? (applied.isEmpty ? "unmatched" : "applied") : "refused"
        let detail = refused.values.sorted().joined(separator: "; ")
        let logID = try await PortEventLog.append(
            event, reportedBy: principal.userID, outcome: outcome, detail: detail, declarations: applied + refused.keys.sorted(),
            at: now, on: db)
        return PortEventOutcome(logID: logID, applied: applied, refused: refused)
    }

    /// The open declarations an event concerns: by container for box events (those whose stay of the box has not
    /// ended), else by conveyance or bill of lading.
    static func matches(_ event: PortEvent, on db: any SQLDatabase) async throws -> [String] {
        var ids: Set<String> = []
        for (kind, value) in keys(of: event) {
            ids.formUnion(try await DeclarationKeys.declarations(kind, value, on: db))
        }
        return ids.sorted()
    }

    /// The keys an event is matched by: its box, else its conveyance and bill of lading.
    static func keys(of event: PortEvent) -> [(kind: DeclarationKeys.Kind, value: String)] {
        if let container = event.container { return [(.container, container.rawValue)] }
        var keys: [(kind: DeclarationKeys.Kind, value: String)] = []
        if let means = event.means { keys.append((.conveyance, DeclarationKeys.conveyance(means: means, voyage: event.voyage))) }
        if let bill = event.billOfLading { keys.append((.billOfLading, bill)) }
        return keys
    }

    /// The keys a declaration's port events are matched by: its boxes, its conveyance and its bill of lading.
    static func keys(of draft: DeclarationDraft) -> [(kind: DeclarationKeys.Kind, value: String)] {
        var keys: [(kind: DeclarationKeys.Kind, value: String)] = draft.containers.map { (.container, $0.number.rawValue) }
        if let means = draft.transport.means {
            keys.append((.conveyance, DeclarationKeys.conveyance(means: means, voyage: draft.transport.voyage)))
        }
        if let bill = draft.billOfLading { keys.append((.billOfLading, bill)) }
        return keys
    }

    /// On PostgreSQL, versions and retractions of one event delivered at once to two nodes are taken one after the
    /// other (see `TransactionLock.portEvent`).
    func lockEvent(_ eventID: String, from source: String, on db: any SQLDatabase) async throws {
        try await TransactionLock.portEvent.take("\(source)/\(eventID)", on: db)
    }

    /// On PostgreSQL, an event and a lodgement naming one key take turns (see `TransactionLock.portKey`); lodgements
    /// take the locks shared as they write their keys, and do not wait for each other, though many name one vessel.
    func lockPortKeys(_ keys: [(kind: DeclarationKeys.Kind, value: String)], on db: any SQLDatabase) async throws {
        try await TransactionLock.portKey.take(all: keys.map { DeclarationKeys.lockName($0.kind, $0.value) }, on: db)
    }

    /// Applies box and conveyance events that arrived before the declaration did (gate-in first, declare after), those
    /// of the box's present stay only (Core's `earlierEvents`). The transaction has written the declaration's keys
    /// taking their locks (`save(… lockingPortKeys: true …)`), so an event naming one of them either committed before
    /// this reads the log, and is read, or reads the keys after this commits.
    func applyEarlierPortEvents(
        to state: Declaration.State, now: Date, rules: Declaration.Rules, on db: any SQLDatabase
    ) async throws -> Declaration.State {
        guard let draft = state.draft else { return state }
        let keys = Self.keys(of: draft)
        var current = state
        let since = Declaration.earliestEarlierEvent(lodgedAt: now, rules: rules)
        let logged = try await PortEventLog.logged(keys: keys, since: since, on: db)
        for event in Declaration.earlierEvents(logged, lodgedAt: now, rules: rules) {
            let events = (try? Declaration.decide(
                .recordPortEvent(event), current, .init(now: now, principal: .system, rules: rules))) ?? []
            guard !events.isEmpty, !events.contains(where: \.isRefusal) else { continue }
            current = try await save(events, to: current, on: db)
        }
        return current
    }
}

/// What an EDIFACT interchange became: port events, or customs responses (CUSRES) to the declarations it carried.
public enum InterchangeResult: Sendable {
    case portEvents([PortEventOutcome])
    /// A CUSRES interchange answering each CUSDEC: accepted with its customs number, or refused with errors by segment.
    case responses(String, accepted: Int, refused: Int)
}

extension Clearway {
    /// A UN/EDIFACT interchange: terminal messages (COARRI, CODECO) become port events; declarations (CUSDEC) are
    /// lodged and answered with CUSRES. An envelope or terminal message in error refuses the whole interchange,
    /// with every problem by segment and element.
    public func receiveInterchange(_ data: Data, by principal: Principal) async throws -> InterchangeResult {
        let cached = try await cached()
        let interchange = EDIFACTInterchange.read(data)
        func refuse(_ failures: [EDIFACT.Failure]) -> ClearanceError {
            .invalid(ValidationFailure(failures.map {
                FieldIssue($0.segment == 0 ? "" : "/segments/\($0.segment)\($0.position > 0 ? "/elements/\($0.position)" : "")",
                           "edifact-invalid", $0.description)
            }))
        }
        guard interchange.failures.isEmpty else { throw refuse(interchange.failures) }
        let declarations = interchange.messages.filter { $0.type == "CUSDEC" }
        if !declarations.isEmpty {
            guard declarations.count == interchange.messages.count else {
                throw refuse([.init(segment: 0, position: 0, reason: "an interchange carries declarations or terminal messages, not both")])
            }
            return try await lodge(declarations, of: interchange, by: principal)
        }
        guard cached.policy.allows(principal, .reportPortEvent) else {
            throw ClearanceError.forbidden(reason: "only terminals and carriers report port events")
        }
        let departures = interchange.messages.flatMap { Self.departures(of: $0, in: cached.edifactDirectory, required: false) ?? [] }
        guard departures.isEmpty else { throw refuse(departures) }
        let (reports, failures) = EDIFACTPortEvents.reports(interchange, rules: cached.edifactRules)
        guard failures.isEmpty else { throw refuse(failures) }
        return .portEvents(try await recordPortEvents(reports, by: principal))
    }

    /// Where a message departs from its segment table in the platform's directory; nil when it conforms. A message
    /// whose release the directory lacks departs if its structure is `required` (declarations: the platform reads the
    /// releases its message guide names), else it is not checked (terminal messages of releases not transcribed).
    static func departures(of message: EDIFACTInterchange.Message, in directory: EDIFACTDirectory, required: Bool) -> [EDIFACT.Failure]? {
        guard let structure = directory.structure(of: message) else {
            return required ? [directory.unreadRelease(message)] : nil
        }
        let failures = EDIFACTStructuredMessage(message, structure: structure, directory: directory).failures
        return failures.isEmpty ? nil : failures
    }

    /// Posts a CUSRES to the mailbox of the sender of an EDI-lodged declaration, in the transaction that decided it.
    func answerByEDI(_ state: Declaration.State, _ outcome: CUSRES.Outcome, on db: any SQLDatabase) async throws {
        guard let correspondent = try await EDIMailbox.correspondent(of: state.id, on: db) else { return }
        let now = environment.now()
        let kind: String
        switch outcome {
        case .released: kind = "released"
        case .selectedForInspection: kind = "selected-for-inspection"
        case .accepted: kind = "accepted"
        case .refused: kind = "refused"
        }
        // A control reference of at most 14 characters, unique per declaration and version.
        let control = String((state.customsNumber?.rawValue ?? state.id).suffix(9)) + String(format: "%05d", state.version % 100_000)
        let message = CUSRES.message(reference: correspondent.reference, messageReference: "1", outcome: outcome, at: now)
        let text = CUSRES.interchange(sender: "CLEARWAY", recipient: correspondent.sender, controlReference: control,
                                      messages: [message], at: now)
        try await EDIMailbox.post(party: correspondent.partyID, declaration: state.id, kind: kind, interchange: text, at: now, on: db)
    }

    /// The CUSRES answers waiting for the principal's enterprise (all of them for an admin) after a position.
    public func ediMessages(after: Int64, by principal: Principal) async throws -> [EDIMailbox.Message] {
        let party: String?
        if principal.role == .admin {
            party = nil
        } else if Policy.declaringRoles.contains(principal.role), let own = principal.partyID {
            party = own
        } else {
            throw ClearanceError.forbidden(reason: "EDI answers go to the enterprise that lodged by EDI")
        }
        // Messages committed since the last reading are placed first, after every one a reader may have passed.
        if try await store.read({ db in try await EDIMailbox.waiting(on: db) }) {
            try await store.transaction { db in try await EDIMailbox.place(on: db) }
        }
        return try await store.read { db in try await EDIMailbox.messages(party: party, after: after, limit: 500, on: db) }
    }

    /// Lodges each CUSDEC (idempotently: a resent interchange gets the same answers) and writes the CUSRES.
    func lodge(_ messages: [EDIFACTInterchange.Message], of interchange: EDIFACTInterchange, by principal: Principal)
        async throws -> InterchangeResult
    {
        var responses: [[EDIFACT.Segment]] = []
        var accepted = 0
        let directory = try await cached().edifactDirectory
        for (index, message) in messages.enumerated() {
            let reading = CUSDEC.read(message)
            let header = message.segments.first?.number ?? 0
            let outcome: CUSRES.Outcome
            if let departures = Self.departures(of: message, in: directory, required: true) {
                // A declaration off its segment table is not read at all: the answer names each departure.
                outcome = .refused(departures.map {
                    CUSRES.Error(segment: $0.segment, position: $0.position, code: "edifact-structure", detail: $0.reason)
                })
            } else { do {
                let state = try await lodge(
                    reading.form, by: principal,
                    idempotencyKey: "edi:\(interchange.sender):\(interchange.controlReference):\(message.reference)")
                let number = state.customsNumber?.rawValue ?? ""
                accepted += 1
                try await store.transaction { db in
                    try await EDIMailbox.remember(
                        declaration: state.id,
                        .init(partyID: principal.partyID ?? state.draft?.declarant.id ?? "", sender: interchange.sender,
                              reference: reading.reference),
                        at: environment.now(), on: db)
                }
                if state.status == .released {
                    outcome = .released(customsNumber: number)
                } else if state.clearance.lane == .inspection {
                    outcome = .selectedForInspection(
                        customsNumber: number, inspections: state.clearance.inspections.map { "\($0.kind.rawValue) at \($0.place.rawValue)" })
                } else {
                    outcome = .accepted(customsNumber: number)
                }
            } catch ClearanceError.invalid(let failure) {
                outcome = .refused(failure.issues.map { issue in
                    let (segment, position) = reading.source(of: issue.pointer, header: header)
                    return CUSRES.Error(segment: segment, position: position, code: issue.code, detail: "\(issue.pointer): \(issue.detail)")
                })
            } catch ClearanceError.forbidden(let reason) {
                outcome = .refused([CUSRES.Error(segment: header, position: 0, code: "forbidden", detail: reason)])
            } }
            responses.append(CUSRES.message(reference: reading.reference, messageReference: "\(index + 1)", outcome: outcome,
                                            at: environment.now()))
        }
        let text = CUSRES.interchange(sender: "CLEARWAY", recipient: interchange.sender,
                                      controlReference: interchange.controlReference, messages: responses, at: environment.now())
        return .responses(text, accepted: accepted, refused: messages.count - accepted)
    }
}
