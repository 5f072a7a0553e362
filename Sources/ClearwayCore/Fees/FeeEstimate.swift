import Foundation

/// A planned shipment, described well enough to price it before booking.
public struct ShipmentPlan: Sendable, Equatable {
    /// Boxes per size class ("20", "40", "45").
    public var containers: [String: Int]
    public var tonnes: Int
    public var declarations: Int
    public var vesselGrossTonnage: Int
    public var hours: Int
    /// Whether an inspection is expected; its fees are shown separately, as they fall away when nothing is found.
    public var inspectionLikely: Bool
    public var procedure: Procedure

    public init(
        containers: [String: Int], tonnes: Int = 0, declarations: Int = 1, vesselGrossTonnage: Int = 0, hours: Int = 0,
        inspectionLikely: Bool = false, procedure: Procedure = .serial
    ) {
        self.containers = containers
        self.tonnes = tonnes
        self.declarations = declarations
        self.vesselGrossTonnage = vesselGrossTonnage
        self.hours = hours
        self.inspectionLikely = inspectionLikely
        self.procedure = procedure
    }

    /// Twenty-foot equivalents: a 20' box is one, 40' and 45' are two.
    public var teu: Int { containers.reduce(0) { $0 + $1.value * (($1.key == "20") ? 1 : 2) } }

    /// The most of any one count a plan may hold: more than one shipment has of boxes, tonnes, declarations, gross
    /// tonnage or hours, and few enough that no total made from them overflows.
    public static let largestCount = 10_000_000

    /// What is wrong with the plan's counts, each at its field of the request: size classes other than 20, 40 and 45,
    /// and counts below zero or above `largestCount`.
    public var issues: [FieldIssue] {
        var issues = IssueCollector()
        let range = 0...Self.largestCount
        for (size, count) in containers.sorted(by: { $0.key < $1.key }) {
            if !["20", "40", "45"].contains(size) {
                issues.add("/containers/\(size.jsonPointerEscaped)", "size-class", "boxes are counted per size class 20, 40 or 45")
            } else if !range.contains(count) {
                issues.add("/containers/\(size.jsonPointerEscaped)", "count-out-of-range", "\(count) boxes: a count is between 0 and \(Self.largestCount)")
            }
        }
        for (field, count) in [("tonnes", tonnes), ("declarations", declarations), ("vesselGrossTonnage", vesselGrossTonnage), ("hours", hours)]
        where !range.contains(count) {
            issues.add("/\(field)", "count-out-of-range", "\(count): a count is between 0 and \(Self.largestCount)")
        }
        return issues.issues
    }
}

/// One priced line of an estimate.
public struct FeeEstimateLine: Sendable, Equatable {
    public var itemCode: String
    public var nameZh: String
    public var nameEn: String
    public var payer: String
    public var sizeClass: String?
    public var quantity: Int
    public var unitRate: Money
    public var amount: Money
    /// True for fees that apply only if an inspection finds something (waived otherwise).
    public var onlyIfInspectionFinds: Bool
}

extension FeeCatalog {
    /// The fees this list implies for a plan; lines whose basis the plan does not give are left out.
    public func estimate(_ plan: ShipmentPlan) -> [FeeEstimateLine] {
        var lines: [FeeEstimateLine] = []
        for item in items {
            let conditional = item.exemptions.contains(.inspectionFoundNothing)
            if conditional && !plan.inspectionLikely { continue }
            if item.exemptions.contains(.directProcedure) && [.directPickup, .directLoading].contains(plan.procedure) {
                continue
            }
            var quantities: [(String?, Int)] = []
            switch item.basis {
            case .perContainer: quantities = plan.containers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            case .perTEU: quantities = [(nil, plan.teu)]
            case .perTonne: quantities = [(nil, plan.tonnes)]
            case .perDeclaration: quantities = [(nil, plan.declarations)]
            case .perGrossTonnage: quantities = [(nil, plan.vesselGrossTonnage)]
            case .perHour: quantities = [(nil, plan.hours)]
            }
            for (size, quantity) in quantities where quantity > 0 {
                guard let rate = item.rate(sizeClass: size) else { continue }
                lines.append(FeeEstimateLine(
                    itemCode: item.code, nameZh: item.nameZh, nameEn: item.nameEn, payer: item.payer, sizeClass: size,
                    quantity: quantity, unitRate: rate, amount: rate.times(quantity),
                    onlyIfInspectionFinds: conditional))
            }
        }
        return lines
    }
}
