import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

/// What an agency or a party sees of an export record: the fields it may read, those withheld, the chain, the
/// reconciliation of money received and, for the record's own parties and customs, who read it.
public struct ExportRecordView: Sendable {
    public var state: ExportRecord.State
    public var fields: [String: String]
    public var withheld: [String]
    public var reconciliation: ForexReconciliation.Result?
    public var reconciliationProblem: String?
    public var reads: [ExportChainTables.Read]
}

extension Clearway {
    static let exportRecordStream = "export-record"

    /// The record customs sends the tax agency when a summary declaration is made from closed and released lists.
    func recordSummaryExport(_ summary: ExportChainTables.Summary, lists: [ExportParcel.State], cached: Cached, on db: any SQLDatabase)
        async throws
    {
        let terms = cached.exportChain
        let first = lists[0].inventory!
        func party(_ code: String) async throws -> String { try await PartyTable.find(customsCode: code, on: db)?.id ?? code }
        let items = summary.group.lines.map { line in
            ExportRecord.Item(
                commodityCode: line.gcode, description: line.sources.count == 1 ? "1 list line" : "\(line.sources.count) list lines",
                value: Money(minor: line.value.fen, currency: terms.currencies[line.currency] ?? line.currency),
                rebateRate: ExportRecord.rebateRate(for: line.gcode, in: terms.rebateRates))
        }
        let exporter = try await party(first.ebcCode), producer = try await party(first.ownerCode), agent = try await party(first.agentCode)
        let recorded = ExportRecord.Recorded(
            source: .summary, reference: summary.sumNo, exporter: exporter, producer: producer,
            serviceFirm: agent == producer ? nil : agent, items: items,
            declaredAt: lists.compactMap(\.listedAt).min() ?? summary.generatedAt, releasedAt: lists.compactMap(\.releasedAt).min() ?? summary.generatedAt,
            departedAt: lists.compactMap(\.departedAt).max() ?? summary.generatedAt, closedAt: summary.generatedAt)
        try await decideRecord(.record(recorded), ExportRecord.State(id: "xr-" + summary.sumNo), principal: .system, cached: cached, on: db)
    }

    /// The record of a general export declaration, made in the transaction that closes it.
    func recordDeclarationExport(_ state: Declaration.State, cached: Cached, on db: any SQLDatabase) async throws {
        guard state.direction == .export, let draft = state.draft, let closedAt = state.clearance.closedAt else { return }
        let terms = cached.exportChain
        let items = draft.items.map { item in
            ExportRecord.Item(commodityCode: item.commodityCode.rawValue, description: item.description, value: item.value,
                              rebateRate: ExportRecord.rebateRate(for: item.commodityCode.rawValue, in: terms.rebateRates))
        }
        let producer = draft.producer?.id ?? draft.tradingParty.id
        let recorded = ExportRecord.Recorded(
            source: .declaration, reference: state.id, exporter: draft.tradingParty.id, producer: producer,
            serviceFirm: draft.producer == nil ? nil : draft.declarant.id, items: items, declaredAt: state.acceptedAt ?? closedAt,
            releasedAt: state.clearance.releasedAt ?? closedAt, departedAt: state.conveyance.departedAt ?? closedAt, closedAt: closedAt)
        try await decideRecord(.record(recorded), ExportRecord.State(id: "xr-" + state.id), principal: .system, cached: cached, on: db)
    }

    @discardableResult
    func decideRecord(_ command: ExportRecord.Command, _ state: ExportRecord.State, principal: Principal, cached: Cached,
                      on db: any SQLDatabase) async throws -> ExportRecord.State
    {
        let now = environment.now()
        let events = try ExportRecord.decide(command, state, now: now, principal: principal)
        guard !events.isEmpty else { return state }
        try await append(events, to: state.id, type: Self.exportRecordStream, expectedVersion: state.version, on: db)
        let next = events.reduce(state, ExportRecord.evolve)
        let status = (try? reconcile(next, cached: cached, at: now))?.status.rawValue
        try await ExportChainTables.upsert(next, forexStatus: status, at: now, on: db)
        return next
    }

    func reconcile(_ state: ExportRecord.State, cached: Cached, at now: Date) throws(ForexReconciliation.Failure) -> ForexReconciliation.Result? {
        guard let recorded = state.recorded else { return nil }
        return try ForexReconciliation.reconcile(
            declared: recorded.value, closedAt: recorded.closedAt, receipts: state.receipts, rates: cached.exportChain.rates,
            terms: cached.exportChain.forexTerms, exponents: cached.reference.currencies, now: now)
    }

    func recordParties(_ state: ExportRecord.State) -> [String] {
        guard let recorded = state.recorded else { return [] }
        return [recorded.exporter, recorded.producer, recorded.serviceFirm].compactMap { $0 }
    }

    /// An export record as the principal may see it. A tax or forex officer sees only its agency's fields, and the
    /// read is logged; asking for a field the agency has no need for is refused with the reason.
    public func exportRecord(_ id: String, field: String? = nil, by principal: Principal) async throws -> ExportRecordView {
        let cached = try await cached()
        let now = environment.now()
        guard let state = try await store.read({ db in try await ExportChainTables.record(id, on: db) }),
              cached.policy.allows(principal, .readExportRecord(parties: recordParties(state)))
        else { throw ClearanceError.notFound(kind: "export record", id: id) }
        let all = ExportRecord.fields(state)
        var fields = all, withheld: [String] = []
        if let agency = principal.agencyID, [.taxAgency, .forexAgency].contains(principal.role) {
            if let field { try cached.exportChain.sharing.check(field, for: agency) }
            (fields, withheld) = cached.exportChain.sharing.view(all, for: agency)
            if let field { fields = fields.filter { $0.key == field } }
            let read = ExportChainTables.Read(at: now, userID: principal.userID, username: principal.username, agency: agency,
                                              recordID: state.id, fields: fields.keys.sorted())
            try await store.transaction { db in try await ExportChainTables.logRead(read, on: db) }
        } else if let field {
            fields = all.filter { $0.key == field }
        }
        var reconciliation: ForexReconciliation.Result?
        var problem: String?
        do { reconciliation = try reconcile(state, cached: cached, at: now) } catch {
            if case .noRate(let currency, let at) = error { problem = "no published \(currency) rate on \(ChinaTime.day(at))" }
        }
        // The reconciliation is made of the receipts: an agency the sharing rules deny them does not see it either.
        if let agency = principal.agencyID, [.taxAgency, .forexAgency].contains(principal.role),
           cached.exportChain.sharing.fields[agency]?.contains("receipts") != true
        {
            reconciliation = nil
        }
        let reads = principal.role.actsForAgency ? [] : try await store.read { db in try await ExportChainTables.reads(recordID: state.id, limit: 100, on: db) }
        return ExportRecordView(state: state, fields: fields, withheld: withheld, reconciliation: reconciliation, reconciliationProblem: problem,
                                reads: reads)
    }

    /// Export records newest first: all for customs and the agencies, a party's own otherwise; `flagged` keeps those
    /// whose money has not matched (short or over) or cannot be reconciled.
    public func exportRecords(flagged: Bool = false, limit: Int = 200, by principal: Principal) async throws -> [ExportRecord.State] {
        let cached = try await cached()
        guard cached.policy.allows(principal, .listExportRecords) else {
            throw ClearanceError.forbidden(reason: "export records are seen by customs, the tax and forex agencies and the exporters")
        }
        let party = [.admin, .customsOfficer, .taxAgency, .forexAgency].contains(principal.role) ? nil : (principal.partyID ?? "-")
        guard flagged else { return try await store.read { db in try await ExportChainTables.records(party: party, limit: limit, on: db) } }
        // Whether money matched depends on today's date and rates, so it is worked out here, page by page, until the
        // list is full or every record has been looked at.
        let now = environment.now()
        return try await store.read { db in
            var found: [ExportRecord.State] = []
            var last: ExportRecord.State?
            let pageSize = 500
            while found.count < limit {
                let page = try await ExportChainTables.records(party: party, after: last, limit: pageSize, on: db)
                found += page.filter { state in
                    guard let result = try? self.reconcile(state, cached: cached, at: now) else { return true }
                    return result.status.isFlagged
                }
                guard page.count == pageSize else { break }
                last = page.last
            }
            return Array(found.prefix(limit))
        }
    }

    /// The tax agency records a rebate filed (`paid` false) or paid.
    public func recordRebate(_ id: String, paid: Bool, amountFen: Int64, reference: String, by principal: Principal) async throws
        -> ExportRecord.State
    {
        let cached = try await cached()
        guard cached.policy.allows(principal, .recordRebate) else {
            throw ClearanceError.forbidden(reason: "rebates are recorded by the tax agency")
        }
        let rebate = ExportRecord.Rebate(amountFen: amountFen, reference: reference, at: environment.now())
        return try await onRecord(id, principal: principal, cached: cached) { paid ? .payRebate(rebate) : .fileRebate(rebate) }
    }

    /// The forex side records money received from abroad for an export (the amount as text in the currency's
    /// units); the same bank reference twice is one receipt.
    public func recordForexReceipt(_ id: String, amount: String, currency: String, receivedAt: Date, bankReference: String,
                                   by principal: Principal) async throws -> ExportRecord.State
    {
        let cached = try await cached()
        guard cached.policy.allows(principal, .recordForexReceipt) else {
            throw ClearanceError.forbidden(reason: "money received from abroad is recorded by the foreign-exchange agency")
        }
        let receipt = try ForexReconciliation.Receipt.validated(
            amount: amount, currency: currency, receivedAt: receivedAt, bankReference: bankReference,
            exponents: cached.reference.currencies, now: environment.now())
        return try await onRecord(id, principal: principal, cached: cached) { .receive(receipt) }
    }

    func onRecord(_ id: String, principal: Principal, cached: Cached, _ command: () -> ExportRecord.Command) async throws
        -> ExportRecord.State
    {
        let command = command()
        return try await store.transaction { db in
            guard let state = try await ExportChainTables.record(id, on: db) else { throw ClearanceError.notFound(kind: "export record", id: id) }
            return try await self.decideRecord(command, state, principal: principal, cached: cached, on: db)
        }
    }

    // MARK: Service authorisations

    /// A producer authorises a foreign-trade service enterprise (by party id) to declare for it until a date.
    public func authoriseServiceFirm(_ service: String, client: String, validUntil: Date, by principal: Principal) async throws
        -> ServiceAuthorisation
    {
        let cached = try await cached()
        guard cached.policy.allows(principal, .authoriseServiceFirm(clientPartyID: client)) else {
            throw ClearanceError.forbidden(reason: "a producer authorises service enterprises for itself")
        }
        let now = environment.now()
        return try await store.transaction { db in
            guard try await PartyTable.find(id: service, on: db) != nil else { throw ClearanceError.notFound(kind: "party", id: service) }
            guard try await PartyTable.find(id: client, on: db) != nil else { throw ClearanceError.notFound(kind: "party", id: client) }
            guard validUntil > now else {
                throw ClearanceError.invalid(ValidationFailure([FieldIssue("/validUntil", "in-past", "an authorisation runs until a later day")]))
            }
            let authorisation = ServiceAuthorisation(serviceParty: service, clientParty: client, validFrom: now, validUntil: validUntil,
                                                     grantedBy: principal.username, grantedAt: now)
            try await ExportChainTables.grant(authorisation, on: db)
            return authorisation
        }
    }

    public func revokeServiceFirm(_ service: String, client: String, by principal: Principal) async throws {
        let cached = try await cached()
        guard cached.policy.allows(principal, .authoriseServiceFirm(clientPartyID: client)) else {
            throw ClearanceError.forbidden(reason: "a producer revokes its own authorisations")
        }
        let now = environment.now()
        guard try await store.transaction({ db in try await ExportChainTables.revoke(service: service, client: client, at: now, on: db) }) else {
            throw ClearanceError.notFound(kind: "authorisation", id: "\(service)/\(client)")
        }
    }

    /// Authorisations a party gave or received (all for customs and admin).
    public func serviceAuthorisations(by principal: Principal) async throws -> [ServiceAuthorisation] {
        if [.admin, .customsOfficer].contains(principal.role) {
            return try await store.read { db in try await ExportChainTables.authorisations(service: nil, client: nil, on: db) }
        }
        guard principal.role.actsForParty, let party = principal.partyID else {
            throw ClearanceError.forbidden(reason: "authorisations are seen by the firms that gave or received them and by customs")
        }
        return try await store.read { db in
            try await ExportChainTables.authorisations(service: party, client: nil, on: db)
                + ExportChainTables.authorisations(service: nil, client: party, on: db)
        }
    }
}

/// One client of a foreign-trade service enterprise, consolidated: what it declared for that client and where the
/// rebates and the money stand.
public struct ServiceClient: Sendable, Equatable {
    public var authorisation: ServiceAuthorisation
    public var name: String?
    public var exportLists: Int
    public var declarations: Int
    public var records: Int
    public var rebatesFiled: Int
    public var rebatesPaid: Int
    public var moneyMatched: Int
}

extension Clearway {
    /// A service enterprise's clients, each with its lists, declarations, records, rebates and money.
    public func serviceClients(by principal: Principal) async throws -> [ServiceClient] {
        let cached = try await cached()
        guard cached.policy.allows(principal, .readServiceClients), let service = principal.partyID else {
            throw ClearanceError.forbidden(reason: "the consolidated client view belongs to a foreign-trade service enterprise")
        }
        let now = environment.now()
        return try await store.read { db in
            let agentCode = try await PartyTable.find(id: service, on: db)?.customsCode?.rawValue ?? ""
            var clients: [ServiceClient] = []
            for authorisation in try await ExportChainTables.authorisations(service: service, client: nil, on: db) {
                let party = try await PartyTable.find(id: authorisation.clientParty, on: db)
                let lists = try await ExportParcelTables.count(agentCode: agentCode, ownerCode: party?.customsCode?.rawValue ?? "-", on: db)
                let records = try await ExportChainTables.records(party: authorisation.clientParty, limit: 10_000, on: db)
                    .filter { $0.recorded?.serviceFirm == service }
                clients.append(ServiceClient(
                    authorisation: authorisation, name: party?.name, exportLists: lists,
                    declarations: records.filter { $0.recorded?.source == .declaration }.count, records: records.count,
                    rebatesFiled: records.filter { $0.rebateFiled != nil }.count, rebatesPaid: records.filter { $0.rebatePaid != nil }.count,
                    moneyMatched: records.filter { (try? self.reconcile($0, cached: cached, at: now))?.status == .matched }.count))
            }
            return clients
        }
    }

    /// The CEB792 result of a summary, for customs, the tax agency and its declaring agent.
    public func exportSummaryResult(_ sumNo: String, by principal: Principal) async throws -> Data {
        guard let summary = try await exportSummaries(by: principal).first(where: { $0.sumNo == sumNo }) else {
            throw ClearanceError.notFound(kind: "summary declaration", id: sumNo)
        }
        return summary.result
    }
}
