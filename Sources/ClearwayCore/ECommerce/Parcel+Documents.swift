import Foundation

extension Parcel {
    /// Who a person is for limits and matching: a keyed hash of the resident ID number (the number itself is never
    /// kept), with the name and telephone as the documents state them.
    public struct Person: Sendable, Equatable, Codable {
        public var key: String
        public var name: String
        public var telephone: String
        public init(key: String, name: String, telephone: String) {
            self.key = key
            self.name = name
            self.telephone = telephone
        }
    }

    /// Where the goods go, as the order and the waybill must both state it.
    public struct Consignee: Sendable, Equatable, Codable {
        public var name: String
        public var telephone: String
        public var address: String
        public init(name: String, telephone: String, address: String) {
            self.name = name
            self.telephone = telephone
            self.address = address
        }
    }

    /// What every CEB document head carries: its id, new (1) / change (2) / delete (3), and when the firm sent it.
    public struct Envelope: Sendable, Equatable, Codable {
        public var guid: String
        public var appType: String
        public var appTime: String
        public init(guid: String, appType: String, appTime: String) {
            self.guid = guid
            self.appType = appType
            self.appTime = appTime
        }
    }

    /// The e-commerce platform's order (CEB311).
    public struct Order: Sendable, Equatable, Codable {
        public var envelope: Envelope
        public var orderNo: String
        public var ebpCode: String
        public var ebpName: String
        public var ebcCode: String
        public var ebcName: String
        public var goodsValue: ExactAmount
        public var freight: ExactAmount
        public var discount: ExactAmount
        public var taxTotal: ExactAmount
        public var acturalPaid: ExactAmount
        public var currency: String
        public var buyer: Person
        public var buyerIdType: String
        public var payCode: String
        public var payTransactionId: String
        public var consignee: Consignee
        public var lines: [Line]

        public struct Line: Sendable, Equatable, Codable {
            public var gnum: Int
            public var itemNo: String
            public var itemName: String
            public var qty: ExactAmount
            public var unit: String
            public var price: ExactAmount
            public var totalPrice: ExactAmount
            public init(gnum: Int, itemNo: String, itemName: String, qty: ExactAmount, unit: String, price: ExactAmount,
                        totalPrice: ExactAmount) {
                self.gnum = gnum
                self.itemNo = itemNo
                self.itemName = itemName
                self.qty = qty
                self.unit = unit
                self.price = price
                self.totalPrice = totalPrice
            }
        }

        public init(envelope: Envelope, orderNo: String, ebpCode: String, ebpName: String, ebcCode: String, ebcName: String,
                    goodsValue: ExactAmount, freight: ExactAmount, discount: ExactAmount, taxTotal: ExactAmount,
                    acturalPaid: ExactAmount, currency: String, buyer: Person, buyerIdType: String, payCode: String,
                    payTransactionId: String, consignee: Consignee, lines: [Line]) {
            self.envelope = envelope
            self.orderNo = orderNo
            self.ebpCode = ebpCode
            self.ebpName = ebpName
            self.ebcCode = ebcCode
            self.ebcName = ebcName
            self.goodsValue = goodsValue
            self.freight = freight
            self.discount = discount
            self.taxTotal = taxTotal
            self.acturalPaid = acturalPaid
            self.currency = currency
            self.buyer = buyer
            self.buyerIdType = buyerIdType
            self.payCode = payCode
            self.payTransactionId = payTransactionId
            self.consignee = consignee
            self.lines = lines
        }
    }

    /// The payment firm's voucher (CEB411).
    public struct Payment: Sendable, Equatable, Codable {
        public var envelope: Envelope
        public var payCode: String
        public var payName: String
        public var payTransactionId: String
        public var orderNo: String
        public var ebpCode: String
        public var payer: Person
        public var payerIdType: String
        public var amountPaid: ExactAmount
        public var currency: String
        public var payTime: String
        public init(envelope: Envelope, payCode: String, payName: String, payTransactionId: String, orderNo: String,
                    ebpCode: String, payer: Person, payerIdType: String, amountPaid: ExactAmount, currency: String,
                    payTime: String) {
            self.envelope = envelope
            self.payCode = payCode
            self.payName = payName
            self.payTransactionId = payTransactionId
            self.orderNo = orderNo
            self.ebpCode = ebpCode
            self.payer = payer
            self.payerIdType = payerIdType
            self.amountPaid = amountPaid
            self.currency = currency
            self.payTime = payTime
        }
    }

    /// The logistics firm's electronic waybill (CEB511).
    public struct Waybill: Sendable, Equatable, Codable {
        public var envelope: Envelope
        public var logisticsCode: String
        public var logisticsName: String
        public var logisticsNo: String
        public var billNo: String
        public var freight: ExactAmount
        public var insuredFee: ExactAmount
        public var currency: String
        public var weight: ExactAmount
        public var consignee: Consignee
        public init(envelope: Envelope, logisticsCode: String, logisticsName: String, logisticsNo: String, billNo: String,
                    freight: ExactAmount, insuredFee: ExactAmount, currency: String, weight: ExactAmount, consignee: Consignee) {
            self.envelope = envelope
            self.logisticsCode = logisticsCode
            self.logisticsName = logisticsName
            self.logisticsNo = logisticsNo
            self.billNo = billNo
            self.freight = freight
            self.insuredFee = insuredFee
            self.currency = currency
            self.weight = weight
            self.consignee = consignee
        }

        /// The key the inventory names the waybill by.
        public var key: String { "\(logisticsCode)/\(logisticsNo)" }
    }

    /// The declaration list (清单, CEB621) lodged by the platform's agent or broker: the customs declaration.
    public struct Inventory: Sendable, Equatable, Codable {
        public var envelope: Envelope
        public var orderNo: String
        public var ebpCode: String
        public var ebcCode: String
        public var logisticsCode: String
        public var logisticsNo: String
        public var copNo: String
        public var assureCode: String
        public var ieFlag: String
        public var customsCode: String
        public var portCode: String
        public var buyer: Person
        public var buyerIdType: String
        public var consigneeAddress: String
        public var agentCode: String
        public var tradeMode: String
        public var country: String
        public var freight: ExactAmount
        public var insuredFee: ExactAmount
        public var currency: String
        public var grossWeight: ExactAmount
        public var netWeight: ExactAmount
        public var lines: [Line]

        public struct Line: Sendable, Equatable, Codable {
            public var gnum: Int
            public var itemNo: String
            public var itemName: String
            public var gcode: String
            public var gname: String
            public var country: String
            public var qty: ExactAmount
            public var unit: String
            public var price: ExactAmount
            public var totalPrice: ExactAmount
            public init(gnum: Int, itemNo: String, itemName: String, gcode: String, gname: String, country: String,
                        qty: ExactAmount, unit: String, price: ExactAmount, totalPrice: ExactAmount) {
                self.gnum = gnum
                self.itemNo = itemNo
                self.itemName = itemName
                self.gcode = gcode
                self.gname = gname
                self.country = country
                self.qty = qty
                self.unit = unit
                self.price = price
                self.totalPrice = totalPrice
            }
        }

        public init(envelope: Envelope, orderNo: String, ebpCode: String, ebcCode: String, logisticsCode: String,
                    logisticsNo: String, copNo: String, assureCode: String, ieFlag: String, customsCode: String,
                    portCode: String, buyer: Person, buyerIdType: String, consigneeAddress: String, agentCode: String,
                    tradeMode: String, country: String, freight: ExactAmount, insuredFee: ExactAmount, currency: String,
                    grossWeight: ExactAmount, netWeight: ExactAmount, lines: [Line]) {
            self.envelope = envelope
            self.orderNo = orderNo
            self.ebpCode = ebpCode
            self.ebcCode = ebcCode
            self.logisticsCode = logisticsCode
            self.logisticsNo = logisticsNo
            self.copNo = copNo
            self.assureCode = assureCode
            self.ieFlag = ieFlag
            self.customsCode = customsCode
            self.portCode = portCode
            self.buyer = buyer
            self.buyerIdType = buyerIdType
            self.consigneeAddress = consigneeAddress
            self.agentCode = agentCode
            self.tradeMode = tradeMode
            self.country = country
            self.freight = freight
            self.insuredFee = insuredFee
            self.currency = currency
            self.grossWeight = grossWeight
            self.netWeight = netWeight
            self.lines = lines
        }

        public var waybillKey: String { "\(logisticsCode)/\(logisticsNo)" }
        /// Goods at their transaction price with freight and insurance: the value limits and taxes are reckoned on.
        public var dutiableValue: ExactAmount { lines.reduce(freight + insuredFee) { $0 + $1.totalPrice } }
    }

    /// A request to cancel a declared list (CEB623) or to return released goods (CEB625).
    public struct Withdrawal: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable { case cancellation, `return` }
        public var kind: Kind
        public var envelope: Envelope
        public var orderNo: String
        public var ebpCode: String
        public var invtNo: String
        public var copNo: String
        public var agentCode: String
        public var customsCode: String
        public var reason: String
        public init(kind: Kind, envelope: Envelope, orderNo: String, ebpCode: String, invtNo: String, copNo: String,
                    agentCode: String, customsCode: String, reason: String) {
            self.kind = kind
            self.envelope = envelope
            self.orderNo = orderNo
            self.ebpCode = ebpCode
            self.invtNo = invtNo
            self.copNo = copNo
            self.agentCode = agentCode
            self.customsCode = customsCode
            self.reason = reason
        }
    }

    /// Any of the documents a parcel is made of, as one value.
    public enum Document: Sendable, Equatable, Codable {
        case order(Order)
        case payment(Payment)
        case waybill(Waybill)
        case inventory(Inventory)

        public var party: Party {
            switch self {
            case .order: .platform
            case .payment: .payment
            case .waybill: .logistics
            case .inventory: .declarant
            }
        }

        /// The document itself (not this case around it) encoded once, for the event and the snapshot that hold it.
        public func encoded() throws -> EncodedValue {
            switch self {
            case .order(let order): try EncodedValue(order)
            case .payment(let payment): try EncodedValue(payment)
            case .waybill(let waybill): try EncodedValue(waybill)
            case .inventory(let inventory): try EncodedValue(inventory)
            }
        }
    }

    /// Who sends which document; a missing document names its party.
    public enum Party: String, Sendable, Codable, CaseIterable {
        case platform = "e-commerce-platform"
        case payment = "payment-enterprise"
        case logistics = "logistics-enterprise"
        case declarant = "declaring-agent"

        public var document: String {
            switch self {
            case .platform: "order (CEB311)"
            case .payment: "payment (CEB411)"
            case .logistics: "waybill (CEB511)"
            case .declarant: "inventory (CEB621)"
            }
        }
    }
}
