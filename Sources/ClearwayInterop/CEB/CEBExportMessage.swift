import ClearwayCore
import Foundation

/// Reads China's cross-border e-commerce export messages (CEB303 order, 403 collection, 505 waybill, 507 arrival,
/// 509 departure, 603 export list, 605 cancellation, 607 master bill, 701 summary application) after checking them
/// against the official export schema; a message that fails it is refused whole (answered by CEB900).
public enum CEBExportMessage {
    public enum Kind: String, Sendable, CaseIterable {
        case order = "CEB303Message"
        case collection = "CEB403Message"
        case waybill = "CEB505Message"
        case arrival = "CEB507Message"
        case departure = "CEB509Message"
        case inventory = "CEB603Message"
        case cancellation = "CEB605Message"
        case masterBill = "CEB607Message"
        case summary = "CEB701Message"

        /// The receipt message and the element of each of its entries.
        public var receipt: (message: String, entry: String) {
            switch self {
            case .order: ("CEB304Message", "OrderReturn")
            case .collection: ("CEB404Message", "ReceiptsReturn")
            case .waybill: ("CEB506Message", "LogisticsReturn")
            case .arrival: ("CEB508Message", "ArrivalReturn")
            case .departure: ("CEB510Message", "DepartureReturn")
            case .inventory: ("CEB604Message", "InventoryReturn")
            case .cancellation: ("CEB606Message", "InvtCancelReturn")
            case .masterBill: ("CEB608Message", "WayBillReturn")
            case .summary: ("CEB702Message", "SummaryReturn")
            }
        }
    }

    /// One business entry of a message.
    public enum Entry: Sendable, Equatable {
        case document(ExportParcel.Document)
        case movement(ExportParcel.Movement)
        case cancellation(ExportParcel.Cancellation)
        case masterBill(ExportParcel.MasterBill)
        case summary(ExportParcel.SummaryApplication)

        public var guid: String {
            switch self {
            case .document(.order(let d)): d.envelope.guid
            case .document(.collection(let d)): d.envelope.guid
            case .document(.waybill(let d)): d.envelope.guid
            case .document(.inventory(let d)): d.envelope.guid
            case .movement(let d): d.envelope.guid
            case .cancellation(let d): d.envelope.guid
            case .masterBill(let d): d.envelope.guid
            case .summary(let d): d.envelope.guid
            }
        }
    }

    public struct Inbound: Sendable {
        public var kind: Kind
        public var guid: String
        public var entries: [Entry]
        public var signature: CEBSignature.Check
    }

    /// Validates and maps an already parsed export message.
    public static func read(_ root: XMLElement, schema: XMLSchema) throws(CEBMessage.Failure) -> Inbound {
        let guid = root.attribute("guid") ?? ""
        guard let kind = Kind(rawValue: root.localName) else {
            throw CEBMessage.Failure(messageType: root.localName, guid: guid, issues: [.init(
                path: "/\(root.localName)", reason: "not an export message: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")])
        }
        let issues = schema.validate(root)
        if !issues.isEmpty { throw CEBMessage.Failure(messageType: kind.rawValue, guid: guid, issues: issues) }
        var mapper = Mapper()
        let base = "/\(kind.rawValue)"
        func each(_ name: String, _ body: (XMLElement, String) -> Entry?) -> [Entry] {
            root.elements(name).enumerated().compactMap { index, node in
                body(node, base + "/" + name + (index > 0 ? "[\(index + 1)]" : ""))
            }
        }
        let entries: [Entry]
        switch kind {
        case .order: entries = each("Order") { node, path in mapper.order(node, path).map { .document(.order($0)) } }
        case .collection: entries = each("Receipts") { node, path in .document(.collection(mapper.collection(node.fields, path))) }
        case .waybill: entries = each("Logistics") { node, path in .document(.waybill(mapper.waybill(node.fields, path))) }
        case .inventory: entries = each("Inventory") { node, path in .document(.inventory(mapper.inventory(node, path))) }
        case .arrival: entries = each("Arrival") { node, _ in .movement(mapper.movement(node, .arrival)) }
        case .departure: entries = each("Departure") { node, _ in .movement(mapper.movement(node, .departure)) }
        case .cancellation: entries = each("InvtCancel") { node, _ in .cancellation(mapper.cancellation(node.fields)) }
        case .masterBill: entries = each("WayBill") { node, _ in .masterBill(mapper.masterBill(node)) }
        case .summary: entries = each("SummaryApply") { node, _ in .summary(mapper.summary(node)) }
        }
        if !mapper.issues.isEmpty { throw CEBMessage.Failure(messageType: kind.rawValue, guid: guid, issues: mapper.issues) }
        return Inbound(kind: kind, guid: guid, entries: entries, signature: CEBSignature.check(root))
    }

    struct Mapper: CEBFieldMapping {
        var issues: [XMLSchema.Issue] = []

        mutating func order(_ node: XMLElement, _ path: String) -> ExportParcel.Order? {
            let head = node.element("OrderHead")?.fields ?? [:], headPath = path + "/OrderHead"
            let lines = node.elements("OrderList").enumerated().map { index, element in
                let line = element.fields, linePath = path + "/OrderList" + (index > 0 ? "[\(index + 1)]" : "")
                return Parcel.Order.Line(
                    gnum: gnum(line, linePath), itemNo: text(line, "itemNo"), itemName: text(line, "itemName"),
                    qty: amount(line, "qty", linePath), unit: text(line, "unit"), price: amount(line, "price", linePath),
                    totalPrice: amount(line, "totalPrice", linePath))
            }
            return ExportParcel.Order(
                envelope: envelope(head), orderType: text(head, "orderType"), orderNo: text(head, "orderNo"), ebpCode: text(head, "ebpCode"),
                ebcCode: text(head, "ebcCode"), ebcName: text(head, "ebcName"), goodsValue: amount(head, "goodsValue", headPath),
                freight: amount(head, "freight", headPath), currency: text(head, "currency"), lines: lines)
        }

        mutating func collection(_ head: [String: String], _ path: String) -> ExportParcel.Collection {
            ExportParcel.Collection(
                envelope: envelope(head), orderNo: text(head, "orderNo"), ebpCode: text(head, "ebpCode"), ebcCode: text(head, "ebcCode"),
                payCode: text(head, "payCode"), payNo: text(head, "payNo"), charge: amount(head, "charge", path),
                currency: text(head, "currency"), accountingDate: text(head, "accountingDate"))
        }

        mutating func waybill(_ head: [String: String], _ path: String) -> ExportParcel.Waybill {
            ExportParcel.Waybill(
                envelope: envelope(head), logisticsCode: text(head, "logisticsCode"), logisticsNo: text(head, "logisticsNo"),
                freight: amount(head, "freight", path), currency: text(head, "currency"), grossWeight: amount(head, "grossWeight", path))
        }

        mutating func inventory(_ node: XMLElement, _ path: String) -> ExportParcel.Inventory {
            let head = node.element("InventoryHead")?.fields ?? [:], headPath = path + "/InventoryHead"
            let lines = node.elements("InventoryList").enumerated().map { index, element in
                let line = element.fields, linePath = path + "/InventoryList" + (index > 0 ? "[\(index + 1)]" : "")
                return ExportParcel.Inventory.Line(
                    gnum: gnum(line, linePath), itemNo: text(line, "itemNo"), itemName: text(line, "itemName"), gcode: text(line, "gcode"),
                    gname: text(line, "gname"), country: text(line, "country"), currency: text(line, "currency"),
                    qty: amount(line, "qty", linePath), unit: text(line, "unit"), price: amount(line, "price", linePath),
                    totalPrice: amount(line, "totalPrice", linePath))
            }
            return ExportParcel.Inventory(
                envelope: envelope(head), customsCode: text(head, "customsCode"), portCode: text(head, "portCode"),
                ebpCode: text(head, "ebpCode"), orderNo: text(head, "orderNo"), logisticsCode: text(head, "logisticsCode"),
                logisticsNo: text(head, "logisticsNo"), copNo: text(head, "copNo"), ieFlag: text(head, "ieFlag"),
                agentCode: text(head, "agentCode"), agentName: text(head, "agentName"), ebcCode: text(head, "ebcCode"),
                ebcName: text(head, "ebcName"), ownerCode: text(head, "ownerCode"), ownerName: text(head, "ownerName"),
                tradeMode: text(head, "tradeMode"), trafMode: text(head, "trafMode"), country: text(head, "country"), pod: text(head, "POD"),
                grossWeight: amount(head, "grossWeight", headPath), netWeight: amount(head, "netWeight", headPath), lines: lines)
        }

        func movement(_ node: XMLElement, _ kind: ExportParcel.Movement.Kind) -> ExportParcel.Movement {
            let headName = kind == .arrival ? "ArrivalHead" : "DepartureHead", listName = kind == .arrival ? "ArrivalList" : "DepartureList"
            let head = node.element(headName)?.fields ?? [:]
            return ExportParcel.Movement(
                kind: kind, envelope: envelope(head), customsCode: text(head, "customsCode"), copNo: text(head, "copNo"),
                logisticsCode: text(head, "logisticsCode"), billNo: text(head, "billNo"), voyageNo: text(head, "voyageNo"),
                at: kind == .departure ? text(head, "leaveTime") : text(head, "appTime"),
                logisticsNos: node.elements(listName).map { text($0.fields, "logisticsNo") })
        }

        func cancellation(_ node: [String: String]) -> ExportParcel.Cancellation {
            ExportParcel.Cancellation(
                envelope: envelope(node), customsCode: text(node, "customsCode"), copNo: text(node, "copNo"), invtNo: text(node, "invtNo"),
                reason: text(node, "reason"), agentCode: text(node, "agentCode"), ebcCode: text(node, "ebcCode"))
        }

        func masterBill(_ node: XMLElement) -> ExportParcel.MasterBill {
            let head = node.element("WayBillHead")?.fields ?? [:]
            return ExportParcel.MasterBill(
                envelope: envelope(head), customsCode: text(head, "customsCode"), copNo: text(head, "copNo"), agentCode: text(head, "agentCode"),
                billNo: text(head, "billNo"), voyageNo: text(head, "voyageNo"), logisticsCode: text(head, "logisticsCode"),
                logisticsNos: node.elements("WayBillList").map { text($0.fields, "logisticsNo") })
        }

        func summary(_ node: XMLElement) -> ExportParcel.SummaryApplication {
            let head = node.element("SummaryApplyHead")?.fields ?? [:]
            return ExportParcel.SummaryApplication(
                envelope: envelope(head), customsCode: text(head, "customsCode"), copNo: text(head, "copNo"), agentCode: text(head, "agentCode"),
                ebcCode: text(head, "ebcCode"), invtNos: node.elements("SummaryApplyList").map { text($0.fields, "invtNo") })
        }
    }
}

/// Customs' answer to one entry of an export message, written as its CEB3xx–7xx receipt.
public struct CEBExportReceipt: Sendable, Equatable {
    public var entry: CEBExportMessage.Entry
    public var preNo: String?
    public var invtNo: String?
    public var sumNo: String?
    public var status: Int
    public var info: String
    public var at: Date
    public init(entry: CEBExportMessage.Entry, preNo: String? = nil, invtNo: String? = nil, sumNo: String? = nil, status: Int, info: String,
                at: Date) {
        self.entry = entry
        self.preNo = preNo
        self.invtNo = invtNo
        self.sumNo = sumNo
        self.status = status
        self.info = info
        self.at = at
    }

    public static func message(answering kind: CEBExportMessage.Kind, guid: String, receipts: [CEBExportReceipt]) -> Data {
        XMLTree.write(XMLElement(
            name: kind.receipt.message, attributes: [("xmlns", CEBMessage.namespace), ("guid", guid), ("version", "1.0")],
            children: receipts.map { .element($0.element(kind)) }))
    }

    func element(_ kind: CEBExportMessage.Kind) -> XMLElement {
        var fields: [(String, String)] = [("guid", entry.guid)]
        switch entry {
        case .document(.order(let d)): fields += [("ebpCode", d.ebpCode), ("ebcCode", d.ebcCode), ("orderNo", d.orderNo)]
        case .document(.collection(let d)): fields += [("ebcCode", d.ebcCode), ("orderNo", d.orderNo), ("payNo", d.payNo)]
        case .document(.waybill(let d)): fields += [("logisticsCode", d.logisticsCode), ("logisticsNo", d.logisticsNo)]
        case .document(.inventory(let d)):
            fields += [("agentCode", d.agentCode), ("copNo", d.copNo), ("preNo", preNo ?? ""), ("invtNo", invtNo ?? ""),
                       ("ebcCode", d.ebcCode), ("ebpCode", d.ebpCode), ("orderNo", d.orderNo), ("statisticsFlag", "A")]
        case .movement(let d):
            if d.kind == .arrival {
                fields += [("operatorCode", d.logisticsCode), ("logisticsCode", d.logisticsCode), ("preNo", preNo ?? ""),
                           ("copNo", d.copNo), ("billNo", d.billNo), ("msgSeqNo", "1")]
            } else {
                fields += [("logisticsCode", d.logisticsCode), ("copNo", d.copNo), ("preNo", preNo ?? ""), ("msgSeqNo", "1")]
            }
        case .cancellation(let d):
            fields += [("agentCode", d.agentCode), ("copNo", d.copNo), ("preNo", preNo ?? ""), ("invtNo", d.invtNo)]
        case .masterBill(let d):
            fields += [("agentCode", d.agentCode), ("logisticsCode", d.logisticsCode), ("copNo", d.copNo), ("preNo", preNo ?? ""),
                       ("billNo", d.billNo), ("msgSeqNo", "1")]
        case .summary(let d):
            fields += [("agentCode", d.agentCode), ("ebcCode", d.ebcCode), ("copNo", d.copNo), ("preNo", preNo ?? "")]
            if let sumNo { fields.append(("sumNo", sumNo)) }
            fields.append(("msgSeqNo", "1"))
        }
        fields += [("returnStatus", String(status)), ("returnTime", CEBReceipt.time(at)), ("returnInfo", String(info.prefix(1000)))]
        return XMLElement(name: kind.receipt.entry, attributes: [], children: fields.map { name, value in
            .element(XMLElement(name: name, attributes: [], children: value.isEmpty ? [] : [.text(value)]))
        })
    }

    /// CEB792: the summary declarations made from a firm's lists, one SummaryResult each, with every list line mapped
    /// to the summary line (gseqno) it went into.
    public static func summaryResult(_ summaries: [(sumNo: String, declSeqNo: String, customsCode: String, agentCode: String,
                                                    ebcCode: String, group: ExportSummary.Group)], at date: Date) -> Data {
        func leaf(_ name: String, _ value: String) -> XMLNode {
            .element(XMLElement(name: name, attributes: [], children: value.isEmpty ? [] : [.text(value)]))
        }
        let results = summaries.enumerated().map { index, summary in
            let head = XMLElement(name: "SummaryResultHead", attributes: [], children: [
                leaf("guid", UUID().uuidString), leaf("customsCode", summary.customsCode), leaf("sumNo", summary.sumNo),
                leaf("opDate", CEBReceipt.time(date)), leaf("declSeqNo", summary.declSeqNo), leaf("decState", "A"),
                leaf("agentCode", summary.agentCode), leaf("agentName", ""), leaf("ebcCode", summary.ebcCode), leaf("ebcName", ""),
                leaf("declAgentCode", summary.agentCode), leaf("declAgentName", ""),
                leaf("grossWeight", summary.group.grossWeight.description), leaf("netWeight", summary.group.netWeight.description),
                leaf("msgCount", String(summaries.count)), leaf("msgSeqNo", String(index + 1)),
            ])
            let lines = summary.group.lines.flatMap { line in
                line.sources.map { source in
                    XMLNode.element(XMLElement(name: "SummaryResultList", attributes: [], children: [
                        leaf("invtNo", source.invtNo), leaf("logisticsNo", source.logisticsNo), leaf("gseqno", String(line.gseqno)),
                        leaf("gnum", String(source.gnum)), leaf("gcode", line.gcode),
                    ]))
                }
            }
            return XMLNode.element(XMLElement(name: "SummaryResult", attributes: [], children: [.element(head)] + lines))
        }
        return XMLTree.write(XMLElement(
            name: "CEB792Message", attributes: [("xmlns", CEBMessage.namespace), ("guid", UUID().uuidString), ("version", "1.0")],
            children: results))
    }
}
