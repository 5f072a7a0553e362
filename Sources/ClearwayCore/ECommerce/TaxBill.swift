import Foundation

/// A summary tax bill (汇总税单): the taxes of one guarantor's parcels released in one half-month, issued once their
/// return window has closed and paid electronically through a bank (DOMAIN.md §6.4). Paying it closes the parcels
/// and frees the guarantee they held.
public enum TaxBill {
    /// A half-month of release dates in China time: the 1st–15th ("A") or the 16th to the month's end ("B").
    public struct Period: Sendable, Hashable, Codable, CustomStringConvertible {
        public var year: Int
        public var month: Int
        public var half: Int

        public init(year: Int, month: Int, half: Int) {
            self.year = year
            self.month = month
            self.half = half
        }

        public init(containing date: Date) {
            let c = ChinaTime.civil(date)
            self.init(year: c.year, month: c.month, half: c.day <= 15 ? 1 : 2)
        }

        public init?(_ text: String) {
            let parts = text.split(separator: "-")
            guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month),
                  parts[2] == "A" || parts[2] == "B"
            else { return nil }
            self.init(year: year, month: month, half: parts[2] == "A" ? 1 : 2)
        }

        /// `2026-05-B`.
        public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)-\(half == 1 ? "A" : "B")" }

        /// The first moment of the period and of the next, in China time.
        public var start: Date { Self.moment(year, month, half == 1 ? 1 : 16) }
        public var end: Date {
            half == 1 ? Self.moment(year, month, 16) : (month == 12 ? Self.moment(year + 1, 1, 1) : Self.moment(year, month + 1, 1))
        }

        static func moment(_ year: Int, _ month: Int, _ day: Int) -> Date {
            Timestamp.parse("\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)T00:00:00+08:00")!
        }

        /// When the bill may be issued: the last release of the period is past its return window.
        public func billable(returnDays: Int) -> Date { end.addingTimeInterval(Double(returnDays) * 86_400) }
    }

    /// One parcel on a bill.
    public struct Item: Sendable, Equatable, Codable {
        public var parcelID: String
        public var invtNo: String
        public var dutyFen: Int64
        public var vatFen: Int64
        public var consumptionFen: Int64
        public var totalFen: Int64 { dutyFen + vatFen + consumptionFen }
        public init(parcelID: String, invtNo: String, dutyFen: Int64, vatFen: Int64, consumptionFen: Int64) {
            self.parcelID = parcelID
            self.invtNo = invtNo
            self.dutyFen = dutyFen
            self.vatFen = vatFen
            self.consumptionFen = consumptionFen
        }
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case issued
        case paymentRequested = "payment-requested"
        case paid
    }

    public static func id(assureCode: String, period: Period) -> String { "taxbill-\(assureCode)-\(period)" }

    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version = 0
        public var assureCode = ""
        public var period: Period?
        public var items: [Item] = []
        public var status: Status = .issued
        public var issuedAt: Date?
        public var requestedAt: Date?
        public var bank: String?
        public var bankPayment: String?
        public var paidAt: Date?
        public var failures: [String] = []
        public init(id: String) { self.id = id }
        public var totalFen: Int64 { items.reduce(0) { $0 + $1.totalFen } }
    }

    public enum Command: Sendable {
        case issue(assureCode: String, period: Period, items: [Item])
        /// The gateway took the payment order under its own payment id.
        case requestPayment(bank: String, payment: String)
        /// The bank's signed callback: paid or failed, with its payment id and the amount it moved.
        case settle(bank: String, payment: String, paid: Bool, amountFen: Int64, reason: String?)
    }

    public enum Event: DomainEvent, Equatable {
        case issued(Issued)
        case paymentRequested(Requested)
        case paid(Settled)
        case paymentFailed(Settled)

        public struct Issued: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var assureCode: String
            public var period: Period
            public var items: [Item]
        }
        public struct Requested: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var bank: String
            public var payment: String
        }
        public struct Settled: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var payment: String
            public var amountFen: Int64
            public var reason: String?
        }

        public var name: String {
            switch self {
            case .issued: "issued"
            case .paymentRequested: "payment-requested"
            case .paid: "paid"
            case .paymentFailed: "payment-failed"
            }
        }
        public var stamp: Declaration.Event.Stamp {
            switch self {
            case .issued(let e): e.stamp
            case .paymentRequested(let e): e.stamp
            case .paid(let e), .paymentFailed(let e): e.stamp
            }
        }
        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        public func encodePayload(with encoder: some JSONEncoding) throws -> Data {
            switch self {
            case .issued(let e): try encoder.encode(e)
            case .paymentRequested(let e): try encoder.encode(e)
            case .paid(let e), .paymentFailed(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "issued": self = .issued(try decoder.decode(Issued.self, from: payload))
            case "payment-requested": self = .paymentRequested(try decoder.decode(Requested.self, from: payload))
            case "paid": self = .paid(try decoder.decode(Settled.self, from: payload))
            case "payment-failed": self = .paymentFailed(try decoder.decode(Settled.self, from: payload))
            default: throw UnknownEventError(stream: "tax-bill", name: name)
            }
        }
    }

    public static func decide(_ command: Command, _ state: State, now: Date, principal: Principal) throws(ClearanceError) -> [Event] {
        let stamp = Declaration.Event.Stamp(at: now, by: principal)
        switch command {
        case .issue(let assureCode, let period, let items):
            guard state.issuedAt == nil else { return [] }
            return [.issued(.init(stamp: stamp, assureCode: assureCode, period: period, items: items))]
        case .requestPayment(let bank, let payment):
            guard state.status == .issued, state.issuedAt != nil else {
                throw .notAllowedInState(action: "request payment of", state: state.status.rawValue)
            }
            return [.paymentRequested(.init(stamp: stamp, bank: bank, payment: payment))]
        case .settle(let bank, let payment, let paid, let amountFen, let reason):
            // A callback the bank sends again (it retries until we answer) changes nothing.
            if state.status == .paid, state.bankPayment == payment { return [] }
            var recorded: [Event] = []
            if state.status == .issued, state.issuedAt != nil {
                // The bank took an order whose answer never reached us (a timeout): its callback records it now.
                recorded = [.paymentRequested(.init(stamp: stamp, bank: bank, payment: payment))]
            } else {
                guard state.status == .paymentRequested, state.bankPayment == payment else {
                    throw .notAllowedInState(action: "settle payment \(payment) of", state: state.status.rawValue)
                }
            }
            if paid {
                guard amountFen == state.totalFen else {
                    throw .invalid(ValidationFailure([FieldIssue("/amountFen", "amount-mismatch",
                        "the bank moved \(yuan(amountFen)) CNY; the bill is \(yuan(state.totalFen)) CNY")]))
                }
                return recorded + [.paid(.init(stamp: stamp, payment: payment, amountFen: amountFen, reason: nil))]
            }
            return recorded + [.paymentFailed(.init(stamp: stamp, payment: payment, amountFen: amountFen, reason: reason ?? "refused by the bank"))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        switch event {
        case .issued(let e):
            next.assureCode = e.assureCode
            next.period = e.period
            next.items = e.items
            next.issuedAt = e.stamp.at
            next.status = .issued
        case .paymentRequested(let e):
            next.status = .paymentRequested
            next.bank = e.bank
            next.bankPayment = e.payment
            next.requestedAt = e.stamp.at
        case .paid(let e):
            next.status = .paid
            next.paidAt = e.stamp.at
        case .paymentFailed(let e):
            next.status = .issued
            next.failures.append(e.reason ?? "failed")
        }
        return next
    }
}
