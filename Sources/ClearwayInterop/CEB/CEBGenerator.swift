import ClearwayCore
import Foundation

/// Writes consistent CEB import messages (order, payment, waybill, inventory) for made-up parcels: the load of a
/// Singles'-Day burst for the benchmark, and the demo's and tests' parcels. Same seed and index, same bytes.
public struct CEBGenerator: Sendable {
    /// A product a platform sells, with its commodity code.
    public struct Product: Sendable {
        public var sku: String
        public var name: String
        public var gcode: String
        public var unit: String
        public var priceFen: Int64
        public init(sku: String, name: String, gcode: String, unit: String, priceFen: Int64) {
            self.sku = sku
            self.name = name
            self.gcode = gcode
            self.unit = unit
            self.priceFen = priceFen
        }
    }

    public static let catalogue: [Product] = [
        Product(sku: "LIP-042", name: "Lipstick", gcode: "3304100091", unit: "011", priceFen: 32_000),
        Product(sku: "SER-015", name: "Face serum 30ml", gcode: "3304990099", unit: "011", priceFen: 68_000),
        Product(sku: "PRF-100", name: "Eau de parfum 100ml", gcode: "3303000010", unit: "011", priceFen: 95_000),
        Product(sku: "TEE-001", name: "Cotton T-shirt", gcode: "6109100021", unit: "011", priceFen: 12_900),
        Product(sku: "MLK-900", name: "Whole milk powder 900g", gcode: "0402210000", unit: "122", priceFen: 21_800),
        Product(sku: "INF-800", name: "Infant formula 800g", gcode: "1901101000", unit: "122", priceFen: 29_800),
        Product(sku: "BAG-007", name: "Leather handbag", gcode: "4202210000", unit: "011", priceFen: 389_000),
        Product(sku: "SHO-038", name: "Running shoes", gcode: "6403990090", unit: "025", priceFen: 79_900),
    ]

    public var seed: UInt64
    /// How many different buyers the parcels are spread over (fewer buyers, more annual-limit hits).
    public var buyers: Int
    /// The demo firms' customs codes: QuickBuy (platform and seller), Union Cross-border Payment, Swift Logistics, and
    /// Harbour Customs Brokerage declaring the lists; Yangshan office.
    public var ebpCode = "3301960555"
    public var ebcCode = "3301960555"
    public var payCode = "3101960777"
    public var logisticsCode = "3101960888"
    public var agentCode = "3122980001"
    public var customsCode = "2248"
    /// Whether the platform withholds no tax, so the list goes to an officer for review (tests and the demo queue).
    public var misstateTax = false

    public init(seed: UInt64 = 20261111, buyers: Int = 100_000) {
        self.seed = seed
        self.buyers = max(1, buyers)
    }

    /// The four messages of one parcel, and the buyer's ID number (so a test can hash it the way the platform does).
    public struct Messages: Sendable {
        public var order: Data
        public var payment: Data
        public var waybill: Data
        public var inventory: Data
        public var buyerIdNumber: String
        public var orderNo: String
        public var logisticsNo: String
        /// The list as the platform reads it (buyer key as `personKey` made it).
        public var list: Parcel.Inventory
        public var all: [Data] { [order, payment, waybill, inventory] }
    }

    func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A resident-ID-shaped number for buyer `n`.
    public func idNumber(buyer n: Int) -> String {
        let digits = String(format: "%017llu", (mix(seed &+ UInt64(n)) % 100_000_000_000_000_000))
        return digits + String(n % 10)
    }

    /// The parcel `index`: 1–3 lines from the catalogue, freight, the tax the platform withholds computed with `rules`.
    public func parcel(_ index: Int, rules: CrossBorderRules, at date: Date, personKey: (String) -> String = { $0 })
        -> Messages
    {
        var state = mix(seed ^ UInt64(index) &* 0x2545_F491_4F6C_DD1D)
        func next(_ bound: Int) -> Int {
            state = mix(state)
            return Int(state % UInt64(bound))
        }
        let buyer = next(buyers)
        let id = idNumber(buyer: buyer)
        let orderNo = "SD\(seed % 10_000)-\(String(format: "%09d", index))"
        let logisticsNo = "YT\(String(format: "%012d", index))"
        let guid = { (n: Int) in String(format: "%08X-0000-4000-8000-%012X", index, n) }
        let appTime = ChinaTime.second(date)
        var lines: [(product: Product, qty: Int)] = []
        var used = Set<String>()
        var basket: Int64 = 0
        for _ in 0..<(1 + next(3)) {
            let product = Self.catalogue[next(Self.catalogue.count)], qty = 1 + next(2)
            // Retail parcels stay under the single-transaction limit (CNY 5,000 with freight).
            guard basket + product.priceFen * Int64(qty) <= 480_000, used.insert(product.sku).inserted else { continue }
            basket += product.priceFen * Int64(qty)
            lines.append((product, qty))
        }
        if lines.isEmpty { lines.append((Self.catalogue[3], 1)) }
        let freightFen: Int64 = Int64(800 + next(3) * 500)
        let goodsFen = lines.reduce(Int64(0)) { $0 + $1.product.priceFen * Int64($1.qty) }
        let buyerName = "买家\(buyer)", phone = "1\(String(format: "%010d", buyer))"
        let address = "上海市浦东新区世纪大道\(buyer % 2000)号"
        let inventory = Parcel.Inventory(
            envelope: .init(guid: guid(4), appType: "1", appTime: appTime), orderNo: orderNo, ebpCode: ebpCode, ebcCode: ebcCode,
            logisticsCode: logisticsCode, logisticsNo: logisticsNo, copNo: "COP\(index)", assureCode: ebpCode, ieFlag: "I",
            customsCode: customsCode, portCode: customsCode, buyer: .init(key: personKey(id), name: buyerName, telephone: phone),
            buyerIdType: "1", consigneeAddress: address, agentCode: agentCode, tradeMode: "9610", country: "116",
            freight: ExactAmount(units: freightFen * 1000), insuredFee: .zero, currency: "142", grossWeight: ExactAmount(whole: 2),
            netWeight: ExactAmount(whole: 1),
            lines: lines.enumerated().map { n, line in
                Parcel.Inventory.Line(gnum: n + 1, itemNo: line.product.sku, itemName: line.product.name, gcode: line.product.gcode,
                                      gname: line.product.name, country: "116", qty: ExactAmount(whole: Int64(line.qty)),
                                      unit: line.product.unit, price: ExactAmount(units: line.product.priceFen * 1000),
                                      totalPrice: ExactAmount(units: line.product.priceFen * 1000 * Int64(line.qty)))
            })
        let taxFen = misstateTax ? 0 : (try? rules.assess(inventory, usedFen: 0, at: date).totalFen) ?? 0
        func amount(_ fen: Int64) -> String { yuan(fen) }
        let paid = goodsFen + freightFen + taxFen
        let orderLines = lines.enumerated().map { n, line in
            """
            <ceb:OrderList><ceb:gnum>\(n + 1)</ceb:gnum><ceb:itemNo>\(line.product.sku)</ceb:itemNo><ceb:itemName>\(line.product.name)</ceb:itemName>\
            <ceb:gmodel>1</ceb:gmodel><ceb:itemDescribe></ceb:itemDescribe><ceb:barCode></ceb:barCode><ceb:unit>\(line.product.unit)</ceb:unit>\
            <ceb:qty>\(line.qty)</ceb:qty><ceb:price>\(amount(line.product.priceFen))</ceb:price>\
            <ceb:totalPrice>\(amount(line.product.priceFen * Int64(line.qty)))</ceb:totalPrice><ceb:currency>142</ceb:currency>\
            <ceb:country>116</ceb:country><ceb:note></ceb:note></ceb:OrderList>
            """
        }.joined()
        let transfer = { (cop: String) in
            "<ceb:BaseTransfer><ceb:copCode>\(cop)</ceb:copCode><ceb:copName>Clearway demo</ceb:copName><ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>DXPENT0000000001</ceb:dxpId><ceb:note></ceb:note></ceb:BaseTransfer>"
        }
        func message(_ name: String, _ n: Int, _ body: String, _ cop: String, signed: Bool = false) -> Data {
            let unsigned = Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ceb:\(name) guid="\(guid(n))" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">\(body)\(transfer(cop))</ceb:\(name)>
            """.utf8)
            return signed ? CEBSignature.envelop(unsigned) : unsigned
        }
        let order = message("CEB311Message", 1, """
            <ceb:Order><ceb:OrderHead><ceb:guid>\(guid(1))</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>\(appTime)</ceb:appTime>\
            <ceb:appStatus>2</ceb:appStatus><ceb:orderType>I</ceb:orderType><ceb:orderNo>\(orderNo)</ceb:orderNo>\
            <ceb:ebpCode>\(ebpCode)</ceb:ebpCode><ceb:ebpName>示范跨境平台</ceb:ebpName><ceb:ebcCode>\(ebcCode)</ceb:ebcCode>\
            <ceb:ebcName>示范电商企业</ceb:ebcName><ceb:goodsValue>\(amount(goodsFen))</ceb:goodsValue><ceb:freight>\(amount(freightFen))</ceb:freight>\
            <ceb:discount>0</ceb:discount><ceb:taxTotal>\(amount(taxFen))</ceb:taxTotal><ceb:acturalPaid>\(amount(paid))</ceb:acturalPaid>\
            <ceb:currency>142</ceb:currency><ceb:buyerRegNo>U\(buyer)</ceb:buyerRegNo><ceb:buyerName>\(buyerName)</ceb:buyerName>\
            <ceb:buyerTelephone>\(phone)</ceb:buyerTelephone><ceb:buyerIdType>1</ceb:buyerIdType><ceb:buyerIdNumber>\(id)</ceb:buyerIdNumber>\
            <ceb:payCode>\(payCode)</ceb:payCode><ceb:payName>示范支付</ceb:payName><ceb:payTransactionId>PAY\(index)</ceb:payTransactionId>\
            <ceb:batchNumbers></ceb:batchNumbers><ceb:consignee>\(buyerName)</ceb:consignee><ceb:consigneeTelephone>\(phone)</ceb:consigneeTelephone>\
            <ceb:consigneeAddress>\(address)</ceb:consigneeAddress><ceb:consigneeDistrict>310115</ceb:consigneeDistrict><ceb:note></ceb:note>\
            </ceb:OrderHead>\(orderLines)</ceb:Order>
            """, ebpCode)
        let payment = message("CEB411Message", 2, """
            <ceb:Payment><ceb:PaymentHead><ceb:guid>\(guid(2))</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>\(appTime)</ceb:appTime>\
            <ceb:appStatus>2</ceb:appStatus><ceb:payCode>\(payCode)</ceb:payCode><ceb:payName>示范支付</ceb:payName>\
            <ceb:payTransactionId>PAY\(index)</ceb:payTransactionId><ceb:orderNo>\(orderNo)</ceb:orderNo><ceb:ebpCode>\(ebpCode)</ceb:ebpCode>\
            <ceb:ebpName>示范跨境平台</ceb:ebpName><ceb:payerIdType>1</ceb:payerIdType><ceb:payerIdNumber>\(id)</ceb:payerIdNumber>\
            <ceb:payerName>\(buyerName)</ceb:payerName><ceb:telephone>\(phone)</ceb:telephone><ceb:amountPaid>\(amount(paid))</ceb:amountPaid>\
            <ceb:currency>142</ceb:currency><ceb:payTime>\(appTime)</ceb:payTime><ceb:note></ceb:note></ceb:PaymentHead></ceb:Payment>
            """, payCode)
        let waybill = message("CEB511Message", 3, """
            <ceb:Logistics><ceb:LogisticsHead><ceb:guid>\(guid(3))</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>\(appTime)</ceb:appTime>\
            <ceb:appStatus>2</ceb:appStatus><ceb:logisticsCode>\(logisticsCode)</ceb:logisticsCode><ceb:logisticsName>示范物流</ceb:logisticsName>\
            <ceb:logisticsNo>\(logisticsNo)</ceb:logisticsNo><ceb:billNo>MAWB78412345</ceb:billNo><ceb:orderNo>\(orderNo)</ceb:orderNo>\
            <ceb:freight>\(amount(freightFen))</ceb:freight><ceb:insuredFee>0</ceb:insuredFee><ceb:currency>142</ceb:currency>\
            <ceb:weight>2</ceb:weight><ceb:packNo>1</ceb:packNo><ceb:goodsInfo>包裹</ceb:goodsInfo><ceb:consignee>\(buyerName)</ceb:consignee>\
            <ceb:consigneeAddress>\(address)</ceb:consigneeAddress><ceb:consigneeTelephone>\(phone)</ceb:consigneeTelephone>\
            <ceb:note></ceb:note></ceb:LogisticsHead></ceb:Logistics>
            """, logisticsCode)
        let inventoryLines = inventory.lines.map { line in
            """
            <ceb:InventoryList><ceb:gnum>\(line.gnum)</ceb:gnum><ceb:itemRecordNo></ceb:itemRecordNo><ceb:itemNo>\(line.itemNo)</ceb:itemNo>\
            <ceb:itemName>\(line.itemName)</ceb:itemName><ceb:gcode>\(line.gcode)</ceb:gcode><ceb:gname>\(line.gname)</ceb:gname>\
            <ceb:gmodel>1</ceb:gmodel><ceb:barCode></ceb:barCode><ceb:country>116</ceb:country><ceb:tradeCountry>116</ceb:tradeCountry>\
            <ceb:currency>142</ceb:currency><ceb:qty>\(line.qty)</ceb:qty><ceb:unit>\(line.unit)</ceb:unit><ceb:qty1>\(line.qty)</ceb:qty1>\
            <ceb:unit1>\(line.unit)</ceb:unit1><ceb:price>\(line.price)</ceb:price><ceb:totalPrice>\(line.totalPrice)</ceb:totalPrice>\
            <ceb:note></ceb:note></ceb:InventoryList>
            """
        }.joined()
        let list = message("CEB621Message", 4, """
            <ceb:Inventory><ceb:InventoryHead><ceb:guid>\(guid(4))</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>\(appTime)</ceb:appTime>\
            <ceb:appStatus>2</ceb:appStatus><ceb:orderNo>\(orderNo)</ceb:orderNo><ceb:ebpCode>\(ebpCode)</ceb:ebpCode>\
            <ceb:ebpName>示范跨境平台</ceb:ebpName><ceb:ebcCode>\(ebcCode)</ceb:ebcCode><ceb:ebcName>示范电商企业</ceb:ebcName>\
            <ceb:logisticsNo>\(logisticsNo)</ceb:logisticsNo><ceb:logisticsCode>\(logisticsCode)</ceb:logisticsCode>\
            <ceb:logisticsName>示范物流</ceb:logisticsName><ceb:copNo>COP\(index)</ceb:copNo><ceb:preNo></ceb:preNo>\
            <ceb:assureCode>\(ebpCode)</ceb:assureCode><ceb:emsNo></ceb:emsNo><ceb:invtNo></ceb:invtNo><ceb:ieFlag>I</ceb:ieFlag>\
            <ceb:declTime>\(appTime.prefix(8))</ceb:declTime><ceb:customsCode>\(customsCode)</ceb:customsCode><ceb:portCode>\(customsCode)</ceb:portCode>\
            <ceb:ieDate>\(appTime.prefix(8))</ceb:ieDate><ceb:buyerIdType>1</ceb:buyerIdType><ceb:buyerIdNumber>\(id)</ceb:buyerIdNumber>\
            <ceb:buyerName>\(buyerName)</ceb:buyerName><ceb:buyerTelephone>\(phone)</ceb:buyerTelephone>\
            <ceb:consigneeAddress>\(address)</ceb:consigneeAddress><ceb:agentCode>\(agentCode)</ceb:agentCode><ceb:agentName>示范报关行</ceb:agentName>\
            <ceb:areaCode></ceb:areaCode><ceb:areaName></ceb:areaName><ceb:tradeMode>9610</ceb:tradeMode><ceb:trafMode>5</ceb:trafMode>\
            <ceb:trafNo>MU5512</ceb:trafNo><ceb:voyageNo>20261111</ceb:voyageNo><ceb:billNo>MAWB78412345</ceb:billNo><ceb:loctNo></ceb:loctNo>\
            <ceb:licenseNo></ceb:licenseNo><ceb:country>116</ceb:country><ceb:freight>\(amount(freightFen))</ceb:freight>\
            <ceb:insuredFee>0</ceb:insuredFee><ceb:currency>142</ceb:currency><ceb:wrapType>2</ceb:wrapType><ceb:packNo>1</ceb:packNo>\
            <ceb:grossWeight>2</ceb:grossWeight><ceb:netWeight>1</ceb:netWeight><ceb:note></ceb:note></ceb:InventoryHead>\(inventoryLines)</ceb:Inventory>
            """, agentCode, signed: true)
        return Messages(order: order, payment: payment, waybill: waybill, inventory: list, buyerIdNumber: id, orderNo: orderNo,
                        logisticsNo: logisticsNo, list: inventory)
    }

    /// A cancellation (CEB623) or return (CEB625) of parcel `index`'s list, numbered `invtNo` by customs.
    public func withdrawal(_ kind: Parcel.Withdrawal.Kind, of index: Int, invtNo: String, rules: CrossBorderRules, at date: Date,
                           reason: String = "买家申请退货") -> Data
    {
        let parcel = parcel(index, rules: rules, at: date)
        let buyer = parcel.list.buyer
        let head = """
            <ceb:guid>\(String(format: "%08X-0000-4000-8000-%012X", index, 5))</ceb:guid><ceb:appType>1</ceb:appType>\
            <ceb:appTime>\(ChinaTime.second(date))</ceb:appTime><ceb:appStatus>2</ceb:appStatus><ceb:customsCode>\(customsCode)</ceb:customsCode>\
            <ceb:orderNo>\(parcel.orderNo)</ceb:orderNo><ceb:ebpCode>\(ebpCode)</ceb:ebpCode><ceb:ebpName>示范跨境平台</ceb:ebpName>\
            <ceb:ebcCode>\(ebcCode)</ceb:ebcCode><ceb:ebcName>示范电商企业</ceb:ebcName><ceb:logisticsNo>\(parcel.logisticsNo)</ceb:logisticsNo>\
            <ceb:logisticsCode>\(logisticsCode)</ceb:logisticsCode><ceb:logisticsName>示范物流</ceb:logisticsName><ceb:copNo>COP\(index)</ceb:copNo>\
            <ceb:invtNo>\(invtNo)</ceb:invtNo><ceb:buyerIdType>1</ceb:buyerIdType><ceb:buyerIdNumber>\(parcel.buyerIdNumber)</ceb:buyerIdNumber>\
            <ceb:buyerName>\(buyer.name)</ceb:buyerName><ceb:buyerTelephone>\(buyer.telephone)</ceb:buyerTelephone>\
            <ceb:agentCode>\(agentCode)</ceb:agentCode><ceb:agentName>示范报关行</ceb:agentName><ceb:reason>\(reason)</ceb:reason>
            """
        let body: String
        let name: String
        switch kind {
        case .cancellation:
            name = "CEB623Message"
            body = "<ceb:InvtCancel>\(head)</ceb:InvtCancel>"
        case .return:
            name = "CEB625Message"
            let lines = parcel.list.lines.map { line in
                "<ceb:InvtRefundList><ceb:gnum>\(line.gnum)</ceb:gnum><ceb:gcode>\(line.gcode)</ceb:gcode><ceb:gname>\(line.gname)</ceb:gname><ceb:qty>\(line.qty)</ceb:qty><ceb:unit>\(line.unit)</ceb:unit></ceb:InvtRefundList>"
            }.joined()
            body = "<ceb:InvtRefund><ceb:InvtRefundHead>\(head)</ceb:InvtRefundHead>\(lines)</ceb:InvtRefund>"
        }
        let unsigned = Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ceb:\(name) guid="\(String(format: "%08X-0000-4000-8000-%012X", index, 6))" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">\(body)\
            <ceb:BaseTransfer><ceb:copCode>\(agentCode)</ceb:copCode><ceb:copName>Clearway demo</ceb:copName><ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>DXPENT0000000001</ceb:dxpId><ceb:note></ceb:note></ceb:BaseTransfer></ceb:\(name)>
            """.utf8)
        return CEBSignature.envelop(unsigned)
    }
}
