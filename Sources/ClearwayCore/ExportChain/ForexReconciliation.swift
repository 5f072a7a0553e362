import Foundation

/// Matching the foreign-exchange receipts of a closed export with its declared value (DOMAIN.md §7.2 step 4), as the
/// platform flags exports whose money did not come back: receipts may come in parts and in another currency; each is
/// converted to CNY at the published rate of its own day, the declared value at the rate of the day the export closed.
///
/// The tolerance and the window are reference data (`Data/reference/forex-terms.csv`): DOMAIN.md gives them as
/// practice, not as a rule it could cite.
public enum ForexReconciliation {
    /// How close and how soon the money must come.
    public struct Terms: Sendable, Equatable {
        /// Share of the declared value the received total may differ by and still match (0.05 = 5%).
        public var tolerance: Decimal
        /// Days after closure within which a receipt counts as on time.
        public var windowDays: Int
        public init(tolerance: Decimal, windowDays: Int) {
            self.tolerance = tolerance
            self.windowDays = windowDays
        }
    }

    /// Published exchange rates: CNY for one unit of a currency, from a day on (China time).
    public struct Rates: Sendable, Equatable {
        public var table: [String: [(from: Date, cny: Decimal)]]
        public init(_ entries: [(currency: String, from: Date, cny: Decimal)]) {
            var table: [String: [(from: Date, cny: Decimal)]] = [:]
            for entry in entries { table[entry.currency, default: []].append((entry.from, entry.cny)) }
            self.table = table.mapValues { $0.sorted { $0.from < $1.from } }
        }
        public static func == (a: Rates, b: Rates) -> Bool {
            a.table.keys == b.table.keys && a.table.allSatisfy { key, value in
                let other = b.table[key]!
                return value.count == other.count && zip(value, other).allSatisfy { $0.from == $1.from && $0.cny == $1.cny }
            }
        }

        /// The rate in force at `date`: the latest published on or before it; CNY is 1.
        public func cny(_ currency: String, at date: Date) -> Decimal? {
            if currency == "CNY" { return 1 }
            return table[currency]?.last { $0.from <= date }?.cny
        }
    }

    /// Money received from abroad for an export.
    public struct Receipt: Sendable, Equatable, Codable {
        public var amount: Money
        public var receivedAt: Date
        public var bankReference: String
        public init(amount: Money, receivedAt: Date, bankReference: String) {
            self.amount = amount
            self.receivedAt = receivedAt
            self.bankReference = bankReference
        }

        /// A receipt as the forex side states it, checked, every problem at once: a currency the platform lists, an
        /// amount in that currency's minor units, the bank's reference, and a time not ahead of now (an hour's grace
        /// for clocks that differ).
        public static func validated(amount text: String, currency: String, receivedAt: Date, bankReference: String,
                                     exponents: [String: Int], now: Date) throws(ClearanceError) -> Receipt
        {
            var issues = IssueCollector()
            var amount: Money?
            if let exponent = exponents[currency] {
                do { amount = try Money.parse(text, currency: currency, exponent: exponent) } catch {
                    issues.add("/amount", error.code, error.detail)
                }
            } else {
                issues.add("/currency", "code-unknown", "\(currency) is not an ISO 4217 currency the platform lists")
            }
            if bankReference.isEmpty { issues.add("/bankReference", "required", "the bank's reference identifies the receipt") }
            if receivedAt > now.addingTimeInterval(3600) { issues.add("/receivedAt", "in-future", "money cannot be received in the future") }
            guard let amount, issues.issues.isEmpty else { throw .invalid(ValidationFailure(issues.issues)) }
            return Receipt(amount: amount, receivedAt: receivedAt, bankReference: bankReference)
        }
    }

    public enum Status: String, Sendable, Codable {
        /// The on-time receipts add up to the declared value within the tolerance.
        case matched
        /// Less has come than declared, and the window is still open.
        case awaiting
        /// The window closed with less received than declared, beyond the tolerance.
        case short
        /// More received than declared, beyond the tolerance.
        case over

        /// Money that did not match, either way, and needs a person: what the flagged list of export records shows.
        public var isFlagged: Bool { self == .short || self == .over }
    }

    public struct Result: Sendable, Equatable {
        public var status: Status
        /// Declared value and on-time receipts in fen, each converted at its own day's rate.
        public var declaredFen: Int64
        public var receivedFen: Int64
        /// Receipts after the window, kept apart: they do not count towards the match.
        public var lateReceipts: [String]
        /// Why, for the flag a person reads.
        public var detail: String
    }

    public enum Failure: Error, Equatable {
        /// No published rate for a currency on a day: the match cannot be computed and nothing is flagged.
        case noRate(currency: String, at: Date)
    }

    /// Reconciles one export's receipts; `now` decides whether a shortfall is still awaited or already short.
    public static func reconcile(
        declared: Money, closedAt: Date, receipts: [Receipt], rates: Rates, terms: Terms, exponents: [String: Int], now: Date
    ) throws(Failure) -> Result {
        try reconcile(declared: [declared], closedAt: closedAt, receipts: receipts, rates: rates, terms: terms, exponents: exponents, now: now)
    }

    /// Reconciles an export declared in several currencies: each part is converted at the closure day's rate.
    public static func reconcile(
        declared: [Money], closedAt: Date, receipts: [Receipt], rates: Rates, terms: Terms, exponents: [String: Int], now: Date
    ) throws(Failure) -> Result {
        func fen(_ money: Money, at date: Date) throws(Failure) -> Decimal {
            guard let rate = rates.cny(money.currency, at: date) else { throw .noRate(currency: money.currency, at: date) }
            let exponent = exponents[money.currency] ?? 2
            var units = Decimal(money.minor)
            for _ in 0..<exponent { units /= 10 }
            return units * rate * 100
        }
        let deadline = closedAt.addingTimeInterval(Double(terms.windowDays) * 86_400)
        var declaredFen: Decimal = 0
        for part in declared { declaredFen += try fen(part, at: closedAt) }
        var received: Decimal = 0
        var late: [String] = []
        for receipt in receipts.sorted(by: { $0.receivedAt < $1.receivedAt }) {
            if receipt.receivedAt > deadline {
                late.append(receipt.bankReference)
            } else {
                received += try fen(receipt.amount, at: receipt.receivedAt)
            }
        }
        let allowed = declaredFen * terms.tolerance
        let difference = received - declaredFen
        let status: Status
        if abs(difference) <= allowed {
            status = .matched
        } else if difference > 0 {
            status = .over
        } else {
            status = now > deadline ? .short : .awaiting
        }
        let declaredRounded = rounded(declaredFen), receivedRounded = rounded(received)
        let share = declaredFen == 0 ? 0 : NSDecimalNumber(decimal: received / declaredFen * 100).doubleValue
        let detail = String(format: "received %.2f%% of the declared value (CNY %.2f of %.2f) within %d days", share,
                            Double(receivedRounded) / 100, Double(declaredRounded) / 100, terms.windowDays)
            + (late.isEmpty ? "" : "; \(late.count) receipt(s) after the window: \(late.joined(separator: ", "))")
        return Result(status: status, declaredFen: declaredRounded, receivedFen: receivedRounded, lateReceipts: late, detail: detail)
    }

    /// Rounded once, half away from zero, to the fen.
    static func rounded(_ value: Decimal) -> Int64 {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, 0, .plain)
        return NSDecimalNumber(decimal: output).int64Value
    }
}
