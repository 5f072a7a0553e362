import Foundation

/// One closed export as the customs–tax–forex chain follows it (DOMAIN.md §7.2): customs records it when the export
/// closes (who, what, value, commodity codes, rebate rates), the tax agency records the rebate filed and paid, the
/// forex side records money received from abroad, and the platform reconciles that money with the declared value.
public enum ExportRecord {
    /// What the record was made from: a general export declaration, or a monthly summary of e-commerce lists.
    public enum Source: String, Sendable, Codable { case declaration, summary }

    /// The steps of the chain, in order.
    public enum Stage: String, Sendable, Codable, CaseIterable {
        case declared, released, departed, closed
        case rebateFiled = "rebate-filed"
        case rebatePaid = "rebate-paid"
        case paymentReceived = "payment-received"
    }

    /// One commodity line with the rebate rate in force for it when the export closed.
    public struct Item: Sendable, Equatable, Codable {
        public var commodityCode: String
        public var description: String
        public var value: Money
        public var rebateRate: Decimal
        public init(commodityCode: String, description: String, value: Money, rebateRate: Decimal) {
            self.commodityCode = commodityCode
            self.description = description
            self.value = value
            self.rebateRate = rebateRate
        }
    }

    /// What customs sends the tax agency on closure.
    public struct Recorded: Sendable, Equatable, Codable {
        public var source: Source
        /// The declaration id or the summary number.
        public var reference: String
        /// The declared consignor (the service firm when one declares) and the real producer.
        public var exporter: String
        public var producer: String
        public var serviceFirm: String?
        public var items: [Item]
        public var declaredAt: Date
        public var releasedAt: Date
        public var departedAt: Date
        public var closedAt: Date
        public init(source: Source, reference: String, exporter: String, producer: String, serviceFirm: String?, items: [Item],
                    declaredAt: Date, releasedAt: Date, departedAt: Date, closedAt: Date) {
            self.source = source
            self.reference = reference
            self.exporter = exporter
            self.producer = producer
            self.serviceFirm = serviceFirm
            self.items = items
            self.declaredAt = declaredAt
            self.releasedAt = releasedAt
            self.departedAt = departedAt
            self.closedAt = closedAt
        }

        /// The declared value by currency.
        public var value: [Money] {
            Dictionary(grouping: items, by: \.value.currency).sorted { $0.key < $1.key }.map { currency, items in
                Money(minor: Money.sum(items.lazy.map(\.value.minor)), currency: currency)
            }
        }
    }

    /// A rebate filing or payment as the tax agency records it.
    public struct Rebate: Sendable, Equatable, Codable {
        public var amountFen: Int64
        public var reference: String
        public var at: Date
        public init(amountFen: Int64, reference: String, at: Date) {
            self.amountFen = amountFen
            self.reference = reference
            self.at = at
        }
    }

    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version: Int = 0
        public var recorded: Recorded?
        public var rebateFiled: Rebate?
        public var rebatePaid: Rebate?
        public var receipts: [ForexReconciliation.Receipt] = []
        public init(id: String) { self.id = id }

        /// When each step of the chain happened (nil: not yet).
        public var chain: [(stage: Stage, at: Date?)] {
            [(.declared, recorded?.declaredAt), (.released, recorded?.releasedAt), (.departed, recorded?.departedAt),
             (.closed, recorded?.closedAt), (.rebateFiled, rebateFiled?.at), (.rebatePaid, rebatePaid?.at),
             (.paymentReceived, receipts.map(\.receivedAt).max())]
        }
        /// The furthest step reached (payment may come before the rebate; the rebate steps are the furthest).
        public var stage: Stage {
            if rebatePaid != nil { return .rebatePaid }
            if rebateFiled != nil { return .rebateFiled }
            return .closed
        }
    }

    public enum Command: Sendable {
        case record(Recorded)
        case fileRebate(Rebate)
        case payRebate(Rebate)
        case receive(ForexReconciliation.Receipt)
    }

    public enum Event: DomainEvent, Equatable {
        case recorded(Stamped<Recorded>)
        case rebateFiled(Stamped<Rebate>)
        case rebatePaid(Stamped<Rebate>)
        case paymentReceived(Stamped<ForexReconciliation.Receipt>)

        public var name: String {
            switch self {
            case .recorded: "recorded"
            case .rebateFiled: "rebate-filed"
            case .rebatePaid: "rebate-paid"
            case .paymentReceived: "payment-received"
            }
        }
        public var stamp: Declaration.Event.Stamp {
            switch self {
            case .recorded(let e): e.stamp
            case .rebateFiled(let e), .rebatePaid(let e): e.stamp
            case .paymentReceived(let e): e.stamp
            }
        }
        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        public func encodePayload(with encoder: some JSONEncoding) throws -> Data {
            switch self {
            case .recorded(let e): try encoder.encode(e)
            case .rebateFiled(let e), .rebatePaid(let e): try encoder.encode(e)
            case .paymentReceived(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "recorded": self = .recorded(try decoder.decode(Stamped<Recorded>.self, from: payload))
            case "rebate-filed": self = .rebateFiled(try decoder.decode(Stamped<Rebate>.self, from: payload))
            case "rebate-paid": self = .rebatePaid(try decoder.decode(Stamped<Rebate>.self, from: payload))
            case "payment-received": self = .paymentReceived(try decoder.decode(Stamped<ForexReconciliation.Receipt>.self, from: payload))
            default: throw UnknownEventError(stream: "export-record", name: name)
            }
        }
    }

    /// A value with who recorded it and when.
    public struct Stamped<Value: Sendable & Equatable & Codable>: Sendable, Equatable, Codable {
        public var stamp: Declaration.Event.Stamp
        public var value: Value
    }

    /// The rebate rate of a commodity code: the longest prefix listed, 0 when none is (goods without a rebate).
    public static func rebateRate(for code: String, in rates: [String: Decimal]) -> Decimal {
        CommodityCode.longestPrefix(of: code, in: rates) ?? 0
    }

    /// The last day a rebate for an export closed at `date` may be filed: 30 April of the next year (DOMAIN.md §7.2,
    /// SAT 2013 No.30).
    public static func filingDeadline(closedAt date: Date) -> String {
        "\(ChinaTime.year(date) + 1)-04-30"
    }

    public static func decide(_ command: Command, _ state: State, now: Date, principal: Principal) throws(ClearanceError) -> [Event] {
        let stamp = Declaration.Event.Stamp(at: now, by: principal)
        switch command {
        case .record(let recorded):
            // Closure is recorded once; a second closure of the same export changes nothing.
            return state.recorded == nil ? [.recorded(.init(stamp: stamp, value: recorded))] : []
        case .fileRebate(let filing):
            guard let recorded = state.recorded else { throw .notFound(kind: "export record", id: state.id) }
            if let filed = state.rebateFiled {
                if filed.reference == filing.reference, filed.amountFen == filing.amountFen { return [] }
                throw .notAllowedInState(action: "file a second rebate for", state: ExportRecord.Stage.rebateFiled.rawValue)
            }
            var issues = IssueCollector()
            if filing.amountFen <= 0 { issues.add("/amountFen", "amount-not-positive", "a rebate filed is above zero") }
            let deadline = filingDeadline(closedAt: recorded.closedAt)
            if ChinaTime.day(filing.at) > deadline {
                issues.add("/filedAt", "filing-window-closed", "a rebate for an export closed on \(ChinaTime.day(recorded.closedAt)) is filed by \(deadline)")
            }
            if filing.at < recorded.closedAt {
                issues.add("/filedAt", "before-closure", "a rebate is filed after the export closed (\(ChinaTime.day(recorded.closedAt)))")
            }
            if !issues.issues.isEmpty { throw .invalid(ValidationFailure(issues.issues)) }
            return [.rebateFiled(.init(stamp: stamp, value: filing))]
        case .payRebate(let payment):
            guard let filed = state.rebateFiled else {
                throw .notAllowedInState(action: "pay a rebate not filed for", state: state.stage.rawValue)
            }
            if let paid = state.rebatePaid {
                if paid.reference == payment.reference, paid.amountFen == payment.amountFen { return [] }
                throw .notAllowedInState(action: "pay a second rebate for", state: Stage.rebatePaid.rawValue)
            }
            if payment.amountFen <= 0 || payment.amountFen > filed.amountFen {
                throw .invalid(ValidationFailure([FieldIssue("/amountFen", "amount-out-of-range",
                    "a rebate paid is above zero and at most the \(yuan(filed.amountFen)) CNY filed")]))
            }
            return [.rebatePaid(.init(stamp: stamp, value: payment))]
        case .receive(let receipt):
            guard state.recorded != nil else { throw .notFound(kind: "export record", id: state.id) }
            // A bank reference is recorded once: the same receipt sent again changes nothing.
            if let known = state.receipts.first(where: { $0.bankReference == receipt.bankReference }) {
                if known == receipt { return [] }
                throw .conflict(stream: state.id, expectedVersion: state.version)
            }
            if receipt.amount.minor <= 0 {
                throw .invalid(ValidationFailure([FieldIssue("/amount", "amount-not-positive", "a receipt is above zero")]))
            }
            return [.paymentReceived(.init(stamp: stamp, value: receipt))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        switch event {
        case .recorded(let e): next.recorded = e.value
        case .rebateFiled(let e): next.rebateFiled = e.value
        case .rebatePaid(let e): next.rebatePaid = e.value
        case .paymentReceived(let e): next.receipts.append(e.value)
        }
        return next
    }

    /// The record as flat fields, the form agencies' views are cut from (`AgencySharing`).
    public static func fields(_ state: State) -> [String: String] {
        guard let recorded = state.recorded else { return [:] }
        var fields: [String: String] = [
            "id": state.id, "source": recorded.source.rawValue, "reference": recorded.reference, "exporter": recorded.exporter,
            "producer": recorded.producer, "serviceFirm": recorded.serviceFirm ?? "",
            "commodityCodes": recorded.items.map(\.commodityCode).joined(separator: " "),
            "descriptions": recorded.items.map(\.description).joined(separator: "; "),
            "value": recorded.value.map { "\($0.currency) \($0.formatted(exponent: 2))" }.joined(separator: ", "),
            "rebateRates": recorded.items.map { "\($0.commodityCode):\($0.rebateRate)" }.joined(separator: " "),
            "declaredAt": Timestamp.format(recorded.declaredAt), "releasedAt": Timestamp.format(recorded.releasedAt),
            "departedAt": Timestamp.format(recorded.departedAt), "closedAt": Timestamp.format(recorded.closedAt),
            "rebateFiled": state.rebateFiled.map { yuan($0.amountFen) } ?? "", "rebatePaid": state.rebatePaid.map { yuan($0.amountFen) } ?? "",
            "receipts": state.receipts.map { "\($0.bankReference) \($0.amount.currency) \($0.amount.formatted(exponent: 2))" }
                .joined(separator: ", "),
        ]
        fields["filingDeadline"] = filingDeadline(closedAt: recorded.closedAt)
        return fields
    }
}
