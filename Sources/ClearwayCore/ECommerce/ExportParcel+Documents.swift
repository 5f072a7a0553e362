import Foundation

extension ExportParcel {
    /// The e-commerce firm's export order (CEB303): B2C export (E), B2B export (B) or overseas-warehouse booking (W).
    public struct Order: Sendable, Equatable, Codable {
        public var envelope: Parcel.Envelope
        public var orderType: String
        public var orderNo: String
        public var ebpCode: String
        public var ebcCode: String
        public var ebcName: String
        public var goodsValue: ExactAmount
        public var freight: ExactAmount
        public var currency: String
        public var lines: [Parcel.Order.Line]
        public init(envelope: Parcel.Envelope, orderType: String, orderNo: String, ebpCode: String, ebcCode: String, ebcName: String,
                    goodsValue: ExactAmount, freight: ExactAmount, currency: String, lines: [Parcel.Order.Line]) {
            self.envelope = envelope
            self.orderType = orderType
            self.orderNo = orderNo
            self.ebpCode = ebpCode
            self.ebcCode = ebcCode
            self.ebcName = ebcName
            self.goodsValue = goodsValue
            self.freight = freight
            self.currency = currency
            self.lines = lines
        }
    }

    /// The payment firm's collection (收款单, CEB403): money received for the order, which may come after release.
    public struct Collection: Sendable, Equatable, Codable {
        public var envelope: Parcel.Envelope
        public var orderNo: String
        public var ebpCode: String
        public var ebcCode: String
        public var payCode: String
        public var payNo: String
        public var charge: ExactAmount
        public var currency: String
        public var accountingDate: String
        public init(envelope: Parcel.Envelope, orderNo: String, ebpCode: String, ebcCode: String, payCode: String, payNo: String,
                    charge: ExactAmount, currency: String, accountingDate: String) {
            self.envelope = envelope
            self.orderNo = orderNo
            self.ebpCode = ebpCode
            self.ebcCode = ebcCode
            self.payCode = payCode
            self.payNo = payNo
            self.charge = charge
            self.currency = currency
            self.accountingDate = accountingDate
        }
    }

    /// The logistics firm's export waybill (CEB505), keyed as the list names it.
    public struct Waybill: Sendable, Equatable, Codable {
        public var envelope: Parcel.Envelope
        public var logisticsCode: String
        public var logisticsNo: String
        public var freight: ExactAmount
        public var currency: String
        public var grossWeight: ExactAmount
        public init(envelope: Parcel.Envelope, logisticsCode: String, logisticsNo: String, freight: ExactAmount, currency: String,
                    grossWeight: ExactAmount) {
            self.envelope = envelope
            self.logisticsCode = logisticsCode
            self.logisticsNo = logisticsNo
            self.freight = freight
            self.currency = currency
            self.grossWeight = grossWeight
        }
        public var key: String { "\(logisticsCode)/\(logisticsNo)" }
    }

    /// The export list (申报清单, CEB603): the declaration one parcel is released on.
    public struct Inventory: Sendable, Equatable, Codable {
        public var envelope: Parcel.Envelope
        public var customsCode: String
        public var portCode: String
        public var ebpCode: String
        public var orderNo: String
        public var logisticsCode: String
        public var logisticsNo: String
        public var copNo: String
        public var ieFlag: String
        public var agentCode: String
        public var agentName: String
        public var ebcCode: String
        public var ebcName: String
        /// The producer or seller (生产销售单位): the real exporter, whoever declares.
        public var ownerCode: String
        public var ownerName: String
        public var tradeMode: String
        public var trafMode: String
        /// Destination country (运抵国) and port of destination.
        public var country: String
        public var pod: String
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
            public var currency: String
            public var qty: ExactAmount
            public var unit: String
            public var price: ExactAmount
            public var totalPrice: ExactAmount
            public init(gnum: Int, itemNo: String, itemName: String, gcode: String, gname: String, country: String, currency: String,
                        qty: ExactAmount, unit: String, price: ExactAmount, totalPrice: ExactAmount) {
                self.gnum = gnum
                self.itemNo = itemNo
                self.itemName = itemName
                self.gcode = gcode
                self.gname = gname
                self.country = country
                self.currency = currency
                self.qty = qty
                self.unit = unit
                self.price = price
                self.totalPrice = totalPrice
            }
        }

        public init(envelope: Parcel.Envelope, customsCode: String, portCode: String, ebpCode: String, orderNo: String,
                    logisticsCode: String, logisticsNo: String, copNo: String, ieFlag: String, agentCode: String, agentName: String,
                    ebcCode: String, ebcName: String, ownerCode: String, ownerName: String, tradeMode: String, trafMode: String,
                    country: String, pod: String, grossWeight: ExactAmount, netWeight: ExactAmount, lines: [Line]) {
            self.envelope = envelope
            self.customsCode = customsCode
            self.portCode = portCode
            self.ebpCode = ebpCode
            self.orderNo = orderNo
            self.logisticsCode = logisticsCode
            self.logisticsNo = logisticsNo
            self.copNo = copNo
            self.ieFlag = ieFlag
            self.agentCode = agentCode
            self.agentName = agentName
            self.ebcCode = ebcCode
            self.ebcName = ebcName
            self.ownerCode = ownerCode
            self.ownerName = ownerName
            self.tradeMode = tradeMode
            self.trafMode = trafMode
            self.country = country
            self.pod = pod
            self.grossWeight = grossWeight
            self.netWeight = netWeight
            self.lines = lines
        }

        public var waybillKey: String { "\(logisticsCode)/\(logisticsNo)" }
        public var value: ExactAmount { lines.reduce(.zero) { $0 + $1.totalPrice } }
    }

    /// A logistics firm's report that goods reached the supervised site (运抵, CEB507) or left the country (离境, CEB509).
    public struct Movement: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable { case arrival, departure }
        public var kind: Kind
        public var envelope: Parcel.Envelope
        public var customsCode: String
        public var copNo: String
        public var logisticsCode: String
        public var billNo: String
        public var voyageNo: String
        /// When the goods left (CEB509 leaveTime, YYYYMMDDhhmmss China time); the report's time for an arrival.
        public var at: String
        public var logisticsNos: [String]
        public init(kind: Kind, envelope: Parcel.Envelope, customsCode: String, copNo: String, logisticsCode: String, billNo: String,
                    voyageNo: String, at: String, logisticsNos: [String]) {
            self.kind = kind
            self.envelope = envelope
            self.customsCode = customsCode
            self.copNo = copNo
            self.logisticsCode = logisticsCode
            self.billNo = billNo
            self.voyageNo = voyageNo
            self.at = at
            self.logisticsNos = logisticsNos
        }
    }

    /// A request to cancel a list (CEB605).
    public struct Cancellation: Sendable, Equatable, Codable {
        public var envelope: Parcel.Envelope
        public var customsCode: String
        public var copNo: String
        public var invtNo: String
        public var reason: String
        public var agentCode: String
        public var ebcCode: String
        public init(envelope: Parcel.Envelope, customsCode: String, copNo: String, invtNo: String, reason: String, agentCode: String,
                    ebcCode: String) {
            self.envelope = envelope
            self.customsCode = customsCode
            self.copNo = copNo
            self.invtNo = invtNo
            self.reason = reason
            self.agentCode = agentCode
            self.ebcCode = ebcCode
        }
    }

    /// The master bill (总单) the lists of a consignment travel under (CEB607): links each list to its bill of lading.
    public struct MasterBill: Sendable, Equatable, Codable {
        public var envelope: Parcel.Envelope
        public var customsCode: String
        public var copNo: String
        public var agentCode: String
        public var billNo: String
        public var voyageNo: String
        public var logisticsCode: String
        public var logisticsNos: [String]
        public init(envelope: Parcel.Envelope, customsCode: String, copNo: String, agentCode: String, billNo: String, voyageNo: String,
                    logisticsCode: String, logisticsNos: [String]) {
            self.envelope = envelope
            self.customsCode = customsCode
            self.copNo = copNo
            self.agentCode = agentCode
            self.billNo = billNo
            self.voyageNo = voyageNo
            self.logisticsCode = logisticsCode
            self.logisticsNos = logisticsNos
        }
    }

    /// A firm's application to consolidate its released lists into summary declarations (CEB701).
    public struct SummaryApplication: Sendable, Equatable, Codable {
        public var envelope: Parcel.Envelope
        public var customsCode: String
        public var copNo: String
        public var agentCode: String
        public var ebcCode: String
        public var invtNos: [String]
        public init(envelope: Parcel.Envelope, customsCode: String, copNo: String, agentCode: String, ebcCode: String, invtNos: [String]) {
            self.envelope = envelope
            self.customsCode = customsCode
            self.copNo = copNo
            self.agentCode = agentCode
            self.ebcCode = ebcCode
            self.invtNos = invtNos
        }
    }

    /// The documents a parcel is made of.
    public enum Document: Sendable, Equatable, Codable {
        case order(Order)
        case collection(Collection)
        case waybill(Waybill)
        case inventory(Inventory)
    }
}
