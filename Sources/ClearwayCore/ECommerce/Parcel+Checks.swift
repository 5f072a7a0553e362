import Foundation

extension Parcel {
    /// The only currency and buyer ID type CBEC retail imports accept (DOMAIN.md §6.2): CNY, resident ID card.
    static let currency = "142"
    static let residentIDCard = "1"
    /// Supervision modes of retail imports: direct purchase (9610) and bonded (1210).
    static let tradeModes: Set<String> = ["9610", "1210"]

    /// A document checked on its own: codes, and arithmetic a firm's system should never get wrong. Each issue points
    /// at the element (`/OrderList/1/totalPrice` is the second line's total).
    public static func check(_ document: Document, hs: HSNomenclature? = nil, rules: CrossBorderRules? = nil) -> [FieldIssue] {
        var issues = IssueCollector()
        func code(_ pointer: String, _ value: String, _ allowed: Set<String>, _ what: String) {
            if !allowed.contains(value) {
                issues.add(pointer, "code-not-allowed", "\(what) must be \(allowed.sorted().joined(separator: " or ")), not '\(value)'")
            }
        }
        switch document {
        case .order(let order):
            code("/OrderHead/currency", order.currency, [currency], "the currency")
            code("/OrderHead/buyerIdType", order.buyerIdType, [residentIDCard], "the buyer's ID type")
            for (index, line) in order.lines.enumerated() {
                issues.lineTotal("/OrderList/\(index)/totalPrice", gnum: line.gnum, qty: line.qty, price: line.price, total: line.totalPrice)
            }
            issues.goodsValue(order.goodsValue, lines: order.lines)
            let expected = order.goodsValue + order.freight - order.discount + order.taxTotal
            if expected.fen != order.acturalPaid.fen {
                issues.add("/OrderHead/acturalPaid", "paid-mismatch",
                           "acturalPaid \(order.acturalPaid) ≠ goodsValue \(order.goodsValue) + freight \(order.freight) − discount \(order.discount) + taxTotal \(order.taxTotal) = \(expected)")
            }
        case .payment(let payment):
            code("/PaymentHead/currency", payment.currency, [currency], "the currency")
            code("/PaymentHead/payerIdType", payment.payerIdType, [residentIDCard], "the payer's ID type")
            if payment.amountPaid <= .zero { issues.add("/PaymentHead/amountPaid", "amount-not-positive", "amountPaid must be above zero") }
        case .waybill(let waybill):
            code("/LogisticsHead/currency", waybill.currency, [currency], "the currency")
        case .inventory(let inventory):
            code("/InventoryHead/ieFlag", inventory.ieFlag, ["I"], "an import list's ieFlag")
            code("/InventoryHead/tradeMode", inventory.tradeMode, tradeModes, "the trade mode")
            code("/InventoryHead/currency", inventory.currency, [currency], "the currency")
            code("/InventoryHead/buyerIdType", inventory.buyerIdType, [residentIDCard], "the buyer's ID type")
            for (index, line) in inventory.lines.enumerated() {
                issues.lineTotal("/InventoryList/\(index)/totalPrice", gnum: line.gnum, qty: line.qty, price: line.price, total: line.totalPrice)
                let pointer = "/InventoryList/\(index)/gcode"
                issues.commodity(pointer, line.gcode, hs: hs)
                if let rules, !rules.positiveList.isEmpty {
                    switch rules.positiveListRemark(line.gcode) {
                    case nil:
                        issues.add(pointer, "not-on-positive-list",
                                   "\(line.gcode) is not on the cross-border e-commerce positive list: declare it as general trade")
                    case "bonded-only" where inventory.tradeMode != "1210":
                        issues.add(pointer, "positive-list-bonded-only", "\(line.gcode) may be imported only as bonded stock (1210), not \(inventory.tradeMode)")
                    default: break
                    }
                }
            }
        }
        return issues.issues
    }

    /// Compares a complete set (DOMAIN.md §6.2): payment to order, waybill consignee to order, inventory to order line by
    /// line and buyer by buyer. Each issue points at the document that disagrees with the order.
    public static func mismatches(order: Order, payment: Payment, waybill: Waybill, inventory: Inventory) -> [FieldIssue] {
        var issues = IssueCollector()
        func same(_ a: String, _ b: String, _ pointer: String, _ what: String) {
            if a != b { issues.add(pointer, "three-order-mismatch", "\(what): '\(b)' does not match the order's '\(a)'") }
        }
        same(order.payCode, payment.payCode, "/PaymentHead/payCode", "the payment firm")
        same(order.payTransactionId, payment.payTransactionId, "/PaymentHead/payTransactionId", "the payment transaction")
        if payment.amountPaid.fen != order.acturalPaid.fen {
            issues.add("/PaymentHead/amountPaid", "three-order-mismatch", "amountPaid \(payment.amountPaid) is not the order's acturalPaid \(order.acturalPaid)")
        }
        if payment.payer.key != order.buyer.key {
            issues.add("/PaymentHead/payerIdNumber", "three-order-mismatch", "the payer's ID number is not the buyer's")
        }
        same(order.buyer.name, payment.payer.name, "/PaymentHead/payerName", "the payer")
        same(order.consignee.name, waybill.consignee.name, "/LogisticsHead/consignee", "the consignee")
        same(order.consignee.telephone, waybill.consignee.telephone, "/LogisticsHead/consigneeTelephone", "the consignee's telephone")
        same(order.consignee.address, waybill.consignee.address, "/LogisticsHead/consigneeAddress", "the consignee's address")
        same(order.ebcCode, inventory.ebcCode, "/InventoryHead/ebcCode", "the e-commerce enterprise")
        if inventory.buyer.key != order.buyer.key {
            issues.add("/InventoryHead/buyerIdNumber", "three-order-mismatch", "the list's buyer ID number is not the order's")
        }
        same(order.buyer.name, inventory.buyer.name, "/InventoryHead/buyerName", "the buyer")
        let ordered = Dictionary(order.lines.map { ($0.gnum, $0) }, uniquingKeysWith: { a, _ in a })
        for (index, line) in inventory.lines.enumerated() {
            guard let match = ordered[line.gnum] else {
                issues.add("/InventoryList/\(index)/gnum", "three-order-mismatch", "line \(line.gnum) is not on the order")
                continue
            }
            same(match.itemNo, line.itemNo, "/InventoryList/\(index)/itemNo", "line \(line.gnum)'s item")
            if match.qty != line.qty {
                issues.add("/InventoryList/\(index)/qty", "three-order-mismatch", "line \(line.gnum): qty \(line.qty) but \(match.qty) ordered")
            }
            if match.totalPrice.fen != line.totalPrice.fen {
                issues.add("/InventoryList/\(index)/totalPrice", "three-order-mismatch",
                           "line \(line.gnum): totalPrice \(line.totalPrice) but \(match.totalPrice) on the order")
            }
        }
        let listed = Set(inventory.lines.map(\.gnum))
        for line in order.lines where !listed.contains(line.gnum) {
            issues.add("/InventoryList", "three-order-mismatch", "ordered line \(line.gnum) is not on the list")
        }
        return issues.issues
    }
}

/// The checks both directions' CEB documents make of their lines.
extension IssueCollector {
    /// qty × price must round to the line's totalPrice.
    mutating func lineTotal(_ pointer: String, gnum: Int, qty: ExactAmount, price: ExactAmount, total: ExactAmount) {
        let product = ExactAmount.product(qty, price)
        if ExactAmount.roundToFen(product) != total.fen {
            add(pointer, "line-total-mismatch", "line \(gnum): qty \(qty) × price \(price) = \(product), not totalPrice \(total)")
        }
    }

    /// An order's goodsValue is the sum of its lines.
    mutating func goodsValue(_ stated: ExactAmount, lines: [Parcel.Order.Line]) {
        let sum = lines.reduce(ExactAmount.zero) { $0 + $1.totalPrice }
        if sum.fen != stated.fen {
            add("/OrderHead/goodsValue", "goods-value-mismatch", "goodsValue \(stated) is not the sum of the lines' totalPrice, \(sum)")
        }
    }

    /// A commodity code well formed and, when a nomenclature is given, one of its subheadings.
    mutating func commodity(_ pointer: String, _ gcode: String, hs: HSNomenclature?) {
        if let commodity = check(pointer, { () throws(IdentifierError) in try CommodityCode(gcode) }), let hs, !hs.contains(commodity) {
            add(pointer, "hs-code-unknown", "\(gcode): subheading \(commodity.subheading) is not in HS \(hs.edition)")
        }
    }
}
