import Foundation

/// The terms of cross-border e-commerce retail imports (DOMAIN.md §6.4), all from reference data with effective
/// dates (`Data/reference/cbec-rules.csv`, `cbec-tariff.csv`): limits, the 70% reduction, the tolerance on the tax a
/// platform withheld, the matching window, the random inspection rate and the return window.
public struct CrossBorderRules: Sendable, Equatable {
    /// One version of the terms, in force from a date (China time).
    public struct Terms: Sendable, Equatable, Codable {
        public var effectiveFrom: Date
        /// Most one transaction may be worth, in fen.
        public var singleLimitFen: Int64
        /// Most one person may buy in a calendar year, in fen.
        public var annualLimitFen: Int64
        /// Share of VAT and consumption tax charged within the limits (0.7).
        public var reduction: Decimal
        /// How far the tax an order says it withheld may stray from the tax assessed before an officer looks (0.05).
        public var taxTolerance: Decimal
        public init(effectiveFrom: Date, singleLimitFen: Int64, annualLimitFen: Int64, reduction: Decimal, taxTolerance: Decimal) {
            self.effectiveFrom = effectiveFrom
            self.singleLimitFen = singleLimitFen
            self.annualLimitFen = annualLimitFen
            self.reduction = reduction
            self.taxTolerance = taxTolerance
        }
    }

    /// Statutory rates of a tariff line (by code prefix) from a date.
    public struct Rates: Sendable, Equatable, Codable {
        public var prefix: String
        public var effectiveFrom: Date
        public var duty: Decimal
        public var vat: Decimal
        public var consumption: Decimal
        public init(prefix: String, effectiveFrom: Date, duty: Decimal, vat: Decimal, consumption: Decimal) {
            self.prefix = prefix
            self.effectiveFrom = effectiveFrom
            self.duty = duty
            self.vat = vat
            self.consumption = consumption
        }
    }

    public var terms: [Terms]
    public var tariff: [Rates]
    /// Minutes after the inventory (or its first document) before the missing documents are reported.
    public var matchWindowMinutes: Int
    /// Share of matched parcels drawn for inspection.
    public var inspectionRate: Double
    /// Days after release in which a return may be declared (GAC Ann. 2020 No.45).
    public var returnDays: Int
    /// The positive list (跨境电商零售进口商品清单, DOMAIN.md §6.4): tariff lines retail imports may carry, by code
    /// prefix, each with its remark (`bonded-only`: only under 1210). Empty: not enforced.
    public var positiveList: [String: String]

    public init(terms: [Terms] = [], tariff: [Rates] = [], matchWindowMinutes: Int = 1440, inspectionRate: Double = 0,
                returnDays: Int = 30, positiveList: [String: String] = [:]) {
        self.positiveList = positiveList
        self.terms = terms.sorted { $0.effectiveFrom < $1.effectiveFrom }
        self.tariff = tariff
        self.matchWindowMinutes = matchWindowMinutes
        self.inspectionRate = inspectionRate
        self.returnDays = returnDays
    }

    /// The positive-list remark of a commodity code (its longest listed prefix), nil when the code is not listed.
    public func positiveListRemark(_ gcode: String) -> String? { CommodityCode.longestPrefix(of: gcode, in: positiveList) }

    /// The terms in force at a moment.
    public func terms(at date: Date) -> Terms? { terms.last { $0.effectiveFrom <= date } }

    /// The rates of the longest prefix of a commodity code in force at a moment.
    public func rates(for code: String, at date: Date) -> Rates? {
        tariff.filter { code.hasPrefix($0.prefix) && $0.effectiveFrom <= date }
            .max { ($0.prefix.count, $0.effectiveFrom) < ($1.prefix.count, $1.effectiveFrom) }
    }
}

/// The tax on one parcel and the treatment it was assessed under.
public struct ParcelAssessment: Sendable, Equatable, Codable {
    public enum Treatment: String, Sendable, Codable {
        /// Within both limits: no duty, 70% of VAT and consumption tax.
        case withinLimits = "within-limits"
        /// One indivisible item above the single limit but within the annual one: every tax in full.
        case fullTaxSingleItem = "full-tax-single-item"
    }

    /// The taxes of one line, at their statutory rates, before rounding.
    public struct Line: Sendable, Equatable, Codable {
        public var gnum: Int
        public var gcode: String
        /// Line value with its share of freight and insurance, in yuan.
        public var taxableValue: Decimal
        public var dutyRate: Decimal
        public var vatRate: Decimal
        public var consumptionRate: Decimal
        /// The line's taxes, exact; the parcel's are their sums, rounded once.
        public var duty: Decimal
        public var vat: Decimal
        public var consumption: Decimal
    }

    public var treatment: Treatment
    /// The buyer's key and the calendar year (China time) the value counts toward.
    public var personKey: String
    public var year: Int
    public var valueFen: Int64
    public var dutyFen: Int64
    public var vatFen: Int64
    public var consumptionFen: Int64
    public var lines: [Line]
    public var totalFen: Int64 { dutyFen + vatFen + consumptionFen }
}

/// Why a parcel cannot be treated as a cross-border retail import.
public struct ParcelRefusal: Error, Sendable, Equatable {
    public var issues: [FieldIssue]
}

extension CrossBorderRules {
    /// Assesses a list against the limits and the tariff: the value counted against the buyer's year, and the taxes,
    /// each summed exactly over the lines and rounded half up to the fen once.
    ///
    /// - Parameter usedFen: what the buyer has already bought this calendar year.
    public func assess(_ inventory: Parcel.Inventory, usedFen: Int64, at date: Date) throws(ParcelRefusal) -> ParcelAssessment {
        guard let terms = terms(at: date) else {
            throw ParcelRefusal(issues: [FieldIssue("/", "cbec-terms-missing", "no cross-border e-commerce terms are in force on this date")])
        }
        let value = inventory.dutiableValue
        let valueFen = value.fen
        let singleItem = inventory.lines.count == 1 && inventory.lines[0].qty == ExactAmount(whole: 1)
        var issues: [FieldIssue] = []
        let treatment: ParcelAssessment.Treatment
        if valueFen <= terms.singleLimitFen {
            treatment = .withinLimits
        } else if singleItem {
            treatment = .fullTaxSingleItem
        } else {
            issues.append(FieldIssue("/InventoryHead", "single-limit-exceeded",
                "the parcel is worth \(yuan(valueFen)) CNY with freight and insurance, above the \(yuan(terms.singleLimitFen)) CNY a transaction may be, and is more than one indivisible item: declare it as general trade"))
            treatment = .withinLimits
        }
        if usedFen + valueFen > terms.annualLimitFen {
            issues.append(FieldIssue("/InventoryHead/buyerIdNumber", "annual-limit-exceeded",
                "the buyer has used \(yuan(usedFen)) of \(yuan(terms.annualLimitFen)) CNY this year; \(yuan(valueFen)) more would pass the annual limit: declare it as general trade"))
        }
        let spread = inventory.freight.decimal + inventory.insuredFee.decimal
        let goods = inventory.lines.reduce(Decimal(0)) { $0 + $1.totalPrice.decimal }
        var lines: [ParcelAssessment.Line] = []
        var duty = Decimal(0), vat = Decimal(0), consumption = Decimal(0)
        for (index, line) in inventory.lines.enumerated() {
            guard let rates = rates(for: line.gcode, at: date) else {
                issues.append(FieldIssue("/InventoryList/\(index)/gcode", "tariff-line-unknown",
                                         "no tariff rates for commodity code \(line.gcode) on this date"))
                continue
            }
            let share = goods > 0 ? line.totalPrice.decimal / goods : Decimal(1) / Decimal(inventory.lines.count)
            let base = line.totalPrice.decimal + spread * share
            let lineDuty: Decimal, lineVAT: Decimal, lineConsumption: Decimal
            switch treatment {
            case .withinLimits:
                // Duty is zero; VAT and consumption tax are computed as if charged in full, then reduced.
                let grossUp = base / (1 - rates.consumption)
                lineDuty = 0
                lineConsumption = grossUp * rates.consumption * terms.reduction
                lineVAT = grossUp * rates.vat * terms.reduction
            case .fullTaxSingleItem:
                lineDuty = base * rates.duty
                lineConsumption = (base + lineDuty) / (1 - rates.consumption) * rates.consumption
                lineVAT = (base + lineDuty + lineConsumption) * rates.vat
            }
            duty += lineDuty
            vat += lineVAT
            consumption += lineConsumption
            lines.append(.init(gnum: line.gnum, gcode: line.gcode, taxableValue: base, dutyRate: treatment == .withinLimits ? 0 : rates.duty,
                               vatRate: rates.vat, consumptionRate: rates.consumption, duty: lineDuty, vat: lineVAT,
                               consumption: lineConsumption))
        }
        if !issues.isEmpty { throw ParcelRefusal(issues: issues) }
        return ParcelAssessment(
            treatment: treatment, personKey: inventory.buyer.key, year: ChinaTime.year(date), valueFen: valueFen,
            dutyFen: ExactAmount.roundToFen(duty), vatFen: ExactAmount.roundToFen(vat),
            consumptionFen: ExactAmount.roundToFen(consumption), lines: lines)
    }
}
