import ClearwayCore
import Foundation
import Testing

@Suite("Export chain: foreign exchange and sharing")
struct ForexReconciliationTests {
    static let closed = Date(timeIntervalSince1970: 1_780_000_000)
    static func day(_ n: Double) -> Date { closed.addingTimeInterval(n * 86_400) }
    static let terms = ForexReconciliation.Terms(tolerance: Decimal(string: "0.05")!, windowDays: 90)
    static let rates = ForexReconciliation.Rates([
        ("USD", day(-10), Decimal(string: "7.1000")!), ("USD", day(20), Decimal(string: "7.1200")!),
        ("EUR", day(-10), Decimal(string: "7.8000")!),
    ])
    static let exponents = ["CNY": 2, "USD": 2, "EUR": 2, "JPY": 0]

    static func receipt(_ minor: Int64, _ currency: String, on day: Double, _ reference: String = "r") -> ForexReconciliation.Receipt {
        .init(amount: Money(minor: minor, currency: currency), receivedAt: Self.day(day), bankReference: reference)
    }

    static func reconcile(_ declared: Money, _ receipts: [ForexReconciliation.Receipt], now: Double = 100) throws -> ForexReconciliation.Result {
        try ForexReconciliation.reconcile(declared: declared, closedAt: closed, receipts: receipts, rates: rates, terms: terms,
                                          exponents: exponents, now: day(now))
    }

    @Test("payments in parts add up, each at its own day's rate; a part alone is awaited, then short once the window closes")
    func partialPayments() throws {
        let declared = Money(minor: 1_000_000, currency: "USD")  // USD 10,000.00 at 7.10 = CNY 71,000.00
        let both = try Self.reconcile(declared, [Self.receipt(600_000, "USD", on: 5), Self.receipt(390_000, "USD", on: 30)])
        #expect(both.declaredFen == 7_100_000)
        #expect(both.receivedFen == 4_260_000 + 2_776_800)  // 6,000 × 7.10 + 3,900 × 7.12
        #expect(both.status == .matched)
        let part = try Self.reconcile(declared, [Self.receipt(600_000, "USD", on: 5)], now: 60)
        #expect(part.status == .awaiting)
        let closedShort = try Self.reconcile(declared, [Self.receipt(600_000, "USD", on: 5)], now: 91)
        #expect(closedShort.status == .short && closedShort.detail.hasPrefix("received 60.00% of the declared value"))
    }

    @Test("a receipt in another currency is converted at the published rate of its day")
    func currencyConversion() throws {
        // USD 10,000.00 declared (CNY 71,000.00); EUR 9,100.00 received at 7.80 = CNY 70,980.00.
        let result = try Self.reconcile(Money(minor: 1_000_000, currency: "USD"), [Self.receipt(910_000, "EUR", on: 12)])
        #expect(result.receivedFen == 7_098_000 && result.status == .matched)
        #expect(throws: ForexReconciliation.Failure.noRate(currency: "GBP", at: Self.day(12))) {
            try Self.reconcile(Money(minor: 1_000_000, currency: "USD"), [Self.receipt(800_000, "GBP", on: 12)])
        }
    }

    @Test("amounts just inside the tolerance match; a fen beyond it is short or over")
    func tolerance() throws {
        let declared = Money(minor: 10_000_000, currency: "CNY")  // CNY 100,000.00, 5% = 5,000.00
        #expect(try Self.reconcile(declared, [Self.receipt(9_500_000, "CNY", on: 10)]).status == .matched)
        #expect(try Self.reconcile(declared, [Self.receipt(9_499_999, "CNY", on: 10)]).status == .short)
        #expect(try Self.reconcile(declared, [Self.receipt(10_500_000, "CNY", on: 10)]).status == .matched)
        #expect(try Self.reconcile(declared, [Self.receipt(10_500_001, "CNY", on: 10)]).status == .over)
    }

    @Test("a receipt after the window is listed apart and does not count")
    func lateReceipt() throws {
        let result = try Self.reconcile(Money(minor: 10_000_000, currency: "CNY"),
                                        [Self.receipt(5_000_000, "CNY", on: 10, "early"), Self.receipt(5_000_000, "CNY", on: 95, "late")])
        #expect(result.lateReceipts == ["late"])
        #expect(result.receivedFen == 5_000_000 && result.status == .short)
    }

    @Test("an agency sees only the fields it needs: the forex agency is denied the rebate rate and the commodity code")
    func sharing() throws {
        let sharing = AgencySharing(fields: [
            "sta": ["exporter", "producer", "value", "currency", "commodityCode", "rebateRate", "closedAt"],
            "safe": ["exporter", "value", "currency", "closedAt"],
        ])
        let record = ["exporter": "913100007178848X2R", "producer": "91350100M000100Y43", "value": "10000.00", "currency": "USD",
                      "commodityCode": "8471300000", "rebateRate": "13", "closedAt": "2026-05-28"]
        let forex = sharing.view(record, for: "safe")
        #expect(forex.visible.keys.sorted() == ["closedAt", "currency", "exporter", "value"])
        #expect(forex.withheld == ["commodityCode", "producer", "rebateRate"])
        #expect(throws: ClearanceError.forbidden(reason: "safe has no need for 'rebateRate' under the sharing rules")) {
            try sharing.check("rebateRate", for: "safe")
        }
        #expect(sharing.view(record, for: "sta").visible == record)
        #expect(sharing.view(record, for: "unknown").visible.isEmpty)
    }

    @Test("a receipt the forex side states is taken in its currency's minor units, and a bad one is refused naming every field at once")
    func receiptValidation() throws {
        let now = Self.day(30)
        let taken = try ForexReconciliation.Receipt.validated(amount: "1234.5", currency: "USD", receivedAt: now, bankReference: "BK9",
                                                               exponents: Self.exponents, now: now)
        #expect(taken.amount == Money(minor: 123_450, currency: "USD"))
        var pointers: [String] = []
        do {
            _ = try ForexReconciliation.Receipt.validated(amount: "12.5", currency: "XYZ", receivedAt: Self.day(31), bankReference: "",
                                                          exponents: Self.exponents, now: now)
        } catch { if case .invalid(let failure) = error { pointers = failure.issues.map(\.pointer) } }
        #expect(pointers == ["/currency", "/bankReference", "/receivedAt"])
        var yen: [String] = []
        do {
            _ = try ForexReconciliation.Receipt.validated(amount: "10.5", currency: "JPY", receivedAt: now, bankReference: "BK1",
                                                          exponents: Self.exponents, now: now)
        } catch { if case .invalid(let failure) = error { yen = failure.issues.map(\.pointer) } }
        #expect(yen == ["/amount"], "yen has no minor unit")
    }
}
