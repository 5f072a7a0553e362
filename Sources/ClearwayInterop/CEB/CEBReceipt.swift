import ClearwayCore
import Foundation

/// Customs' answer to one entry of a CEB message: the status (CEB622 codes: 100 rejected, 120 stored, 300 manual
/// review, 399 decided, 500 inspection, 800 released …) and what it means.
public struct CEBReceipt: Sendable, Equatable {
    public var entry: CEBMessage.Entry
    public var preNo: String?
    public var invtNo: String?
    public var status: Int
    public var info: String
    public var at: Date

    public init(entry: CEBMessage.Entry, preNo: String? = nil, invtNo: String? = nil, status: Int, info: String, at: Date) {
        self.entry = entry
        self.preNo = preNo
        self.invtNo = invtNo
        self.status = status
        self.info = info
        self.at = at
    }

    /// YYYYMMDDhhmmssSSS in China time, as receipts write it.
    static func time(_ date: Date) -> String {
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        return ChinaTime.second(date) + ChinaTime.pad(millis, 3)
    }

    /// The receipt message answering a message of `kind` (CEB312, 412, 512, 622, 624 or 626), one entry per receipt.
    public static func message(answering kind: CEBMessage.Kind, guid: String, receipts: [CEBReceipt]) -> Data {
        let (name, entries) = (kind.receipt, receipts.map { $0.element(kind) })
        return XMLTree.write(XMLElement(
            name: name, attributes: [("xmlns", CEBMessage.namespace), ("guid", guid), ("version", "1.0")],
            children: entries.map(XMLNode.element)))
    }

    func element(_ kind: CEBMessage.Kind) -> XMLElement {
        var fields: [(String, String)]
        let tag: String
        switch entry {
        case .document(.order(let order)):
            tag = "OrderReturn"
            fields = [("guid", order.envelope.guid), ("ebpCode", order.ebpCode), ("ebcCode", order.ebcCode), ("orderNo", order.orderNo)]
        case .document(.payment(let payment)):
            tag = "PaymentReturn"
            fields = [("guid", payment.envelope.guid), ("payCode", payment.payCode), ("payTransactionId", payment.payTransactionId)]
        case .document(.waybill(let waybill)):
            tag = "LogisticsReturn"
            fields = [("guid", waybill.envelope.guid), ("logisticsCode", waybill.logisticsCode), ("logisticsNo", waybill.logisticsNo)]
        case .document(.inventory(let inventory)):
            tag = "InventoryReturn"
            fields = [("guid", inventory.envelope.guid), ("customsCode", inventory.customsCode), ("ebpCode", inventory.ebpCode),
                      ("ebcCode", inventory.ebcCode), ("agentCode", inventory.agentCode), ("copNo", inventory.copNo),
                      ("preNo", preNo ?? "")]
            if let invtNo { fields.append(("invtNo", invtNo)) }
        case .withdrawal(let withdrawal):
            tag = withdrawal.kind == .cancellation ? "InvtCancelReturn" : "InvtRefundReturn"
            fields = [("guid", withdrawal.envelope.guid), ("customsCode", withdrawal.customsCode), ("agentCode", withdrawal.agentCode),
                      ("ebpCode", withdrawal.ebpCode), ("copNo", withdrawal.copNo), ("preNo", preNo ?? ""),
                      ("invtNo", withdrawal.invtNo)]
        }
        fields += [("returnStatus", String(status)), ("returnTime", Self.time(at)), ("returnInfo", String(info.prefix(1000)))]
        return XMLElement(name: tag, attributes: [], children: fields.map { name, value in
            .element(XMLElement(name: name, attributes: [], children: value.isEmpty ? [] : [.text(value)]))
        })
    }

    /// CEB900: the message failed the format check; each problem by element path (status −1, as below-zero means).
    public static func formatError(_ failure: CEBMessage.Failure, at date: Date) -> Data {
        let info = failure.issues.prefix(50).map(\.description).joined(separator: "; ")
        let fields: [(String, String)] = [
            ("guid", failure.guid.count == 36 ? failure.guid : UUID().uuidString), ("returnStatus", "-1"),
            ("returnInfo", String(info.prefix(5000))), ("returnTime", time(date)), ("oriCopMsgId", ""),
            ("oriMessageType", String(failure.messageType.prefix(15))), ("oriBizMessage", ""),
        ]
        let entry = XMLElement(name: "MessageReturn", attributes: [], children: fields.map { name, value in
            .element(XMLElement(name: name, attributes: [], children: value.isEmpty ? [] : [.text(value)]))
        })
        return XMLTree.write(XMLElement(
            name: "CEB900Message", attributes: [("xmlns", CEBMessage.namespace), ("guid", UUID().uuidString), ("version", "1.0")],
            children: [.element(entry)]))
    }

    /// CEB816: the electronic tax bill of one released list, head amounts rounded to the fen from exact line sums.
    public static func taxBill(taxNo: String, invtNo: String, inventory: Parcel.Inventory, assessment: ParcelAssessment,
                               status: String, at date: Date) -> Data {
        func leaf(_ name: String, _ value: String) -> XMLNode {
            .element(XMLElement(name: name, attributes: [], children: value.isEmpty ? [] : [.text(value)]))
        }
        func fen(_ value: Decimal) -> String { yuan(ExactAmount.roundToFen(value)) }
        let head = XMLElement(name: "TaxHeadRd", attributes: [], children: [
            leaf("guid", UUID().uuidString), leaf("returnTime", time(date)), leaf("invtNo", invtNo), leaf("taxNo", taxNo),
            leaf("customsTax", yuan(assessment.dutyFen)), leaf("valueAddedTax", yuan(assessment.vatFen)),
            leaf("consumptionTax", yuan(assessment.consumptionFen)), leaf("status", status),
            leaf("assureCode", inventory.assureCode), leaf("ebcCode", inventory.ebcCode),
            leaf("logisticsCode", inventory.logisticsCode), leaf("agentCode", inventory.agentCode),
            leaf("customsCode", inventory.customsCode),
        ])
        let lines = assessment.lines.map { line in
            XMLNode.element(XMLElement(name: "TaxListRd", attributes: [], children: [
                leaf("gnum", String(line.gnum)), leaf("gcode", line.gcode), leaf("taxPrice", fen(line.taxableValue)),
                leaf("customsTax", fen(line.duty)), leaf("valueAddedTax", fen(line.vat)), leaf("consumptionTax", fen(line.consumption)),
            ]))
        }
        let tax = XMLElement(name: "Tax", attributes: [], children: [.element(head)] + lines)
        return XMLTree.write(XMLElement(
            name: "CEB816Message", attributes: [("xmlns", CEBMessage.namespace), ("guid", UUID().uuidString), ("version", "1.0")],
            children: [.element(tax)]))
    }
}
