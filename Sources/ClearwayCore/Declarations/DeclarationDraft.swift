/// The content of a declaration once every field has been checked; what acceptance and amendment record.
public struct DeclarationDraft: Sendable, Equatable, Codable {
    public var direction: Direction
    public var procedure: Procedure
    public var supervisionMode: String
    public var declarant: PartyRef
    /// Domestic consignee (import) or consignor (export).
    public var tradingParty: PartyRef
    public var overseasParty: String?
    public var declarationOffice: OfficeCode
    public var entryExitOffice: OfficeCode
    public var transport: Transport
    public var billOfLading: String?
    public var incoterm: String
    public var containers: [Container]
    public var items: [GoodsItem]
    /// The customs office at the destination that inspects at the factory, when it is not the port's.
    public var destinationOffice: OfficeCode?
    /// The real producer or seller when a service enterprise declares for it.
    public var producer: PartyRef?

    /// The parties that may see and act on this declaration as traders.
    public var partyIDs: Set<String> { Set([declarant.id, tradingParty.id] + (producer.map { [$0.id] } ?? [])) }
}

/// A party named on a declaration, by its platform id and credit code.
public struct PartyRef: Sendable, Equatable, Codable {
    public var id: String
    public var creditCode: CreditCode
    public var name: String
    public init(id: String, creditCode: CreditCode, name: String) {
        self.id = id
        self.creditCode = creditCode
        self.name = name
    }
}

/// The means of transport; `means` (vessel, flight, truck) and `voyage` are bound late when unknown at lodgement.
public struct Transport: Sendable, Equatable, Codable {
    public var mode: String
    public var means: String?
    public var voyage: String?
    public init(mode: String, means: String?, voyage: String?) {
        self.mode = mode
        self.means = means
        self.voyage = voyage
    }
    public var isBound: Bool { means != nil }
}

/// A container with its seals.
public struct Container: Sendable, Equatable, Codable {
    public var number: ContainerNumber
    public var seals: [String]
    /// ISO 6346 size-type code, when declared.
    public var sizeType: String?
    /// IMDG class of dangerous goods inside, when there are any.
    public var imdgClass: String?

    public init(number: ContainerNumber, seals: [String], sizeType: String? = nil, imdgClass: String? = nil) {
        self.number = number
        self.seals = seals
        self.sizeType = sizeType
        self.imdgClass = imdgClass
    }

    /// IMDG Code classes 1–9, with divisions 1.1–1.6, 2.1–2.3, 4.1–4.3, 5.1–5.2, 6.1–6.2.
    public static func isIMDGClass(_ text: String) -> Bool {
        let divisions: [String: ClosedRange<Int>] = ["1": 1...6, "2": 1...3, "4": 1...3, "5": 1...2, "6": 1...2]
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let main = parts.first, let n = Int(main), (1...9).contains(n), main.count == 1 else { return false }
        if parts.count == 1 { return true }
        guard parts.count == 2, let range = divisions[main], let d = Int(parts[1]), parts[1].count == 1 else { return false }
        return range.contains(d)
    }

    /// The length class fees are charged by: "20", "40" or "45" (first character of the size-type code).
    public var sizeClass: String? {
        switch sizeType?.first {
        case "2": "20"
        case "4": "40"
        case "L": "45"
        default: nil
        }
    }
}

/// One goods line of a declaration.
public struct GoodsItem: Sendable, Equatable, Codable {
    /// 1-based item number (项号).
    public var number: Int
    public var commodityCode: CommodityCode
    public var description: String
    public var quantity: Quantity
    public var unit: String
    public var value: Money
    public var origin: String
}
