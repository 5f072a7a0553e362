import ClearwayCore
import Foundation

/// CEB export messages as a platform, a logistics firm and a declaring agent send them, in the 2022-05 schema's
/// element order: for tests, the demo and the benchmark. The demo firms' customs codes are the defaults.
public enum CEBExportGenerator {
    public static let ebp = "3301960555", logistics = "3101960888", agent = "3122980001", customs = "2200"

    public static func envelope(_ root: String, _ body: String) -> Data {
        Data("""
        <?xml version="1.0" encoding="UTF-8"?>
        <ceb:\(root) guid="\(UUID().uuidString)" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">\(body)
        <ceb:BaseTransfer><ceb:copCode>\(agent)</ceb:copCode><ceb:copName>test</ceb:copName><ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>DXPENT0001</ceb:dxpId></ceb:BaseTransfer>
        </ceb:\(root)>
        """.utf8)
    }

    public static func head(_ guid: String = UUID().uuidString) -> String {
        "<ceb:guid>\(guid)</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260528120000</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
    }

    /// An order of `lines` (gcode, qty, price) in CNY.
    public static func order(_ number: String, ebc: String, lines: [(String, Int, Int)]) -> Data {
        let total = lines.reduce(0) { $0 + $1.1 * $1.2 }
        let body = lines.enumerated().map { index, line in
            "<ceb:OrderList><ceb:gnum>\(index + 1)</ceb:gnum><ceb:itemNo>SKU\(index)</ceb:itemNo><ceb:itemName>item</ceb:itemName><ceb:itemDescribe>item</ceb:itemDescribe><ceb:barCode>1</ceb:barCode><ceb:unit>007</ceb:unit><ceb:currency>142</ceb:currency><ceb:qty>\(line.1)</ceb:qty><ceb:price>\(line.2)</ceb:price><ceb:totalPrice>\(line.1 * line.2)</ceb:totalPrice><ceb:note></ceb:note></ceb:OrderList>"
        }.joined()
        return envelope("CEB303Message", """
        <ceb:Order><ceb:OrderHead>\(head())<ceb:orderType>E</ceb:orderType><ceb:orderNo>\(number)</ceb:orderNo><ceb:ebpCode>\(ebp)</ceb:ebpCode><ceb:ebpName>QuickBuy</ceb:ebpName><ceb:ebcCode>\(ebc)</ceb:ebcCode><ceb:ebcName>seller</ceb:ebcName><ceb:goodsValue>\(total)</ceb:goodsValue><ceb:freight>0</ceb:freight><ceb:currency>142</ceb:currency><ceb:note></ceb:note></ceb:OrderHead>\(body)</ceb:Order>
        """)
    }

    public static func waybill(_ number: String) -> Data {
        envelope("CEB505Message", """
        <ceb:Logistics>\(head())<ceb:logisticsCode>\(logistics)</ceb:logisticsCode><ceb:logisticsName>Swift</ceb:logisticsName><ceb:logisticsNo>\(number)</ceb:logisticsNo><ceb:freight>10</ceb:freight><ceb:insuredFee>0</ceb:insuredFee><ceb:currency>142</ceb:currency><ceb:grossWeight>2</ceb:grossWeight><ceb:packNo>1</ceb:packNo><ceb:goodsInfo>parcel</ceb:goodsInfo><ceb:ebcCode>\(agent)</ceb:ebcCode><ceb:ebcName>seller</ceb:ebcName><ceb:ebcTelephone>1</ceb:ebcTelephone><ceb:note></ceb:note></ceb:Logistics>
        """)
    }

    public static func list(_ order: String, waybill: String, ebc: String, owner: String, country: String = "USA", agentCode: String = agent,
                     lines: [(String, Int, Int)]) -> Data {
        let body = lines.enumerated().map { index, line in
            "<ceb:InventoryList><ceb:gnum>\(index + 1)</ceb:gnum><ceb:itemNo>SKU\(index)</ceb:itemNo><ceb:itemRecordNo></ceb:itemRecordNo><ceb:itemName>item</ceb:itemName><ceb:gcode>\(line.0)</ceb:gcode><ceb:gname>item</ceb:gname><ceb:gmodel>m</ceb:gmodel><ceb:barCode>1</ceb:barCode><ceb:country>142</ceb:country><ceb:currency>142</ceb:currency><ceb:qty>\(line.1)</ceb:qty><ceb:qty1>\(line.1)</ceb:qty1><ceb:unit>007</ceb:unit><ceb:unit1>007</ceb:unit1><ceb:price>\(line.2)</ceb:price><ceb:totalPrice>\(line.1 * line.2)</ceb:totalPrice><ceb:note></ceb:note></ceb:InventoryList>"
        }.joined()
        return envelope("CEB603Message", """
        <ceb:Inventory><ceb:InventoryHead>\(head())<ceb:customsCode>\(customs)</ceb:customsCode><ceb:ebpCode>\(ebp)</ceb:ebpCode><ceb:ebpName>QuickBuy</ceb:ebpName><ceb:orderNo>\(order)</ceb:orderNo><ceb:logisticsCode>\(logistics)</ceb:logisticsCode><ceb:logisticsName>Swift</ceb:logisticsName><ceb:logisticsNo>\(waybill)</ceb:logisticsNo><ceb:copNo>C\(order)</ceb:copNo><ceb:ieFlag>E</ceb:ieFlag><ceb:portCode>2248</ceb:portCode><ceb:ieDate>20260528</ceb:ieDate><ceb:statisticsFlag>A</ceb:statisticsFlag><ceb:agentCode>\(agentCode)</ceb:agentCode><ceb:agentName>agent</ceb:agentName><ceb:ebcCode>\(ebc)</ceb:ebcCode><ceb:ebcName>seller</ceb:ebcName><ceb:ownerCode>\(owner)</ceb:ownerCode><ceb:ownerName>producer</ceb:ownerName><ceb:iacCode></ceb:iacCode><ceb:iacName></ceb:iacName><ceb:emsNo></ceb:emsNo><ceb:tradeMode>9610</ceb:tradeMode><ceb:trafMode>2</ceb:trafMode><ceb:trafName></ceb:trafName><ceb:voyageNo></ceb:voyageNo><ceb:billNo></ceb:billNo><ceb:totalPackageNo></ceb:totalPackageNo><ceb:loctNo></ceb:loctNo><ceb:licenseNo></ceb:licenseNo><ceb:country>\(country)</ceb:country><ceb:POD>\(country)</ceb:POD><ceb:freight>0</ceb:freight><ceb:fCurrency>142</ceb:fCurrency><ceb:fFlag>3</ceb:fFlag><ceb:insuredFee>0</ceb:insuredFee><ceb:iCurrency>142</ceb:iCurrency><ceb:iFlag>3</ceb:iFlag><ceb:wrapType>1</ceb:wrapType><ceb:packNo>1</ceb:packNo><ceb:grossWeight>2</ceb:grossWeight><ceb:netWeight>1.5</ceb:netWeight><ceb:note></ceb:note></ceb:InventoryHead>\(body)</ceb:Inventory>
        """)
    }

    public static func movement(_ kind: ExportParcel.Movement.Kind, _ waybills: [String], leaveTime: String = "20260529100000") -> Data {
        let arrival = kind == .arrival
        let list = waybills.enumerated().map { index, number in
            arrival
                ? "<ceb:ArrivalList><ceb:gnum>\(index + 1)</ceb:gnum><ceb:logisticsNo>\(number)</ceb:logisticsNo><ceb:totalPackageNo></ceb:totalPackageNo><ceb:note></ceb:note></ceb:ArrivalList>"
                : "<ceb:DepartureList><ceb:gnum>\(index + 1)</ceb:gnum><ceb:totalPackageNo></ceb:totalPackageNo><ceb:logisticsNo>\(number)</ceb:logisticsNo><ceb:note></ceb:note></ceb:DepartureList>"
        }.joined()
        if arrival {
            return envelope("CEB507Message", """
            <ceb:Arrival><ceb:ArrivalHead>\(head())<ceb:customsCode>\(customs)</ceb:customsCode><ceb:copNo>A1</ceb:copNo><ceb:operatorCode>\(logistics)</ceb:operatorCode><ceb:operatorName>Swift</ceb:operatorName><ceb:loctNo></ceb:loctNo><ceb:ieFlag>E</ceb:ieFlag><ceb:trafMode>2</ceb:trafMode><ceb:billNo>B1</ceb:billNo><ceb:domesticTrafNo></ceb:domesticTrafNo><ceb:logisticsCode>\(logistics)</ceb:logisticsCode><ceb:logisticsName>Swift</ceb:logisticsName><ceb:msgCount>1</ceb:msgCount><ceb:msgSeqNo>1</ceb:msgSeqNo><ceb:note></ceb:note></ceb:ArrivalHead>\(list)</ceb:Arrival>
            """)
        }
        return envelope("CEB509Message", """
        <ceb:Departure><ceb:DepartureHead>\(head())<ceb:customsCode>\(customs)</ceb:customsCode><ceb:copNo>D1</ceb:copNo><ceb:logisticsCode>\(logistics)</ceb:logisticsCode><ceb:logisticsName>Swift</ceb:logisticsName><ceb:trafMode>2</ceb:trafMode><ceb:trafName>ship</ceb:trafName><ceb:voyageNo>V1</ceb:voyageNo><ceb:billNo>B1</ceb:billNo><ceb:leaveTime>\(leaveTime)</ceb:leaveTime><ceb:msgCount>1</ceb:msgCount><ceb:msgSeqNo>1</ceb:msgSeqNo><ceb:note></ceb:note></ceb:DepartureHead>\(list)</ceb:Departure>
        """)
    }
}

extension CEBExportGenerator {
    /// A declaring agent's application to summarise its released lists now (CEB701).
    public static func summaryApplication(_ invtNos: [String], agentCode: String = agent, ebc: String) -> Data {
        let lists = invtNos.map { "<ceb:SummaryApplyList><ceb:invtNo>\($0)</ceb:invtNo></ceb:SummaryApplyList>" }.joined()
        return envelope("CEB701Message", """
        <ceb:SummaryApply><ceb:SummaryApplyHead>\(head())<ceb:customsCode>\(customs)</ceb:customsCode><ceb:copNo>SUM1</ceb:copNo><ceb:agentCode>\(agentCode)</ceb:agentCode><ceb:agentName>agent</ceb:agentName><ceb:ebcCode>\(ebc)</ceb:ebcCode><ceb:ebcName>seller</ceb:ebcName><ceb:declAgentCode>\(agentCode)</ceb:declAgentCode><ceb:declAgentName>agent</ceb:declAgentName><ceb:summaryFlag>1</ceb:summaryFlag><ceb:itemNameFlag>1</ceb:itemNameFlag><ceb:msgCount>1</ceb:msgCount><ceb:msgSeqNo>1</ceb:msgSeqNo><ceb:note></ceb:note></ceb:SummaryApplyHead>\(lists)</ceb:SummaryApply>
        """)
    }
}
