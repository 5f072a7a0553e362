@testable import ClearwayCore
import Foundation
import Testing

@Suite("Cross-border e-commerce tax and limits")
struct CrossBorderTaxTests {
    static let day = Timestamp.parse("2026-05-28T10:00:00+08:00")!
    static let rules = CrossBorderRules(
        terms: [
            .init(effectiveFrom: Timestamp.parse("2016-04-08T00:00:00+08:00")!, singleLimitFen: 200_000, annualLimitFen: 2_000_000,
                  reduction: Decimal(string: "0.7")!, taxTolerance: Decimal(string: "0.05")!),
            .init(effectiveFrom: Timestamp.parse("2019-01-01T00:00:00+08:00")!, singleLimitFen: 500_000, annualLimitFen: 2_600_000,
                  reduction: Decimal(string: "0.7")!, taxTolerance: Decimal(string: "0.05")!),
        ],
        tariff: [
            .init(prefix: "6109", effectiveFrom: Timestamp.parse("2019-01-01T00:00:00+08:00")!, duty: Decimal(string: "0.06")!,
                  vat: Decimal(string: "0.13")!, consumption: 0),
            .init(prefix: "3304", effectiveFrom: Timestamp.parse("2019-01-01T00:00:00+08:00")!, duty: Decimal(string: "0.01")!,
                  vat: Decimal(string: "0.13")!, consumption: Decimal(string: "0.15")!),
            .init(prefix: "4202", effectiveFrom: Timestamp.parse("2019-01-01T00:00:00+08:00")!, duty: Decimal(string: "0.06")!,
                  vat: Decimal(string: "0.13")!, consumption: 0),
        ])

    static func list(_ lines: [(gcode: String, qty: Int64, priceFen: Int64)], freightFen: Int64 = 0) -> Parcel.Inventory {
        Parcel.Inventory(
            envelope: .init(guid: "G", appType: "1", appTime: "20260528100000"), orderNo: "O1", ebpCode: "E", ebcCode: "E",
            logisticsCode: "L", logisticsNo: "N", copNo: "C", assureCode: "E", ieFlag: "I", customsCode: "2248", portCode: "2248",
            buyer: .init(key: "buyer", name: "B", telephone: "1"), buyerIdType: "1", consigneeAddress: "A", agentCode: "E",
            tradeMode: "9610", country: "116", freight: ExactAmount(units: freightFen * 1000), insuredFee: .zero, currency: "142",
            grossWeight: ExactAmount(whole: 1), netWeight: ExactAmount(whole: 1),
            lines: lines.enumerated().map { n, line in
                .init(gnum: n + 1, itemNo: "I\(n)", itemName: "item", gcode: line.gcode, gname: "item", country: "116",
                      qty: ExactAmount(whole: line.qty), unit: "011", price: ExactAmount(units: line.priceFen * 1000),
                      totalPrice: ExactAmount(units: line.priceFen * 1000 * line.qty))
            })
    }

    @Test("goods with no consumption tax pay 9.1% (13% VAT at 70%): 1,000.00 CNY of T-shirts owe 91.00")
    func vatOnly() throws {
        let assessment = try Self.rules.assess(Self.list([("6109100021", 1, 100_000)]), usedFen: 0, at: Self.day)
        #expect(assessment.treatment == .withinLimits)
        #expect(assessment.dutyFen == 0)
        #expect(assessment.vatFen == 9_100)
        #expect(assessment.consumptionFen == 0)
    }

    @Test("high-end cosmetics pay (15% + 13%) / 85% × 70% ≈ 23.06%: 1,000.00 CNY owe 123.53 consumption tax and 107.06 VAT")
    func cosmetics() throws {
        let assessment = try Self.rules.assess(Self.list([("3304990099", 1, 100_000)]), usedFen: 0, at: Self.day)
        #expect(assessment.consumptionFen == 12_353)
        #expect(assessment.vatFen == 10_706)
        #expect(assessment.totalFen == 23_059)
    }

    @Test("freight is shared over the lines by value and each tax is rounded once, for the whole list")
    func freightShared() throws {
        // 3 × 33.33 T-shirts and one 100.00 lipstick, 20.00 freight: value 219.99.
        let assessment = try Self.rules.assess(Self.list([("6109100021", 3, 3_333), ("3304100091", 1, 10_000)], freightFen: 2_000),
                                               usedFen: 0, at: Self.day)
        #expect(assessment.valueFen == 21_999)
        // T-shirts 99.99 + 9.99950… freight = 109.98949…; VAT 9.1% of it = 10.00904…
        // Lipstick 100 + 10.00050… = 110.00050…: consumption 13.58830… and VAT 11.77652…; VAT sum 21.78557… → 21.79.
        #expect(assessment.vatFen == 2_179)
        #expect(assessment.consumptionFen == 1_359)
    }

    @Test("one indivisible item above 5,000 CNY pays every tax in full and still counts toward the year")
    func singleItemException() throws {
        let assessment = try Self.rules.assess(Self.list([("4202210000", 1, 800_000)]), usedFen: 0, at: Self.day)
        #expect(assessment.treatment == .fullTaxSingleItem)
        #expect(assessment.dutyFen == 48_000)
        // VAT on value + duty: (8000 + 480) × 13% = 1102.40.
        #expect(assessment.vatFen == 110_240)
        #expect(assessment.valueFen == 800_000)
    }

    @Test("two items together above 5,000 CNY are refused as general trade")
    func aboveSingleLimit() {
        #expect(throws: ParcelRefusal.self) {
            try Self.rules.assess(Self.list([("6109100021", 2, 260_000)]), usedFen: 0, at: Self.day)
        }
    }

    @Test("a parcel that would pass 26,000 CNY in the year is refused, one that just fits is not")
    func annualLimit() throws {
        let parcel = Self.list([("6109100021", 1, 100_000)])
        _ = try Self.rules.assess(parcel, usedFen: 2_500_000, at: Self.day)
        do {
            _ = try Self.rules.assess(parcel, usedFen: 2_500_001, at: Self.day)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.issues.map(\.code) == ["annual-limit-exceeded"])
        }
    }

    @Test("before 2019 the limits were 2,000 per transaction and 20,000 a year")
    func olderTerms() throws {
        let before = Timestamp.parse("2018-06-01T10:00:00+08:00")!
        #expect(Self.rules.terms(at: before)?.singleLimitFen == 200_000)
        #expect(throws: ParcelRefusal.self) {
            try Self.rules.assess(Self.list([("6109100021", 2, 150_000)]), usedFen: 0, at: before)
        }
    }

    @Test("amounts keep five decimals exactly: the official placeholder 12345678912345.12345 survives")
    func exactAmounts() throws {
        let amount = try ExactAmount("12345678912345.12345")
        #expect(amount.description == "12345678912345.12345")
        #expect(try ExactAmount("0.5").description == "0.5")
        #expect(try ExactAmount("19050").fen == 1_905_000)
        #expect(throws: IdentifierError.self) { try ExactAmount("1.123456") }
    }

    @Test("an amount read byte by byte is what the general reading makes of it, or refused as it is")
    func amountsReadAlike() {
        var texts = ["0", "7", "-7", "12.", " 12.5\t", "\t-0.00001 ", "12345678912345.12345", "123456789123456", "1.123456",
                     ".5", "-", "", " ", "+1", "1e5", "1,5", "1.2.3", "\u{00A0}7", "7\u{3000}", "1 2", "12\n", "٣", "0.50000",
                     "99999999999999", "99999999999999.99999", "92233720368547.75807", "92233720368547.75808", "-92233720368547.75808",
                     "-92233720368547.75807", "92233720368548"]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789.- \t+e")
        texts += (0..<2000).map { _ in String((0..<Int.random(in: 0...22, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }) }
        let disagreeing = texts.filter { text in (try? ExactAmount(text)) != (try? ExactAmount(parsing: text)) }
        #expect(disagreeing.isEmpty)
    }

    @Test("an amount beyond what is kept exactly is refused by name; sums and products past it stop at the bound, so a list stating 0 for a huge line is refused, not released")
    func amountsAtTheBound() throws {
        #expect(try ExactAmount("92233720368547.75807") == .largest)
        #expect(try ExactAmount("-92233720368547.75807").units == -Int64.max)
        for text in ["99999999999999", "92233720368547.75808", "-99999999999999.99999"] {
            let refusal = #expect(throws: IdentifierError.self) { try ExactAmount(text) }
            #expect(refusal?.code == "amount-too-large" && refusal?.detail.contains("92233720368547.75807") == true, "\(text)")
        }
        #expect(ExactAmount.largest + ExactAmount(whole: 1) == .largest)
        #expect(ExactAmount.zero - ExactAmount.largest - ExactAmount(whole: 2) == ExactAmount(units: .min))
        let huge = try ExactAmount("10000000000000")
        #expect(ExactAmount.roundToFen(ExactAmount.product(huge, huge)) == .max)
        #expect(ExactAmount.roundToFen(ExactAmount.product(huge, .zero - huge)) == .min)
        var list = Self.list([("6109100021", 1, 100_000)])
        list.lines[0].qty = huge
        list.lines[0].price = huge
        list.lines[0].totalPrice = .zero
        let issues = Parcel.check(.inventory(list), rules: Self.rules)
        #expect(issues.contains { $0.code == "line-total-mismatch" && $0.pointer == "/InventoryList/0/totalPrice" }, "\(issues)")
    }

    @Test("an amount's decimal is its units divided by 100,000, exactly, for signs, small and extreme values")
    func exactDecimals() throws {
        var units: [Int64] = [0, 1, -1, 5, 99_999, 100_000, -250_050, 1_234_567_891_234_512_345, -1_234_567_891_234_512_345]
        var generator = SystemRandomNumberGenerator()
        units += (0..<500).map { _ in Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator) }
        let wrong = units.filter { ExactAmount(units: $0).decimal != Decimal($0) / Decimal(100_000) }
        #expect(wrong.isEmpty)
        #expect(try ExactAmount("-0.00001").decimal.description == "-0.00001")
    }
}

@Suite("China time by arithmetic")
struct ChinaTimeTests {
    @Test("the arithmetic calendar agrees with Foundation's for every hour of ten years, leap days and year ends included")
    func agreesWithCalendar() {
        var date = Timestamp.parse("2019-12-31T15:30:00Z")!
        let end = Timestamp.parse("2029-12-31T23:00:00Z")!
        while date < end {
            let c = ChinaTime.calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let civil = ChinaTime.civil(date)
            #expect(civil.year == c.year && civil.month == c.month && civil.day == c.day && civil.hour == c.hour && civil.minute == c.minute,
                    "\(date)")
            if civil.year != c.year || civil.day != c.day { break }
            date = date.addingTimeInterval(3_607)
        }
        #expect(ChinaTime.day(Timestamp.parse("2024-02-28T16:00:00Z")!) == "2024-02-29")
        #expect(ChinaTime.second(Timestamp.parse("2026-12-31T16:00:01Z")!) == "20270101000001")
    }
}
