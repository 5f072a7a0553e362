import Foundation

/// The monthly summary declaration (汇总申报) of 9610 exports (DOMAIN.md §6.5): a month's released export lists
/// consolidated into declarations, one per combination of the head keys, with one line per combination of the line
/// keys. The keys are reference data (`Data/reference/export-summary-keys.csv`) because DOMAIN.md marks them [R];
/// so is the calendar of non-working days that moves the deadline (the 15th of the next month).
public enum ExportSummary {
    /// The list head fields a summary may be grouped by.
    public static let headFields: [String: @Sendable (ExportParcel.Inventory) -> String] = [
        "agentCode": { $0.agentCode }, "ebcCode": { $0.ebcCode }, "ownerCode": { $0.ownerCode }, "trafMode": { $0.trafMode },
        "country": { $0.country }, "pod": { $0.pod }, "portCode": { $0.portCode }, "customsCode": { $0.customsCode },
    ]
    /// The line fields a summary line may be grouped by (`country` is the list's destination, `origin` the line's).
    public static let lineFields: [String: @Sendable (ExportParcel.Inventory, ExportParcel.Inventory.Line) -> String] = [
        "gcode": { $1.gcode }, "currency": { $1.currency }, "unit": { $1.unit }, "country": { list, _ in list.country },
        "origin": { $1.country },
    ]

    /// Which fields make one declaration and one line.
    public struct Keys: Sendable, Equatable {
        public var head: [String]
        public var line: [String]
        public init(head: [String], line: [String]) throws(ClearanceError) {
            var issues = IssueCollector()
            for name in head where headFields[name] == nil {
                issues.add("/head/\(name)", "unknown-key", "a summary head key is one of \(headFields.keys.sorted().joined(separator: ", "))")
            }
            for name in line where lineFields[name] == nil {
                issues.add("/line/\(name)", "unknown-key", "a summary line key is one of \(lineFields.keys.sorted().joined(separator: ", "))")
            }
            if !line.contains("gcode") { issues.add("/line", "required", "summary lines are always grouped by commodity code (gcode)") }
            if !issues.issues.isEmpty { throw .invalid(ValidationFailure(issues.issues)) }
            self.head = head
            self.line = line
        }
    }

    /// A released list, as consolidation reads it.
    public struct Listed: Sendable, Equatable {
        public var invtNo: String
        public var inventory: ExportParcel.Inventory
        public init(invtNo: String, inventory: ExportParcel.Inventory) {
            self.invtNo = invtNo
            self.inventory = inventory
        }
    }

    /// One consolidated line and the list lines it is made of.
    public struct Line: Sendable, Equatable, Codable {
        public var gseqno: Int
        public var key: [String: String]
        public var gcode: String
        public var currency: String
        public var unit: String
        public var qty: ExactAmount
        public var value: ExactAmount
        public var sources: [Source]
        public struct Source: Sendable, Equatable, Codable {
            public var invtNo: String
            public var logisticsNo: String
            public var gnum: Int
        }
    }

    /// One summary declaration.
    public struct Group: Sendable, Equatable, Codable {
        public var head: [String: String]
        public var lines: [Line]
        public var invtNos: [String]
        public var grossWeight: ExactAmount
        public var netWeight: ExactAmount
        /// The value by currency code (CEB codes, 142 = CNY).
        public var value: [String: ExactAmount]
    }

    /// Consolidates lists into declarations; the same lists give the same declarations in the same order.
    public static func consolidate(_ lists: [Listed], keys: Keys) -> [Group] {
        var groups: [[String]: Group] = [:]
        var lineIndex: [[String]: [[String]: Int]] = [:]
        for listed in lists.sorted(by: { $0.invtNo < $1.invtNo }) {
            let list = listed.inventory
            let headKey = keys.head.map { headFields[$0]!(list) }
            var group = groups[headKey] ?? Group(
                head: Dictionary(uniqueKeysWithValues: zip(keys.head, headKey)), lines: [], invtNos: [], grossWeight: .zero,
                netWeight: .zero, value: [:])
            group.invtNos.append(listed.invtNo)
            group.grossWeight = group.grossWeight + list.grossWeight
            group.netWeight = group.netWeight + list.netWeight
            for line in list.lines {
                let key = keys.line.map { lineFields[$0]!(list, line) }
                let source = Line.Source(invtNo: listed.invtNo, logisticsNo: list.logisticsNo, gnum: line.gnum)
                if let index = lineIndex[headKey]?[key] {
                    group.lines[index].qty = group.lines[index].qty + line.qty
                    group.lines[index].value = group.lines[index].value + line.totalPrice
                    group.lines[index].sources.append(source)
                } else {
                    lineIndex[headKey, default: [:]][key] = group.lines.count
                    group.lines.append(Line(
                        gseqno: group.lines.count + 1, key: Dictionary(uniqueKeysWithValues: zip(keys.line, key)), gcode: line.gcode,
                        currency: line.currency, unit: line.unit, qty: line.qty, value: line.totalPrice, sources: [source]))
                }
                group.value[line.currency, default: .zero] = group.value[line.currency, default: .zero] + line.totalPrice
            }
            groups[headKey] = group
        }
        return groups.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value)
    }

    /// The month (YYYY-MM, China time) a list released at `date` is summarised in.
    public static func period(of date: Date) -> String {
        let c = ChinaTime.civil(date)
        return ChinaTime.pad(c.year, 4) + "-" + ChinaTime.pad(c.month, 2)
    }

    /// The month after a period.
    public static func next(_ period: String) -> String {
        let parts = period.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return period }
        let (year, month) = parts[1] == 12 ? (parts[0] + 1, 1) : (parts[0], parts[1] + 1)
        return ChinaTime.pad(year, 4) + "-" + ChinaTime.pad(month, 2)
    }

    /// The day a period's summary is due: the 15th of the next month, or the first working day after it when that is
    /// a weekend or a listed non-working day; a weekend day listed as a working day (调休) counts as one.
    public static func deadline(of period: String, nonWorkingDays: Set<String>, workingDays: Set<String> = []) -> String {
        var day = next(period) + "-15"
        for _ in 0..<60 {
            guard let today = ChinaTime.day(day, plus: 0) else { break }
            if (today.weekday <= 5 || workingDays.contains(day)), !nonWorkingDays.contains(day) { return day }
            day = ChinaTime.day(day, plus: 1)!.day
        }
        return day
    }
}
