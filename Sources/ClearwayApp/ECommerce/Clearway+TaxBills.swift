import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation
import SQLKit

/// An electronic tax guarantee as a bank gives it.
public struct GuaranteeForm: Sendable {
    public var assureCode: String
    public var bank: String
    public var amountFen: Int64
    public var validUntil: Date
    public init(assureCode: String, bank: String, amountFen: Int64, validUntil: Date) {
        self.assureCode = assureCode
        self.bank = bank
        self.amountFen = amountFen
        self.validUntil = validUntil
    }
}

extension Clearway {
    static let taxBillStream = "tax-bill"

    /// Registers or changes a guarantor's electronic tax guarantee (customs officers, administrators).
    public func setTaxGuarantee(_ form: GuaranteeForm, by principal: Principal) async throws -> TaxBillTables.Guarantee {
        guard try await cached().policy.allows(principal, .manageTaxGuarantees) else {
            throw ClearanceError.forbidden(reason: "tax guarantees are registered by customs")
        }
        var issues = IssueCollector()
        if form.assureCode.isEmpty || form.assureCode.count > 64 { issues.add("/assureCode", "length", "a guarantor's customs code, 1 to 64 characters") }
        if form.bank.trimmingWhitespaces().isEmpty { issues.add("/bank", "required", "the bank that gives the guarantee") }
        if form.amountFen <= 0 { issues.add("/amountFen", "amount-not-positive", "a guarantee is for more than nothing") }
        if form.validUntil <= environment.now() { issues.add("/validUntil", "expired", "the guarantee must run past today") }
        do { try issues.finish() } catch { throw ClearanceError.invalid(error) }
        let now = environment.now()
        return try await store.transaction { db in
            try await TaxBillTables.setGuarantee(.init(assureCode: form.assureCode, bank: form.bank, amountFen: form.amountFen,
                                                       validUntil: form.validUntil), at: now, on: db)
            return try await TaxBillTables.guarantee(form.assureCode, on: db)!
        }
    }

    /// Guarantees: all for customs, a guarantor its own.
    public func taxGuarantees(by principal: Principal) async throws -> [TaxBillTables.Guarantee] {
        let policy = try await cached().policy
        let all = try await store.read { db in try await TaxBillTables.guarantees(on: db) }
        if policy.allows(principal, .manageTaxGuarantees) { return all }
        let code = try await customsCode(of: principal)
        guard let code, policy.allows(principal, .readTaxBills(assureCode: code, viewerCode: code)) else {
            throw ClearanceError.forbidden(reason: "guarantees are seen by customs and their guarantors")
        }
        return all.filter { $0.assureCode == code }
    }

    /// Issues the bills of every half-month whose return window has closed, one per guarantor: what the billing
    /// worker runs. Returns the bills issued.
    @discardableResult
    public func issueTaxBills() async throws -> [TaxBill.State] {
        let cached = try await cached()
        let now = environment.now()
        guard var oldest = try await store.read({ db in try await TaxBillTables.oldestUnbilledRelease(on: db) }) else { return [] }
        var issued: [TaxBill.State] = []
        while true {
            let period = TaxBill.Period(containing: oldest)
            guard period.billable(returnDays: cached.crossBorder.returnDays) <= now else { break }
            let bills = try await store.transaction { db in
                var bills: [TaxBill.State] = []
                for (assure, parcels) in try await TaxBillTables.billable(from: period.start, to: period.end, on: db).sorted(by: { $0.key < $1.key }) {
                    let id = TaxBill.id(assureCode: assure, period: period)
                    let state = try await TaxBillTables.find(id, on: db) ?? TaxBill.State(id: id)
                    let items = parcels.compactMap { parcel in
                        parcel.assessment.map { TaxBill.Item(parcelID: parcel.id, invtNo: parcel.invtNo ?? "", dutyFen: $0.dutyFen,
                                                             vatFen: $0.vatFen, consumptionFen: $0.consumptionFen) }
                    }
                    let events = try TaxBill.decide(.issue(assureCode: assure, period: period, items: items), state, now: now, principal: .system)
                    bills.append(try await self.saveTaxBill(events, to: state, on: db))
                }
                return bills
            }
            issued += bills
            oldest = period.end
        }
        return issued
    }

    func saveTaxBill(_ events: [TaxBill.Event], to state: TaxBill.State, on db: any SQLDatabase) async throws -> TaxBill.State {
        guard !events.isEmpty else { return state }
        try await append(events, to: state.id, type: Self.taxBillStream, expectedVersion: state.version, on: db)
        let next = events.reduce(state, TaxBill.evolve)
        try await TaxBillTables.upsert(next, on: db)
        return next
    }

    func mayRead(_ bill: TaxBill.State, _ principal: Principal) async throws -> Bool {
        let viewer = try await customsCode(of: principal)
        return try await cached().policy.allows(principal, .readTaxBills(assureCode: bill.assureCode, viewerCode: viewer))
    }

    public func taxBills(by principal: Principal) async throws -> [TaxBill.State] {
        let policy = try await cached().policy
        if policy.allows(principal, .readTaxBills(assureCode: nil, viewerCode: nil)) {
            return try await store.read { db in try await TaxBillTables.list(assureCode: nil, on: db) }
        }
        let code = try await customsCode(of: principal)
        guard let code, policy.allows(principal, .readTaxBills(assureCode: code, viewerCode: code)) else {
            throw ClearanceError.forbidden(reason: "tax bills are seen by customs, tax and their guarantors")
        }
        return try await store.read { db in try await TaxBillTables.list(assureCode: code, on: db) }
    }

    public func taxBill(_ id: String, by principal: Principal) async throws -> TaxBill.State {
        guard let bill = try await store.read({ db in try await TaxBillTables.find(id, on: db) }), try await mayRead(bill, principal) else {
            throw ClearanceError.notFound(kind: "tax bill", id: id)
        }
        return bill
    }

    /// The guarantor pays a bill: a signed payment order to the bank gateway, whose answer (its payment id) is recorded;
    /// the bank's signed callback settles it later. Nothing changes when the gateway does not answer.
    public func payTaxBill(_ id: String, by principal: Principal) async throws -> TaxBill.State {
        let bill = try await taxBill(id, by: principal)
        let payer = try await customsCode(of: principal)
        guard try await cached().policy.allows(principal, .payTaxBill(assureCode: bill.assureCode, viewerCode: payer)) else {
            throw ClearanceError.forbidden(reason: "a bill is paid by its guarantor")
        }
        guard bill.status == .issued else { throw ClearanceError.notAllowedInState(action: "pay", state: bill.status.rawValue) }
        guard let gateway = environment.bankGateway() else { throw ClearanceError.unavailable(what: "the bank gateway (none configured)") }
        let order = BankPaymentOrder(reference: bill.id, amountFen: bill.totalFen, payer: bill.assureCode, currency: "CNY",
                                     callback: environment.publicURL + "/api/v1/bank/callbacks")
        let body = try JSONEncoder().encode(order)
        let signature = Webhook.signature(secret: environment.bankSecret, timestamp: Int(environment.now().timeIntervalSince1970), body: body)
        let answer: BankPaymentAccepted
        do {
            let (status, data) = try await BankGateway.post(gateway.appendingPathComponent("payments"), signature: signature, body: body)
            guard status == 202 || status == 200 else { throw ClearanceError.unavailable(what: "the bank gateway (HTTP \(status))") }
            answer = try JSONDecoder().decode(BankPaymentAccepted.self, from: data)
        } catch let error as ClearanceError {
            throw error
        } catch {
            throw ClearanceError.unavailable(what: "the bank gateway at \(gateway.absoluteString)")
        }
        let now = environment.now()
        // The bank's callback may come while this is written, on another connection (PostgreSQL): the write that loses
        // reads the bill again rather than failing the guarantor, who did nothing wrong.
        for _ in 0..<20 {
            do {
                return try await store.transaction { db in
                    guard let current = try await TaxBillTables.find(id, on: db) else { throw ClearanceError.notFound(kind: "tax bill", id: id) }
                    // The callback may already have come: then the bill is settled and this request changes nothing.
                    if current.bankPayment == answer.payment { return current }
                    let events = try TaxBill.decide(.requestPayment(bank: answer.bank, payment: answer.payment), current, now: now, principal: principal)
                    return try await self.saveTaxBill(events, to: current, on: db)
                }
            } catch ClearanceError.conflict { continue }
        }
        throw ClearanceError.conflict(stream: id, expectedVersion: bill.version)
    }

    /// The bank's callback, signed with the shared secret; a callback sent again changes nothing. Paid: every parcel on
    /// the bill closes (899) and its tax leaves the guarantee, in the same transaction.
    public func settleBankCallback(_ body: Data, signature: String?) async throws -> TaxBill.State {
        let now = environment.now()
        guard let signature, Webhook.verify(header: signature, secret: environment.bankSecret, body: body, now: now) else {
            throw ClearanceError.unauthenticated(reason: "the callback's Bank-Signature does not verify")
        }
        let callback: BankCallback
        do { callback = try JSONDecoder().decode(BankCallback.self, from: body) } catch {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/", "callback-malformed", "\(error)")]))
        }
        let cached = try await cached()
        for _ in 0..<20 {
            do {
                return try await store.transaction { db in
                    var found = try await TaxBillTables.find(payment: callback.payment, on: db)
                    if found == nil { found = try await TaxBillTables.find(callback.reference, on: db) }
                    guard let bill = found else { throw ClearanceError.notFound(kind: "tax bill", id: callback.reference) }
                    let bank = Principal(userID: "bank", username: bill.bank ?? "bank", role: .admin)
                    let events = try TaxBill.decide(.settle(bank: bill.bank ?? "bank", payment: callback.payment, paid: callback.status == "paid",
                                                            amountFen: callback.amountFen, reason: callback.reason),
                                                    bill, now: now, principal: bank)
                    let next = try await self.saveTaxBill(events, to: bill, on: db)
                    if events.contains(where: { if case .paid = $0 { true } else { false } }) {
                        for item in next.items {
                            guard let found = try await ParcelTables.find(item.parcelID, on: db), found.state.status == .released else { continue }
                            try await self.decideParcel(.close(taxBill: next.id), found.state, preNo: found.preNo, principal: bank,
                                                        cached: cached, on: db)
                        }
                    }
                    return next
                }
            } catch is QuotaMoved { continue } catch ClearanceError.conflict { continue }
        }
        throw ClearanceError.conflict(stream: callback.reference, expectedVersion: -1)
    }
}

/// What the platform sends a bank's gateway, and what the bank calls back with (JSON, signed both ways with
/// `t=<unix>,v1=<HMAC-SHA256>` under the shared secret).
public struct BankPaymentOrder: Codable, Sendable {
    public var reference: String
    public var amountFen: Int64
    public var payer: String
    public var currency: String
    public var callback: String
}

public struct BankPaymentAccepted: Codable, Sendable {
    public var bank: String
    public var payment: String
    public init(bank: String, payment: String) {
        self.bank = bank
        self.payment = payment
    }
}

public struct BankCallback: Codable, Sendable {
    public var payment: String
    public var reference: String
    public var amountFen: Int64
    public var status: String
    public var reason: String?
    public init(payment: String, reference: String, amountFen: Int64, status: String, reason: String? = nil) {
        self.payment = payment
        self.reference = reference
        self.amountFen = amountFen
        self.status = status
        self.reason = reason
    }
}

/// The HTTP side of the bank gateway: signed JSON both ways.
public enum BankGateway {
    /// POSTs a signed JSON body; returns the status and body.
    public static func post(_ url: URL, signature: String, body: Data, header: String = "Clearway-Signature") async throws -> (Int, Data) {
        let answer = try await WebhookPost.post(to: url, headers: ["Content-Type": "application/json", header: signature], body: body)
        return (answer.status, answer.body)
    }
}
