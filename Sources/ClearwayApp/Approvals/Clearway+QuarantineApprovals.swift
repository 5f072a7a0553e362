import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

/// A quarantine approval application as submitted, before any check.
public struct QuarantineApplicationForm: Sendable, Equatable, Codable {
    public var commodityCode: String
    public var product: String
    public var originCountry: String
    public var producerRegistration: String
    public var quantityKg: Double
    public var portOfEntry: String
    /// SHA-256 hashes of documents by kind ("trade-contract" …).
    public var documents: [String: String]
    public init(commodityCode: String, product: String, originCountry: String, producerRegistration: String,
                quantityKg: Double, portOfEntry: String, documents: [String: String]) {
        self.commodityCode = commodityCode
        self.product = product
        self.originCountry = originCountry
        self.producerRegistration = producerRegistration
        self.quantityKg = quantityKg
        self.portOfEntry = portOfEntry
        self.documents = documents
    }
}

extension Clearway {
    static let quarantineStream = "quarantine-approval"

    /// Submits an application for the principal's own enterprise; approved at once when every condition holds.
    public func submitQuarantineApplication(_ form: QuarantineApplicationForm, by principal: Principal) async throws
        -> QuarantineApproval.State
    {
        let cached = try await cached()
        guard Policy.declaringRoles.contains(principal.role), let partyID = principal.partyID else {
            throw ClearanceError.forbidden(reason: "quarantine approvals are applied for by the importing enterprise")
        }
        var issues = IssueCollector()
        let code = issues.check("/commodityCode") { () throws(IdentifierError) in try CommodityCode(form.commodityCode) }
        if let code, !cached.reference.hs.contains(code) {
            issues.add("/commodityCode", "hs-code-unknown", "\(form.commodityCode) is not in HS \(cached.reference.hs.edition)")
        }
        if !cached.reference.countries.contains(form.originCountry) {
            issues.add("/originCountry", "country-unknown", "'\(form.originCountry)' is not an ISO 3166 country code")
        }
        let port = issues.check("/portOfEntry") { () throws(IdentifierError) in try UNLocode(form.portOfEntry) }
        if form.product.trimmingWhitespaces().isEmpty || form.product.count > 200 {
            issues.add("/product", "text-length", "a product name has 1 to 200 characters")
        }
        if form.producerRegistration.isEmpty || form.producerRegistration.count > 50 {
            issues.add("/producerRegistration", "text-length", "a registration number has 1 to 50 characters")
        }
        if !(form.quantityKg > 0) || !form.quantityKg.isFinite || form.quantityKg > 1e9 {
            issues.add("/quantityKg", "quantity-positive", "a quantity is a positive number of kilograms")
        }
        for (kind, hash) in form.documents where hash.count != 64 || !hash.allSatisfy(\.isHexDigit) {
            issues.add("/documents/\(kind)", "hash-format", "a document is named by its SHA-256 in hex")
        }
        do { try issues.finish() } catch { throw ClearanceError.invalid(error) }
        let now = environment.now()
        let id = environment.makeID()
        let party = try await store.read { db in try await PartyTable.find(id: partyID, on: db) }
        guard let party else { throw ClearanceError.notFound(kind: "party", id: partyID) }
        let application = QuarantineApproval.Application(
            applicant: PartyRef(id: party.id, creditCode: party.creditCode, name: party.name), commodityCode: code!,
            product: form.product, originCountry: form.originCountry, producerRegistration: form.producerRegistration,
            quantityKg: form.quantityKg, portOfEntry: port!, documents: form.documents)
        let facts = cached.quarantineAccess.facts(application, applicantTier: party.creditTier(at: now))
        let empty = QuarantineApproval.State(id: id)
        let events = try QuarantineApproval.decide(.submit(application, facts), empty, .init(now: now, principal: principal, rules: cached.rules))
        return try await store.transaction { db in try await self.saveQuarantine(events, to: empty, on: db) }
    }

    func saveQuarantine(_ events: [QuarantineApproval.Event], to state: QuarantineApproval.State, on db: any SQLDatabase)
        async throws -> QuarantineApproval.State
    {
        try await append(events, to: state.id, type: Self.quarantineStream, expectedVersion: state.version, on: db)
        let next = events.reduce(state, QuarantineApproval.evolve)
        try await QuarantineApprovalTable.upsert(next, on: db)
        return next
    }

    /// Decides, writes off or reads one application: its applicant or quarantine officers (admins read).
    func changeQuarantine(_ id: String, by principal: Principal, officerOnly: Bool,
                          alsoInTransaction: (@Sendable (QuarantineApproval.State, any SQLDatabase) async throws -> Void)? = nil,
                          _ command: @escaping @Sendable (QuarantineApproval.State) -> QuarantineApproval.Command)
        async throws -> QuarantineApproval.State
    {
        let cached = try await cached()
        let now = environment.now()
        return try await store.transaction { db in
            let stored = try await EventStore.load(stream: id, on: db)
            let state = try stored.map { try $0.decode(as: QuarantineApproval.Event.self) }
                .reduce(QuarantineApproval.State(id: id), QuarantineApproval.evolve)
            guard let application = state.application, self.mayRead(application, principal) else {
                throw ClearanceError.notFound(kind: "quarantine approval", id: id)
            }
            let officer = principal.role == .quarantineOfficer
            guard officerOnly ? officer : (officer || principal.partyID == application.applicant.id) else {
                throw ClearanceError.forbidden(reason: officerOnly ? "quarantine officers decide applications" : "the applicant writes off its approval")
            }
            let events = try QuarantineApproval.decide(command(state), state, .init(now: now, principal: principal, rules: cached.rules))
            let saved = try await self.saveQuarantine(events, to: state, on: db)
            try await alsoInTransaction?(saved, db)
            return saved
        }
    }

    func mayRead(_ application: QuarantineApproval.Application, _ principal: Principal) -> Bool {
        [.quarantineOfficer, .customsOfficer, .admin].contains(principal.role) || principal.partyID == application.applicant.id
    }

    /// A referred application decided by a quarantine officer; an approval is valid for the product's days.
    public func decideQuarantineApplication(_ id: String, approve: Bool, note: String, by principal: Principal) async throws
        -> QuarantineApproval.State
    {
        try requireReason(note)
        let access = try await cached().quarantineAccess
        return try await changeQuarantine(id, by: principal, officerOnly: true) { state in
            let days = state.application.map {
                access.validityDays(commodity: $0.commodityCode.rawValue, country: $0.originCountry)
            } ?? QuarantineAccess.defaultValidityDays
            return .decide(approve: approve, note: note, validityDays: days)
        }
    }

    /// Writes a shipment's quantity off an approval; concurrent write-offs never together exceed it (409 to the loser).
    public func writeOffQuarantineApproval(_ id: String, declaration: String, quantityKg: Double, by principal: Principal)
        async throws -> QuarantineApproval.State
    {
        let cached = try await cached()
        let now = environment.now()
        return try await changeQuarantine(id, by: principal, officerOnly: false, alsoInTransaction: { permit, db in
            // The permit written off against the declaration is the quarantine approval the declaration owes.
            let stored = try await EventStore.load(stream: declaration, on: db)
            let state = Declaration.replay(id: declaration, try stored.map { try $0.decode(as: Declaration.Event.self) })
            guard let draft = state.draft, state.status == .accepted,
                  let owed = state.clearance.agencyApprovals?.first(where: { $0.agency == Policy.quarantineAgency && $0.status == .pending }),
                  QuarantineApproval.covers(permit, draft, items: owed.items)
            else { return }
            let events = try Declaration.decide(
                .decideAgencyApproval(agency: owed.agency, kind: owed.kind, approve: true,
                                      note: "quarantine permit \(permit.id) written off: \(quantityKg) kg", reference: permit.id),
                state, .init(now: now, principal: .system, rules: cached.rules))
            _ = try await self.save(events, to: state, on: db)
        }) { _ in .writeOff(declaration: declaration, quantityKg: quantityKg) }
    }

    public func quarantineApplication(_ id: String, by principal: Principal) async throws -> QuarantineApproval.State {
        guard let state = try await store.read({ db in try await QuarantineApprovalTable.find(id, on: db) }),
              let application = state.application, mayRead(application, principal)
        else { throw ClearanceError.notFound(kind: "quarantine approval", id: id) }
        return state
    }

    /// Applications: the officers' queue (by status) or an applicant's own.
    public func quarantineApplications(status: QuarantineApproval.Status?, by principal: Principal) async throws
        -> [QuarantineApproval.State]
    {
        let applicant: String?
        if [.quarantineOfficer, .customsOfficer, .admin].contains(principal.role) {
            applicant = nil
        } else if Policy.declaringRoles.contains(principal.role), let party = principal.partyID {
            applicant = party
        } else {
            throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) does not read quarantine approvals")
        }
        return try await store.read { db in try await QuarantineApprovalTable.list(applicant: applicant, status: status, on: db) }
    }

    /// Time to approval on the automatic and the manual path.
    public func quarantineApprovalReport(by principal: Principal) async throws -> QuarantineApproval.Report {
        guard [.quarantineOfficer, .customsOfficer, .admin, .portAuthority].contains(principal.role) else {
            throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) does not read approval statistics")
        }
        return QuarantineApproval.Report(try await store.read { db in
            try await QuarantineApprovalTable.list(applicant: nil, status: nil, on: db)
        })
    }
}
