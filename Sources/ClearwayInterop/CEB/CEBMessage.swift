import ClearwayCore
import Foundation

/// Reads China's cross-border e-commerce import messages (CEB311 order, CEB411 payment, CEB511 waybill, CEB621
/// inventory, CEB623 cancellation, CEB625 return) into parcel documents. A message is first checked against the
/// official schema; a message that fails it is refused whole (answered by CEB900), naming each element that is wrong.
///
/// Resident ID numbers never leave this reader: each is replaced by `personKey(number)` (a keyed hash) at once.
public enum CEBMessage {
    public static let namespace = "http://www.chinaport.gov.cn/ceb"

    /// The import messages this platform takes, by root element.
    public enum Kind: String, Sendable, CaseIterable {
        case order = "CEB311Message"
        case payment = "CEB411Message"
        case waybill = "CEB511Message"
        case inventory = "CEB621Message"
        case cancellation = "CEB623Message"
        case `return` = "CEB625Message"

        /// The receipt message answering it.
        public var receipt: String {
            switch self {
            case .order: "CEB312Message"
            case .payment: "CEB412Message"
            case .waybill: "CEB512Message"
            case .inventory: "CEB622Message"
            case .cancellation: "CEB624Message"
            case .return: "CEB626Message"
            }
        }
    }

    /// One business entry of a message: a document, or a withdrawal of a list.
    public enum Entry: Sendable, Equatable {
        case document(Parcel.Document)
        case withdrawal(Parcel.Withdrawal)
    }

    /// A message that passed the schema, with its entries in document order.
    public struct Inbound: Sendable {
        public var kind: Kind
        public var guid: String
        /// The sending firm (BaseTransfer copCode) and its data-exchange id.
        public var copCode: String
        public var dxpId: String
        public var entries: [Entry]
        /// Whether the content is what the enveloped signature's Reference digested.
        public var signature: CEBSignature.Check
    }

    /// Why a message was refused whole: its type and guid when they could be read, and each problem by element path.
    public struct Failure: Error, Sendable, Equatable {
        public var messageType: String
        public var guid: String
        public var issues: [XMLSchema.Issue]
        public init(messageType: String, guid: String, issues: [XMLSchema.Issue]) {
            self.messageType = messageType
            self.guid = guid
            self.issues = issues
        }
    }

    /// Parses, validates and maps a message. Entity declarations, deep nesting, huge attributes and documents over
    /// `maxBytes` are refused before anything is read.
    public static func read(_ data: Data, schema: XMLSchema, maxBytes: Int = 4 << 20, personKey: @escaping (String) -> String)
        throws(Failure) -> Inbound
    {
        try read(try parse(data, maxBytes: maxBytes), schema: schema, personKey: personKey)
    }

    /// Parses a CEB message of either direction, refusing entity declarations, deep nesting and oversized input.
    public static func parse(_ data: Data, maxBytes: Int = 4 << 20) throws(Failure) -> XMLElement {
        do { return try XMLTree.parse(data, maxDepth: 16, maxBytes: maxBytes) } catch {
            throw Failure(messageType: "Unknown", guid: "", issues: [.init(path: "/", reason: "line \(error.line): \(error.reason)")])
        }
    }

    /// Validates and maps an already parsed import message.
    public static func read(_ root: XMLElement, schema: XMLSchema, personKey: @escaping (String) -> String) throws(Failure) -> Inbound {
        let guid = root.attribute("guid") ?? ""
        guard let kind = Kind(rawValue: root.localName) else {
            throw Failure(messageType: schema.declares(root.localName) ? root.localName : "Unknown", guid: guid, issues: [.init(
                path: "/\(root.localName)",
                reason: "this endpoint takes \((Kind.allCases.map(\.rawValue) + CEBExportMessage.Kind.allCases.map(\.rawValue)).joined(separator: ", ")), not \(root.localName)")])
        }
        let issues = schema.validate(root)
        if !issues.isEmpty { throw Failure(messageType: kind.rawValue, guid: guid, issues: issues) }
        var mapper = Mapper(personKey: personKey)
        var entries: [Entry] = []
        let base = "/\(kind.rawValue)"
        switch kind {
        case .order:
            for (index, node) in root.elements("Order").enumerated() {
                let path = base + "/Order" + (index > 0 ? "[\(index + 1)]" : "")
                if let order = mapper.order(node, path) { entries.append(.document(.order(order))) }
            }
        case .payment:
            for (index, node) in root.elements("Payment").enumerated() {
                let path = base + "/Payment" + (index > 0 ? "[\(index + 1)]" : "") + "/PaymentHead"
                if let payment = mapper.payment(node.element("PaymentHead"), path) { entries.append(.document(.payment(payment))) }
            }
        case .waybill:
            for (index, node) in root.elements("Logistics").enumerated() {
                let path = base + "/Logistics" + (index > 0 ? "[\(index + 1)]" : "") + "/LogisticsHead"
                if let waybill = mapper.waybill(node.element("LogisticsHead"), path) { entries.append(.document(.waybill(waybill))) }
            }
        case .inventory:
            for (index, node) in root.elements("Inventory").enumerated() {
                let path = base + "/Inventory" + (index > 0 ? "[\(index + 1)]" : "")
                if let inventory = mapper.inventory(node, path) { entries.append(.document(.inventory(inventory))) }
            }
        case .cancellation:
            for (index, node) in root.elements("InvtCancel").enumerated() {
                let path = base + "/InvtCancel" + (index > 0 ? "[\(index + 1)]" : "")
                if let withdrawal = mapper.withdrawal(node, Parcel.Withdrawal.Kind.cancellation, path) { entries.append(.withdrawal(withdrawal)) }
            }
        case .return:
            for (index, node) in root.elements("InvtRefund").enumerated() {
                let path = base + "/InvtRefund" + (index > 0 ? "[\(index + 1)]" : "") + "/InvtRefundHead"
                if let withdrawal = mapper.withdrawal(node.element("InvtRefundHead"), Parcel.Withdrawal.Kind.return, path) { entries.append(.withdrawal(withdrawal)) }
            }
        }
        if !mapper.issues.isEmpty { throw Failure(messageType: kind.rawValue, guid: guid, issues: mapper.issues) }
        let transfer = root.element("BaseTransfer")
        return Inbound(kind: kind, guid: guid, copCode: transfer?.element("copCode")?.text ?? "",
                       dxpId: transfer?.element("dxpId")?.text ?? "", entries: entries, signature: CEBSignature.check(root))
    }

    /// Turns validated elements into documents, collecting what the schema cannot say (amount range, ID numbers).
    struct Mapper: CEBFieldMapping {
        let personKey: (String) -> String
        var issues: [XMLSchema.Issue] = []

        mutating func person(_ node: [String: String], id: String, name: String, telephone: String, _ path: String) -> Parcel.Person {
            let number = text(node, id)
            let valid = number.count == 18 && number.prefix(17).allSatisfy { ("0"..."9").contains($0) }
                && (("0"..."9").contains(number.last!) || number.last == "X")
            if !valid {
                issues.append(.init(path: "\(path)/\(id)", reason: "a resident ID number is 17 digits and a digit or X"))
            }
            return Parcel.Person(key: valid ? personKey(number) : "", name: text(node, name), telephone: text(node, telephone))
        }

        mutating func order(_ node: XMLElement, _ path: String) -> Parcel.Order? {
            let head = node.element("OrderHead")?.fields ?? [:], headPath = path + "/OrderHead"
            if text(head, "orderType") != "I" {
                issues.append(.init(path: headPath + "/orderType", reason: "an import order has orderType I"))
            }
            let lines = node.elements("OrderList").enumerated().map { index, element in
                let line = element.fields
                let linePath = path + "/OrderList" + (index > 0 ? "[\(index + 1)]" : "")
                return Parcel.Order.Line(
                    gnum: gnum(line, linePath), itemNo: text(line, "itemNo"), itemName: text(line, "itemName"),
                    qty: amount(line, "qty", linePath), unit: text(line, "unit"), price: amount(line, "price", linePath),
                    totalPrice: amount(line, "totalPrice", linePath))
            }
            return Parcel.Order(
                envelope: envelope(head), orderNo: text(head, "orderNo"), ebpCode: text(head, "ebpCode"), ebpName: text(head, "ebpName"),
                ebcCode: text(head, "ebcCode"), ebcName: text(head, "ebcName"), goodsValue: amount(head, "goodsValue", headPath),
                freight: amount(head, "freight", headPath), discount: amount(head, "discount", headPath),
                taxTotal: amount(head, "taxTotal", headPath), acturalPaid: amount(head, "acturalPaid", headPath),
                currency: text(head, "currency"),
                buyer: person(head, id: "buyerIdNumber", name: "buyerName", telephone: "buyerTelephone", headPath),
                buyerIdType: text(head, "buyerIdType"), payCode: text(head, "payCode"), payTransactionId: text(head, "payTransactionId"),
                consignee: .init(name: text(head, "consignee"), telephone: text(head, "consigneeTelephone"),
                                 address: text(head, "consigneeAddress")),
                lines: lines)
        }

        mutating func payment(_ element: XMLElement?, _ path: String) -> Parcel.Payment? {
            let head = element?.fields ?? [:]
            return Parcel.Payment(
                envelope: envelope(head), payCode: text(head, "payCode"), payName: text(head, "payName"),
                payTransactionId: text(head, "payTransactionId"), orderNo: text(head, "orderNo"), ebpCode: text(head, "ebpCode"),
                payer: person(head, id: "payerIdNumber", name: "payerName", telephone: "telephone", path),
                payerIdType: text(head, "payerIdType"), amountPaid: amount(head, "amountPaid", path), currency: text(head, "currency"),
                payTime: text(head, "payTime"))
        }

        mutating func waybill(_ element: XMLElement?, _ path: String) -> Parcel.Waybill? {
            let head = element?.fields ?? [:]
            return Parcel.Waybill(
                envelope: envelope(head), logisticsCode: text(head, "logisticsCode"), logisticsName: text(head, "logisticsName"),
                logisticsNo: text(head, "logisticsNo"), billNo: text(head, "billNo"), freight: amount(head, "freight", path),
                insuredFee: amount(head, "insuredFee", path), currency: text(head, "currency"), weight: amount(head, "weight", path),
                consignee: .init(name: text(head, "consignee"), telephone: text(head, "consigneeTelephone"),
                                 address: text(head, "consigneeAddress")))
        }

        mutating func inventory(_ node: XMLElement, _ path: String) -> Parcel.Inventory? {
            let head = node.element("InventoryHead")?.fields ?? [:], headPath = path + "/InventoryHead"
            let lines = node.elements("InventoryList").enumerated().map { index, element in
                let line = element.fields
                let linePath = path + "/InventoryList" + (index > 0 ? "[\(index + 1)]" : "")
                return Parcel.Inventory.Line(
                    gnum: gnum(line, linePath), itemNo: text(line, "itemNo"), itemName: text(line, "itemName"),
                    gcode: text(line, "gcode"), gname: text(line, "gname"), country: text(line, "country"),
                    qty: amount(line, "qty", linePath), unit: text(line, "unit"), price: amount(line, "price", linePath),
                    totalPrice: amount(line, "totalPrice", linePath))
            }
            return Parcel.Inventory(
                envelope: envelope(head), orderNo: text(head, "orderNo"), ebpCode: text(head, "ebpCode"), ebcCode: text(head, "ebcCode"),
                logisticsCode: text(head, "logisticsCode"), logisticsNo: text(head, "logisticsNo"), copNo: text(head, "copNo"),
                assureCode: text(head, "assureCode"), ieFlag: text(head, "ieFlag"), customsCode: text(head, "customsCode"),
                portCode: text(head, "portCode"),
                buyer: person(head, id: "buyerIdNumber", name: "buyerName", telephone: "buyerTelephone", headPath),
                buyerIdType: text(head, "buyerIdType"), consigneeAddress: text(head, "consigneeAddress"),
                agentCode: text(head, "agentCode"), tradeMode: text(head, "tradeMode"), country: text(head, "country"),
                freight: amount(head, "freight", headPath), insuredFee: amount(head, "insuredFee", headPath),
                currency: text(head, "currency"), grossWeight: amount(head, "grossWeight", headPath),
                netWeight: amount(head, "netWeight", headPath), lines: lines)
        }

        mutating func withdrawal(_ element: XMLElement?, _ kind: Parcel.Withdrawal.Kind, _ path: String) -> Parcel.Withdrawal? {
            let node = element?.fields ?? [:]
            return Parcel.Withdrawal(
                kind: kind, envelope: envelope(node), orderNo: text(node, "orderNo"), ebpCode: text(node, "ebpCode"),
                invtNo: text(node, "invtNo"), copNo: text(node, "copNo"), agentCode: text(node, "agentCode"),
                customsCode: text(node, "customsCode"), reason: text(node, "reason"))
        }
    }
}

/// Reading the fields every CEB element shares, in either direction, collecting what the schema cannot say.
protocol CEBFieldMapping {
    var issues: [XMLSchema.Issue] { get set }
}

extension CEBFieldMapping {
    /// Fields are looked up in each element's `fields`, read in one pass, not searched for one by one.
    func text(_ fields: [String: String], _ name: String) -> String { fields[name] ?? "" }

    mutating func amount(_ node: [String: String], _ name: String, _ path: String) -> ExactAmount {
        let value = text(node, name)
        if value.isEmpty { return .zero }
        do { return try ExactAmount(value) } catch {
            issues.append(.init(path: "\(path)/\(name)", reason: error.detail))
            return .zero
        }
    }

    mutating func gnum(_ node: [String: String], _ path: String) -> Int {
        guard let value = Int(text(node, "gnum")), value > 0 else {
            issues.append(.init(path: "\(path)/gnum", reason: "gnum is the line number, from 1"))
            return 0
        }
        return value
    }

    func envelope(_ node: [String: String]) -> Parcel.Envelope {
        Parcel.Envelope(guid: text(node, "guid"), appType: text(node, "appType"), appTime: text(node, "appTime"))
    }
}
