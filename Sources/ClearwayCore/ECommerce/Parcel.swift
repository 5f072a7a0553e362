import Crypto
import Foundation

/// A cross-border e-commerce retail import (DOMAIN.md §6): the platform's order, the payment firm's voucher and the
/// logistics firm's waybill, matched to the declaration list (inventory) whatever order they arrive in. The last
/// arrival triggers matching, the limits, the tax and the customs decision; officers review or inspect what is picked.
public enum Parcel {
    /// Where a parcel stands; the numbers are the customs receipt statuses of CEB622 (DOMAIN.md §6.3).
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Documents are arriving; no list yet.
        case awaitingList = "awaiting-list"
        case stored
        case rejected
        case manualReview = "manual-review"
        case inspection
        case held
        case released
        case closed
        case cancelled
        case returned

        /// The CEB622 `returnStatus`, where the message set has one.
        public var cebCode: Int? {
            switch self {
            case .awaitingList, .cancelled, .returned: nil
            case .stored: 120
            case .rejected: 100
            case .manualReview: 300
            case .inspection: 500
            case .held: 501
            case .released: 800
            case .closed: 899
            }
        }
    }

    /// The stream id of the parcel an order number of a platform belongs to: the same for every document that names it.
    public static func id(ebpCode: String, orderNo: String) -> String {
        "cbec-" + Hex.encode(SHA256.hash(data: Data("\(ebpCode)\n\(orderNo)".utf8))).prefix(32)
    }

    /// The list number customs gives (invtNo): the agent's customs code, the year, `I` and a nine-digit serial.
    public static func inventoryNumber(customsCode: String, year: Int, serial: Int) -> String {
        customsCode + String(year) + "I" + ChinaTime.pad(serial, 9)
    }

    /// The pre-entry number (preNo): `B`, the China day as YYYYMMDD and a nine-digit serial of that day.
    public static func preEntryNumber(at date: Date, serial: Int) -> String {
        "B" + ChinaTime.second(date).prefix(8) + ChinaTime.pad(serial, 9)
    }

    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version: Int = 0
        public var status: Status = .awaitingList
        public var order: Order?
        public var payment: Payment?
        public var waybill: Waybill?
        public var inventory: Inventory?
        /// The list number customs gives the inventory when it first arrives.
        public var invtNo: String?
        public var assessment: ParcelAssessment?
        /// Why it was rejected or sent to an officer.
        public var findings: [FieldIssue] = []
        public var random: RandomSelection.Draw?
        public var missingReported: [Party]?
        public var firstReceivedAt: Date?
        public var listedAt: Date?
        public var decidedAt: Date?
        public var releasedAt: Date?
        public var closedAt: Date?
        public var withdrawnAt: Date?
        public var taxBill: String?

        public init(id: String) { self.id = id }

        public var present: [Party] {
            [order.map { _ in Party.platform }, payment.map { _ in .payment }, waybill.map { _ in .logistics },
             inventory.map { _ in .declarant }].compactMap { $0 }
        }
        public var missing: [Party] { Party.allCases.filter { !present.contains($0) } }

        /// Whether the guarantor's guarantee carries this parcel's tax now: from release until the tax is paid or the
        /// goods are returned.
        public var holdsGuarantee: Bool { status == .released && assessment != nil }

        /// Whether the buyer's annual total carries this parcel's value now.
        public var countsTowardQuota: Bool {
            assessment != nil && ![.rejected, .cancelled, .returned].contains(status)
        }
    }

    /// What the App knows that the domain needs: time, who, the terms, the buyer's year so far, and for a list that
    /// arrives for the first time its number and the random draw made for it.
    public struct Context: Sendable {
        public var now: Date
        public var principal: Principal
        public var rules: CrossBorderRules
        public var hs: HSNomenclature?
        public var usedFen: Int64
        public var inventoryNumber: String?
        public var draw: RandomSelection.Draw?
        /// What the guarantor's electronic tax guarantee can still take (nil: it has none in force).
        public var guaranteeAvailableFen: Int64?
        public init(now: Date, principal: Principal, rules: CrossBorderRules, hs: HSNomenclature? = nil, usedFen: Int64 = 0,
                    inventoryNumber: String? = nil, draw: RandomSelection.Draw? = nil, guaranteeAvailableFen: Int64? = nil) {
            self.guaranteeAvailableFen = guaranteeAvailableFen
            self.now = now
            self.principal = principal
            self.rules = rules
            self.hs = hs
            self.usedFen = usedFen
            self.inventoryNumber = inventoryNumber
            self.draw = draw
        }
    }

    public enum Command: Sendable {
        case receive(Document)
        /// The matching window passed: say which party's document is missing.
        case reportMissing
        case review(approve: Bool, note: String)
        case inspect(passed: Bool, note: String)
        case withdraw(Withdrawal)
        /// The tax bill carrying the parcel was paid.
        case close(taxBill: String)
    }

    public enum Event: DomainEvent, Equatable {
        case received(Received)
        case assessed(Assessed)
        case rejected(Findings)
        case reviewRequested(Findings)
        case inspectionSelected(Selected)
        case reviewed(Decision)
        case inspected(Decision)
        case released(Declaration.Event.Stamp)
        case missingReported(Missing)
        case withdrawn(Withdrawn)
        case closed(Closed)

        public struct Received: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var document: Document
            public var invtNo: String?
        }
        public struct Assessed: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var assessment: ParcelAssessment
        }
        public struct Findings: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var findings: [FieldIssue]
        }
        public struct Selected: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var draw: RandomSelection.Draw
        }
        public struct Decision: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var approved: Bool
            public var note: String
        }
        public struct Missing: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var parties: [Party]
        }
        public struct Withdrawn: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var withdrawal: Withdrawal
        }
        public struct Closed: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var taxBill: String
        }

        public var name: String {
            switch self {
            case .received: "received"
            case .assessed: "assessed"
            case .rejected: "rejected"
            case .reviewRequested: "review-requested"
            case .inspectionSelected: "inspection-selected"
            case .reviewed: "reviewed"
            case .inspected: "inspected"
            case .released: "released"
            case .missingReported: "missing-reported"
            case .withdrawn: "withdrawn"
            case .closed: "closed"
            }
        }

        public var stamp: Declaration.Event.Stamp {
            switch self {
            case .received(let e): e.stamp
            case .assessed(let e): e.stamp
            case .rejected(let e), .reviewRequested(let e): e.stamp
            case .inspectionSelected(let e): e.stamp
            case .reviewed(let e), .inspected(let e): e.stamp
            case .released(let stamp): stamp
            case .missingReported(let e): e.stamp
            case .withdrawn(let e): e.stamp
            case .closed(let e): e.stamp
            }
        }
        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        public func encodePayload(with encoder: some JSONEncoding) throws -> Data {
            switch self {
            case .received(let e): try encoder.encode(e)
            case .assessed(let e): try encoder.encode(e)
            case .rejected(let e), .reviewRequested(let e): try encoder.encode(e)
            case .inspectionSelected(let e): try encoder.encode(e)
            case .reviewed(let e), .inspected(let e): try encoder.encode(e)
            case .released(let stamp): try encoder.encode(stamp)
            case .missingReported(let e): try encoder.encode(e)
            case .withdrawn(let e): try encoder.encode(e)
            case .closed(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "received": self = .received(try decoder.decode(Received.self, from: payload))
            case "assessed": self = .assessed(try decoder.decode(Assessed.self, from: payload))
            case "rejected": self = .rejected(try decoder.decode(Findings.self, from: payload))
            case "review-requested": self = .reviewRequested(try decoder.decode(Findings.self, from: payload))
            case "inspection-selected": self = .inspectionSelected(try decoder.decode(Selected.self, from: payload))
            case "reviewed": self = .reviewed(try decoder.decode(Decision.self, from: payload))
            case "inspected": self = .inspected(try decoder.decode(Decision.self, from: payload))
            case "released": self = .released(try decoder.decode(Declaration.Event.Stamp.self, from: payload))
            case "missing-reported": self = .missingReported(try decoder.decode(Missing.self, from: payload))
            case "withdrawn": self = .withdrawn(try decoder.decode(Withdrawn.self, from: payload))
            case "closed": self = .closed(try decoder.decode(Closed.self, from: payload))
            default: throw UnknownEventError(stream: "parcel", name: name)
            }
        }
    }

    public static func decide(_ command: Command, _ state: State, _ context: Context) throws(ClearanceError) -> [Event] {
        let stamp = Declaration.Event.Stamp(at: context.now, by: context.principal)
        func refuse(_ action: String) -> ClearanceError { .notAllowedInState(action: action, state: state.status.rawValue) }
        switch command {
        case .receive(let document):
            let issues = check(document, hs: context.hs, rules: context.rules)
            if !issues.isEmpty { throw .invalid(ValidationFailure(issues)) }
            let envelope = document.envelope
            guard ["1", "2"].contains(envelope.appType) else {
                throw .invalid(ValidationFailure([FieldIssue("/appType", "code-not-allowed",
                    "appType must be 1 (new) or 2 (change); a list is withdrawn by a cancellation (CEB623)")]))
            }
            let current = state.document(document.party)
            if current == document { return [] }
            guard [.awaitingList, .stored, .rejected].contains(state.status) else { throw refuse("change the \(document.party.document) of") }
            if current != nil, envelope.appType == "1" {
                throw .invalid(ValidationFailure([FieldIssue("/appType", "already-declared",
                    "this \(document.party.document) was already declared; send it with appType 2 to change it")]))
            }
            let invtNo = document.party == .declarant && state.invtNo == nil ? context.inventoryNumber : nil
            let received = Event.received(.init(stamp: stamp, document: document, invtNo: invtNo))
            return [received] + evaluate(evolve(state, received), context, stamp)
        case .reportMissing:
            guard [.awaitingList, .stored].contains(state.status), !state.missing.isEmpty, state.missingReported == nil else { return [] }
            return [.missingReported(.init(stamp: stamp, parties: state.missing))]
        case .review(let approve, let note):
            guard state.status == .manualReview else { throw refuse("review") }
            let decision = Event.reviewed(.init(stamp: stamp, approved: approve, note: note))
            guard approve else { return [decision, .rejected(.init(stamp: stamp, findings: [FieldIssue("/", "refused-on-review", note)]))] }
            if let draw = state.random, draw.selected { return [decision, .inspectionSelected(.init(stamp: stamp, draw: draw))] }
            if let shortfall = guaranteeShortfall(state.assessment, context) {
                throw .invalid(ValidationFailure([shortfall]))
            }
            return [decision, .released(stamp)]
        case .inspect(let passed, let note):
            guard state.status == .inspection else { throw refuse("record the inspection of") }
            let result = Event.inspected(.init(stamp: stamp, approved: passed, note: note))
            guard passed else { return [result] }
            if let shortfall = guaranteeShortfall(state.assessment, context) {
                return [result, .reviewRequested(.init(stamp: stamp, findings: [shortfall]))]
            }
            return [result, .released(stamp)]
        case .withdraw(let withdrawal):
            guard withdrawal.invtNo == state.invtNo else {
                throw .invalid(ValidationFailure([FieldIssue("/invtNo", "inventory-number-mismatch",
                    "invtNo '\(withdrawal.invtNo)' is not this list's number \(state.invtNo ?? "(none yet)")")]))
            }
            switch withdrawal.kind {
            case .cancellation:
                guard [.stored, .rejected, .manualReview, .inspection, .held].contains(state.status) else { throw refuse("cancel") }
            case .return:
                guard state.status == .released, let released = state.releasedAt else { throw refuse("return") }
                let deadline = released.addingTimeInterval(Double(context.rules.returnDays) * 86_400)
                guard context.now <= deadline else {
                    throw .invalid(ValidationFailure([FieldIssue("/appTime", "return-window-closed",
                        "returns are declared within \(context.rules.returnDays) days of release; this one was released on \(ChinaTime.day(released))")]))
                }
            }
            return [.withdrawn(.init(stamp: stamp, withdrawal: withdrawal))]
        case .close(let taxBill):
            guard state.status == .released else { throw refuse("close") }
            return [.closed(.init(stamp: stamp, taxBill: taxBill))]
        }
    }

    /// Whether deciding `command` may assess, release or review the parcel — only then does the App need to read the
    /// buyer's year, the random draw and the guarantee before deciding.
    public static func mayDecide(_ command: Command, on state: State) -> Bool {
        switch command {
        case .receive(let document): Set(state.present + [document.party]).count == Party.allCases.count
        case .review, .inspect: true
        case .reportMissing, .withdraw, .close: false
        }
    }

    /// Once the four documents are in: match, check the limits, assess the tax, then release, review or inspect.
    static func evaluate(_ state: State, _ context: Context, _ stamp: Declaration.Event.Stamp) -> [Event] {
        guard state.status == .stored, let order = state.order, let payment = state.payment, let waybill = state.waybill,
              let inventory = state.inventory
        else { return [] }
        let mismatches = mismatches(order: order, payment: payment, waybill: waybill, inventory: inventory)
        if !mismatches.isEmpty { return [.rejected(.init(stamp: stamp, findings: mismatches))] }
        let assessment: ParcelAssessment
        do { assessment = try context.rules.assess(inventory, usedFen: context.usedFen, at: context.now) } catch {
            return [.rejected(.init(stamp: stamp, findings: error.issues))]
        }
        var events: [Event] = [.assessed(.init(stamp: stamp, assessment: assessment))]
        var findings: [FieldIssue] = []
        let declared = order.taxTotal.fen, assessed = assessment.totalFen
        let tolerance = context.rules.terms(at: context.now)?.taxTolerance ?? 0
        if Decimal(abs(declared - assessed)) > Decimal(assessed) * tolerance {
            findings.append(FieldIssue("/OrderHead/taxTotal", "tax-withheld-differs",
                "the platform withheld \(yuan(declared)) CNY; the tax assessed is \(yuan(assessed)) CNY, more than \(NSDecimalNumber(decimal: tolerance * 100).stringValue)% apart"))
        }
        if assessment.treatment == .fullTaxSingleItem {
            findings.append(FieldIssue("/InventoryList/0", "single-item-exception",
                "above the single-transaction limit as one indivisible item: an officer confirms it cannot be split"))
        }
        if !findings.isEmpty {
            events.append(.reviewRequested(.init(stamp: stamp, findings: findings)))
        } else if let draw = context.draw, draw.selected {
            events.append(.inspectionSelected(.init(stamp: stamp, draw: draw)))
        } else if let shortfall = guaranteeShortfall(assessment, context) {
            events.append(.reviewRequested(.init(stamp: stamp, findings: [shortfall])))
        } else {
            events.append(.released(stamp))
        }
        return events
    }

    /// Goods leave before their tax is paid only under a guarantee that can take the tax.
    static func guaranteeShortfall(_ assessment: ParcelAssessment?, _ context: Context) -> FieldIssue? {
        guard let assessment, assessment.totalFen > 0 else { return nil }
        guard let available = context.guaranteeAvailableFen else {
            return FieldIssue("/InventoryHead/assureCode", "guarantee-missing", "the guarantor has no electronic tax guarantee in force")
        }
        guard assessment.totalFen <= available else {
            return FieldIssue("/InventoryHead/assureCode", "guarantee-insufficient",
                              "the tax of \(yuan(assessment.totalFen)) CNY is more than the \(yuan(available)) CNY the guarantee can still take")
        }
        return nil
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        switch event {
        case .received(let e):
            next.firstReceivedAt = next.firstReceivedAt ?? e.stamp.at
            switch e.document {
            case .order(let order): next.order = order
            case .payment(let payment): next.payment = payment
            case .waybill(let waybill): next.waybill = waybill
            case .inventory(let inventory):
                next.inventory = inventory
                next.listedAt = next.listedAt ?? e.stamp.at
            }
            if let invtNo = e.invtNo { next.invtNo = invtNo }
            // A corrected document puts a rejected list back in the queue.
            if next.inventory != nil, [.awaitingList, .rejected].contains(next.status) {
                next.status = .stored
                next.findings = []
            }
        case .assessed(let e):
            next.assessment = e.assessment
            next.decidedAt = e.stamp.at
        case .rejected(let e):
            next.status = .rejected
            next.findings = e.findings
            next.assessment = nil
        case .reviewRequested(let e):
            next.status = .manualReview
            next.findings = e.findings
        case .inspectionSelected(let e):
            next.status = .inspection
            next.random = e.draw
        case .reviewed:
            break
        case .inspected(let e):
            if !e.approved { next.status = .held }
        case .released(let stamp):
            next.status = .released
            next.releasedAt = stamp.at
        case .missingReported(let e):
            next.missingReported = e.parties
        case .withdrawn(let e):
            next.status = e.withdrawal.kind == .cancellation ? .cancelled : .returned
            next.withdrawnAt = e.stamp.at
        case .closed(let e):
            next.status = .closed
            next.closedAt = e.stamp.at
            next.taxBill = e.taxBill
        }
        return next
    }
}

extension Parcel.State {
    public func document(_ party: Parcel.Party) -> Parcel.Document? {
        switch party {
        case .platform: order.map(Parcel.Document.order)
        case .payment: payment.map(Parcel.Document.payment)
        case .logistics: waybill.map(Parcel.Document.waybill)
        case .declarant: inventory.map(Parcel.Document.inventory)
        }
    }
}

extension Parcel.Document {
    public var envelope: Parcel.Envelope {
        switch self {
        case .order(let d): d.envelope
        case .payment(let d): d.envelope
        case .waybill(let d): d.envelope
        case .inventory(let d): d.envelope
        }
    }
}
