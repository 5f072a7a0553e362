import ClearwayCore
import Foundation
import Testing

@Suite("Port fees")
struct FeeTests {
    static let yangshan = try! UNLocode("CNSHA")
    static let day: TimeInterval = 86_400
    static let january = Date(timeIntervalSince1970: 1_767_196_800)  // 2026-01-01T00:00:00+08:00 is 2025-12-31T16:00Z
    static let july = january.addingTimeInterval(181 * day)

    static func cny(_ yuan: Int64) -> Money { Money(minor: yuan * 100, currency: "CNY") }

    static let handling = FeeItem(
        code: "THC", nameZh: "港口作业包干费", nameEn: "Port operation lump-sum fee", payer: "cargo-owner",
        basis: .perContainer, rates: ["20": cny(850), "40": cny(1250)], legalBasis: "Jiaoshuigui [2019] No.2")
    static let inspectionHandling = FeeItem(
        code: "HSS", nameZh: "吊装移位仓储费", nameEn: "Hoisting, shifting and storage for inspection", payer: "cargo-owner",
        basis: .perContainer, rates: ["20": cny(400), "40": cny(600)], legalBasis: "inspection fee waiver",
        exemptions: [.inspectionFoundNothing])
    static let dues = FeeItem(
        code: "DUES", nameZh: "货物港务费", nameEn: "Cargo port dues", payer: "cargo-owner", basis: .perTonne,
        rates: ["": Money(minor: 560, currency: "CNY")], legalBasis: "government-set")

    static let v1 = FeeCatalog(
        id: "c1", port: yangshan, chargingParty: "p-yangshan-terminal", version: 1, effectiveFrom: january,
        effectiveUntil: nil, items: [handling, inspectionHandling, dues])
    static var v2: FeeCatalog {
        var handling2 = handling
        handling2.rates["20"] = cny(800)
        return FeeCatalog(
            id: "c2", port: yangshan, chargingParty: "p-yangshan-terminal", version: 2, effectiveFrom: july,
            effectiveUntil: nil, items: [handling2, inspectionHandling])
    }

    static func line(
        _ number: Int, _ code: String, on date: Date, _ basis: FeeBasis = .perContainer, quantity: Int = 1,
        size: String? = "20", box: String? = nil, rate: Int64, amount: Int64? = nil
    ) -> InvoiceLine {
        InvoiceLine(
            number: number, itemCode: code, serviceDate: date, basis: basis, quantity: quantity, sizeClass: size,
            container: box, unitRate: cny(rate), amount: cny(amount ?? rate * Int64(quantity)))
    }

    static let shipment = FeeCheck.Shipment(inspectedWithoutFinding: ["CSQU3054383"], containersBySize: ["20": 2])

    func check(_ lines: [InvoiceLine], earlier: [InvoiceLine] = []) -> [FeeFlag] {
        FeeCheck.check(
            lines, port: Self.yangshan, chargingParty: "p-yangshan-terminal", catalogs: [Self.v1, Self.v2],
            shipment: Self.shipment, earlier: earlier)
    }

    @Test("a line that matches the list raises no flag")
    func clean() {
        #expect(check([Self.line(1, "THC", on: Self.january, quantity: 2, rate: 850)]).isEmpty)
    }

    @Test("each kind of wrong charge is flagged with the catalogue item it contradicts",
        arguments: FeeFlag.Kind.allCases)
    func flags(kind: FeeFlag.Kind) throws {
        let feb = Self.january.addingTimeInterval(40 * Self.day)
        let lines: [InvoiceLine]
        var earlier: [InvoiceLine] = []
        switch kind {
        case .notOnList: lines = [Self.line(1, "SECURITY", on: feb, rate: 50)]
        case .rateAboveList: lines = [Self.line(1, "THC", on: feb, rate: 900)]
        case .wrongBasis: lines = [Self.line(1, "THC", on: feb, .perTEU, size: nil, rate: 850)]
        case .wrongQuantity: lines = [Self.line(1, "THC", on: feb, quantity: 3, rate: 850)]
        case .exemptionNotApplied: lines = [Self.line(1, "HSS", on: feb, box: "CSQU3054383", rate: 400)]
        case .duplicate:
            lines = [Self.line(2, "THC", on: feb, box: "MSKU9070323", rate: 850)]
            earlier = [Self.line(1, "THC", on: feb, box: "MSKU9070323", rate: 850)]
        }
        let flags = check(lines, earlier: earlier)
        let flag = try #require(flags.first { $0.kind == kind }, "\(flags)")
        if kind != .notOnList && kind != .duplicate {
            #expect(flag.catalogID == "c1")
            #expect(flag.catalogVersion == 1)
            #expect(flag.itemCode == lines[0].itemCode)
        }
        #expect(flags.filter { $0.kind != kind }.isEmpty, "\(flags)")
    }

    @Test("an amount that is not quantity times rate is a wrong quantity with the allowed amount")
    func arithmetic() throws {
        let flags = check([Self.line(1, "THC", on: Self.january, quantity: 2, rate: 850, amount: 1800)])
        #expect(flags.map(\.kind) == [.wrongQuantity])
        #expect(flags.first?.allowed == Self.cny(1700))
    }

    @Test("a service on the last day of version 1 is checked against version 1, one on the first day of version 2 against version 2")
    func effectiveDateEdges() {
        let lastDay = Self.july.addingTimeInterval(-1)
        #expect(check([Self.line(1, "THC", on: lastDay, rate: 850)]).isEmpty)
        let firstDay = check([Self.line(1, "THC", on: Self.july, rate: 850)])
        #expect(firstDay.map(\.kind) == [.rateAboveList])
        #expect(firstDay.first?.catalogVersion == 2)
        #expect(check([Self.line(1, "DUES", on: Self.july, .perTonne, quantity: 10, size: nil, rate: 5)]).map(\.kind) == [.notOnList])
        #expect(check([Self.line(1, "THC", on: Self.january.addingTimeInterval(-1), rate: 850)]).map(\.kind) == [.notOnList])
    }

    @Test("an estimate prices the plan and shows inspection fees as falling away when nothing is found")
    func estimate() {
        let plan = ShipmentPlan(containers: ["20": 2, "40": 1], tonnes: 30, inspectionLikely: true)
        let lines = Self.v1.estimate(plan)
        #expect(lines.map(\.itemCode) == ["THC", "THC", "HSS", "HSS", "DUES"])
        let total: Int64 = lines.reduce(0) { $0 + $1.amount.minor }
        let expected: Int64 = 435_000 + 16_800
        #expect(total == expected)
        #expect(lines.filter(\.onlyIfInspectionFinds).count == 2)
        #expect(Self.v1.estimate(ShipmentPlan(containers: ["20": 1])).map(\.itemCode) == ["THC"])
        #expect(plan.teu == 4)
    }

    @Test("yard storage falls away for a box picked up at ship side")
    func directProcedureEstimate() {
        let storage = FeeItem(
            code: "STORAGE", nameZh: "库场使用费", nameEn: "Yard storage", payer: "cargo-owner", basis: .perContainer,
            rates: ["20": Self.cny(120)], legalBasis: "market", exemptions: [.directProcedure])
        var catalog = Self.v1
        catalog.items.append(storage)
        #expect(catalog.estimate(ShipmentPlan(containers: ["20": 1])).map(\.itemCode) == ["THC", "STORAGE"])
        #expect(catalog.estimate(ShipmentPlan(containers: ["20": 1], procedure: .directPickup)).map(\.itemCode) == ["THC"])
    }

    @Test("the diff between two versions lists added, removed and changed items")
    func diff() {
        let diff = FeeCatalogDiff(from: Self.v1, to: Self.v2)
        #expect(diff.added.isEmpty)
        #expect(diff.removed.map(\.code) == ["DUES"])
        #expect(diff.changed.map(\.after.code) == ["THC"])
        #expect(diff.changed.first?.before.rates["20"] == Self.cny(850))
    }

    @Test("a catalogue form reports every problem and numbers the next version")
    func form() throws {
        let item = FeeCatalogForm.Item(
            code: "THC", nameZh: "港口作业包干费", nameEn: "Port operation lump-sum fee", payer: "cargo-owner",
            basis: "per-container", rates: ["20": "850", "40": "1250.00"], currency: "CNY", legalBasis: "list", exemptions: [])
        let good = FeeCatalogForm(port: "CNSHA", chargingParty: "p-yangshan-terminal", effectiveFrom: Self.july.addingTimeInterval(Self.day), effectiveUntil: nil, items: [item])
        let next = try good.validated(id: "c3", previous: Self.v2, currencies: ["CNY": 2])
        #expect(next.version == 3)
        #expect(next.items.first?.rates["40"] == Self.cny(1250))
        var bad = good
        bad.effectiveFrom = Self.january
        bad.items = [item, item]
        bad.items[1].basis = "per-box"
        bad.items[1].rates = ["": "1.001"]
        do {
            _ = try bad.validated(id: "c4", previous: Self.v2, currencies: ["CNY": 2])
            Issue.record("accepted")
        } catch {
            #expect(error.issues.map(\.pointer) == ["/effectiveFrom", "/items/1/code", "/items/1/basis", "/items/1/rates/"])
        }
    }
}
