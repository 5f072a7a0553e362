import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

/// What a charging party submits as an invoice.
public struct InvoiceForm: Sendable, Equatable, Codable {
    public var chargingParty: String?
    public var port: String
    /// The declaration (id or customs number) the services were for.
    public var declaration: String?
    public var lines: [Line]

    public struct Line: Sendable, Equatable, Codable {
        public var number: Int
        public var itemCode: String
        public var serviceDate: Date
        public var basis: String
        public var quantity: Int
        public var sizeClass: String?
        public var container: String?
        public var unitRate: String
        public var amount: String
        public var currency: String
        public init(
            number: Int, itemCode: String, serviceDate: Date, basis: String, quantity: Int, sizeClass: String?,
            container: String?, unitRate: String, amount: String, currency: String
        ) {
            self.number = number
            self.itemCode = itemCode
            self.serviceDate = serviceDate
            self.basis = basis
            self.quantity = quantity
            self.sizeClass = sizeClass
            self.container = container
            self.unitRate = unitRate
            self.amount = amount
            self.currency = currency
        }
    }

    public init(chargingParty: String?, port: String, declaration: String?, lines: [Line]) {
        self.chargingParty = chargingParty
        self.port = port
        self.declaration = declaration
        self.lines = lines
    }
}

extension Clearway {
    static let invoiceStream = "invoice"

    /// Publishes the next version of a charging party's fee list at a port.
    public func publishCatalog(_ form: FeeCatalogForm, by principal: Principal) async throws -> FeeCatalog {
        let cached = try await cached()
        guard cached.policy.allows(principal, .publishFees) else {
            throw ClearanceError.forbidden(reason: "only the port authority publishes fee lists")
        }
        let now = environment.now()
        let id = environment.makeID()
        return try await store.transaction { db in
            let previous = try await FeeTables.catalogs(port: form.port, chargingParty: form.chargingParty, on: db).last
            let checked = Result { () throws(ValidationFailure) in
                try form.validated(id: id, previous: previous, currencies: cached.reference.currencies)
            }
            guard case .success(let catalog) = checked else {
                if case .failure(let failure) = checked { throw ClearanceError.invalid(failure) }
                throw ClearanceError.invalid(ValidationFailure([]))
            }
            try await FeeTables.insert(catalog, at: now, on: db)
            return catalog
        }
    }

    /// Every published version (public).
    public func feeCatalogs() async throws -> [FeeCatalog] {
        try await store.read { db in try await FeeTables.catalogs(on: db) }
    }

    public func feeCatalog(_ id: String) async throws -> FeeCatalog {
        guard let catalog = try await store.read({ db in try await FeeTables.catalog(id: id, on: db) }) else {
            throw ClearanceError.notFound(kind: "fee catalogue", id: id)
        }
        return catalog
    }

    /// The fees every list in force at a port implies for a planned shipment.
    public func estimateFees(port: String, plan: ShipmentPlan, on date: Date? = nil) async throws
        -> [(catalog: FeeCatalog, lines: [FeeEstimateLine])]
    {
        let locode: UNLocode
        do { locode = try UNLocode(port) } catch {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/port", error.code, error.detail)]))
        }
        let day = date ?? environment.now()
        let all = try await store.read { db in try await FeeTables.catalogs(port: locode.rawValue, on: db) }
        let parties = Set(all.map(\.chargingParty)).sorted()
        return parties.compactMap { party in
            all.inForce(port: locode, chargingParty: party, on: day).map { ($0, $0.estimate(plan)) }
        }
    }

    /// Checks an invoice against the lists in force on each service date and records it with its flags.
    public func submitInvoice(_ form: InvoiceForm, by principal: Principal) async throws -> Invoice.State {
        let cached = try await cached()
        let party = form.chargingParty ?? principal.partyID ?? ""
        guard cached.policy.allows(principal, .submitInvoice(chargingParty: party)) else {
            throw ClearanceError.forbidden(reason: "invoices are submitted by the charging terminal or agency itself")
        }
        var issues = IssueCollector()
        let port = issues.check("/port") { () throws(IdentifierError) in try UNLocode(form.port) }
        var lines: [InvoiceLine] = []
        for (index, line) in form.lines.enumerated() {
            let pointer = "/lines/\(index)"
            let basis = FeeBasis(rawValue: line.basis)
            if basis == nil { issues.add("\(pointer)/basis", "basis-unknown", "'\(line.basis)' is not a fee basis") }
            guard let exponent = cached.reference.currencies[line.currency] else {
                issues.add("\(pointer)/currency", "currency-unknown", "'\(line.currency)' is not an ISO 4217 currency code")
                continue
            }
            let rate = issues.check("\(pointer)/unitRate") { () throws(IdentifierError) in
                try Money.parse(line.unitRate, currency: line.currency, exponent: exponent)
            }
            let amount = issues.check("\(pointer)/amount") { () throws(IdentifierError) in
                try Money.parse(line.amount, currency: line.currency, exponent: exponent)
            }
            if let container = line.container {
                _ = issues.check("\(pointer)/container") { () throws(IdentifierError) in try ContainerNumber(container) }
            }
            // Zero or fewer is billed wrongly and flagged on the line; more than any shipment has is no bill at all.
            if line.quantity > ShipmentPlan.largestCount {
                issues.add("\(pointer)/quantity", "count-out-of-range", "\(line.quantity): a quantity is at most \(ShipmentPlan.largestCount)")
            }
            if let basis, let rate, let amount {
                lines.append(InvoiceLine(
                    number: line.number, itemCode: line.itemCode, serviceDate: line.serviceDate, basis: basis,
                    quantity: line.quantity, sizeClass: line.sizeClass, container: line.container, unitRate: rate, amount: amount))
            }
        }
        do { try issues.finish() } catch { throw ClearanceError.invalid(error) }
        var declaration: Declaration.State?
        if let reference = form.declaration {
            declaration = try await store.read { db in try await DeclarationTable.find(reference, on: db) }
            if declaration == nil {
                throw ClearanceError.invalid(ValidationFailure([
                    FieldIssue("/declaration", "declaration-unknown", "no declaration \(reference)")
                ]))
            }
        }
        let shipment = FeeCheck.Shipment(
            inspectedWithoutFinding: declaration.map { state in
                state.clearance.lane == .inspection && state.clearance.inspectionCompliant == true
                    ? Set(state.boxes.keys) : []
            } ?? [],
            containersBySize: Dictionary(
                (declaration?.draft?.containers ?? []).compactMap { $0.sizeClass.map { ($0, 1) } }, uniquingKeysWith: +))
        let parties = declaration?.draft.map { Array($0.partyIDs).sorted() } ?? []
        let now = environment.now()
        let id = environment.makeID()
        return try await store.transaction { db in
            let catalogs = try await FeeTables.catalogs(port: port!.rawValue, chargingParty: party, on: db)
            var earlier: [InvoiceLine] = []
            if let declaration {
                earlier = try await FeeTables.billedLines(declarationID: declaration.id, chargingParty: party, on: db)
            }
            let empty = Invoice.State(id: id)
            let events = try Invoice.decide(
                .submit(
                    chargingParty: party, port: port!, declarationID: declaration?.id, shipmentParties: parties, lines: lines,
                    catalogs: catalogs, shipment: shipment, earlier: earlier),
                empty, .init(now: now, principal: principal))
            return try await self.saveInvoice(events, to: empty, at: now, on: db)
        }
    }

    public func invoice(_ id: String, by principal: Principal) async throws -> Invoice.State {
        let policy = try await cached().policy
        guard let state = try await store.read({ db in try await FeeTables.invoice(id: id, on: db) }),
            let submitted = state.submitted, policy.allows(principal, .readInvoice(submitted))
        else { throw ClearanceError.notFound(kind: "invoice", id: id) }
        return state
    }

    /// A trader disputes a flagged line of an invoice for its shipment.
    public func disputeInvoiceLine(_ id: String, line: Int, reason: String, by principal: Principal) async throws
        -> Invoice.State
    {
        try requireReason(reason)
        let policy = try await cached().policy
        let now = environment.now()
        return try await store.transaction { db in
            let stored = try await EventStore.load(stream: id, on: db)
            let state = try stored.map { try $0.decode(as: Invoice.Event.self) }.reduce(Invoice.State(id: id), Invoice.evolve)
            guard let submitted = state.submitted, policy.allows(principal, .readInvoice(submitted)) else {
                throw ClearanceError.notFound(kind: "invoice", id: id)
            }
            guard policy.allows(principal, .disputeInvoice(submitted)) else {
                throw ClearanceError.forbidden(reason: "only the shipment's trader disputes its invoice")
            }
            let events = try Invoice.decide(.dispute(line: line, reason: reason), state, .init(now: now, principal: principal))
            return try await self.saveInvoice(events, to: state, at: now, on: db)
        }
    }

    /// Charged against catalogue per charging party, port and month.
    public func feeSummary(fromMonth: String?, toMonth: String?, by principal: Principal) async throws -> [FeeTables.Summary] {
        guard try await cached().policy.allows(principal, .readFeeStatistics) else {
            throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) does not read fee statistics")
        }
        return try await store.read { db in try await FeeTables.summary(from: fromMonth, to: toMonth, on: db) }
    }

    private func saveInvoice(_ events: [Invoice.Event], to state: Invoice.State, at date: Date, on db: any SQLDatabase)
        async throws -> Invoice.State
    {
        guard !events.isEmpty else { return state }
        try await append(events, to: state.id, type: Self.invoiceStream, expectedVersion: state.version, on: db)
        let next = events.reduce(state, Invoice.evolve)
        try await FeeTables.upsert(next, at: date, on: db)
        return next
    }
}
