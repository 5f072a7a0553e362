import ClearwayCore
import Foundation

/// Labelled inspection history in CSV: one row per declaration line, a 0/1 discrepancy column, fields by header.
///
/// Headers are either ``RiskField`` names or the Korea Customs Service synthetic data set's English headers
/// ("Importer ID", "HS6 Code", "Fraud" …), so that public benchmark data trains the same model as our own history.
public enum RiskHistoryCSV {
    /// The KCS headers and the risk fields they carry.
    static let aliases: [String: String] = [
        "Office ID": RiskField.office, "Process Type": RiskField.processType, "Import Type": RiskField.supervisionMode,
        "Import Use": RiskField.usage, "Payment Type": RiskField.paymentType, "Mode of Transport": RiskField.transportMode,
        "Declarant ID": RiskField.declarant, "Importer ID": RiskField.importer, "Seller ID": RiskField.seller,
        "Courier ID": RiskField.courier, "HS6 Code": RiskField.commodity, "Country of Departure": RiskField.departureCountry,
        "Country of Origin": RiskField.originCountry, "Tax Rate": RiskField.taxRate, "Tax Type": RiskField.taxType,
        "Country of Origin Indicator": RiskField.originIndicator, "Net Mass": RiskField.netMass,
        "Item Price": RiskField.itemPrice,
    ]
    static let labelHeaders: Set<String> = ["Fraud", "discrepancy"]
    static let revenueHeaders: Set<String> = ["Revenue", "revenue"]

    /// Records with labels, and the revenue column when the file has one.
    public struct History: Sendable {
        public var records: [RiskRecord]
        public var revenue: [Double]?
    }

    /// A file that cannot be read as labelled history.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public static func read(_ text: String) throws(Failure) -> History {
        let rows: [[String]]
        do { rows = try CSVReader.rows(text) } catch { throw Failure(line: error.line, reason: error.reason) }
        guard let header = rows.first else { throw Failure(line: 1, reason: "empty file: a header row is needed") }
        guard let labelColumn = header.firstIndex(where: labelHeaders.contains) else {
            throw Failure(line: 1, reason: "no label column: one of \(labelHeaders.sorted().joined(separator: ", ")) is needed")
        }
        let revenueColumn = header.firstIndex(where: revenueHeaders.contains)
        let known = Set(aliases.values)
        let fields: [(Int, String)] = header.enumerated().compactMap { index, name in
            if let field = aliases[name] { return (index, field) }
            return known.contains(name) ? (index, name) : nil
        }
        var records: [RiskRecord] = []
        var revenue: [Double] = []
        records.reserveCapacity(rows.count)
        for (offset, row) in rows.dropFirst().enumerated() {
            let line = offset + 2
            guard row.count == header.count else {
                throw Failure(line: line, reason: "\(row.count) fields where the header has \(header.count)")
            }
            let discrepancy: Bool
            switch row[labelColumn] {
            case "1", "true": discrepancy = true
            case "0", "false": discrepancy = false
            case let other: throw Failure(line: line, reason: "label \"\(other)\" in \(header[labelColumn]) is not 0 or 1")
            }
            var values: [String: String] = [:]
            for (index, field) in fields where !row[index].isEmpty { values[field] = row[index] }
            records.append(RiskRecord(fields: values, discrepancy: discrepancy))
            if let revenueColumn {
                guard let amount = Double(row[revenueColumn].isEmpty ? "0" : row[revenueColumn]) else {
                    throw Failure(line: line, reason: "revenue \"\(row[revenueColumn])\" is not a number")
                }
                revenue.append(amount)
            }
        }
        return History(records: records, revenue: revenueColumn == nil ? nil : revenue)
    }
}
