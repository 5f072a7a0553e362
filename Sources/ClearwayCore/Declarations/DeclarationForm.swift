/// A declaration as submitted, before any check: every field is the text the declarant sent.
public struct DeclarationForm: Sendable, Equatable, Codable {
    public var direction: String
    /// `serial` when absent.
    public var procedure: String?
    public var supervisionMode: String
    public var declarant: String
    public var tradingParty: String
    public var overseasParty: String?
    public var declarationOffice: String
    public var entryExitOffice: String
    /// The office at the consignee's location that inspects after removal (phased access, DOMAIN.md §5.1).
    public var destinationOffice: String?
    /// The producer or seller (生产销售单位) by credit code, when it is not the trading party: the real exporter a
    /// foreign-trade service enterprise declares for (DOMAIN.md §7.1).
    public var producer: String?
    public var transport: TransportForm
    public var billOfLading: String?
    public var incoterm: String
    public var containers: [ContainerForm]
    public var items: [ItemForm]

    public init(
        direction: String, procedure: String? = nil, supervisionMode: String, declarant: String, tradingParty: String, overseasParty: String?,
        declarationOffice: String, entryExitOffice: String, transport: TransportForm, billOfLading: String?,
        incoterm: String, containers: [ContainerForm], items: [ItemForm], destinationOffice: String? = nil, producer: String? = nil
    ) {
        self.producer = producer
        self.destinationOffice = destinationOffice
        self.direction = direction
        self.procedure = procedure
        self.supervisionMode = supervisionMode
        self.declarant = declarant
        self.tradingParty = tradingParty
        self.overseasParty = overseasParty
        self.declarationOffice = declarationOffice
        self.entryExitOffice = entryExitOffice
        self.transport = transport
        self.billOfLading = billOfLading
        self.incoterm = incoterm
        self.containers = containers
        self.items = items
    }
}

/// Transport as submitted; the means and voyage may be unknown at lodgement and bound later.
public struct TransportForm: Sendable, Equatable, Codable {
    public var mode: String
    public var means: String?
    public var voyage: String?
    public init(mode: String, means: String?, voyage: String?) {
        self.mode = mode
        self.means = means
        self.voyage = voyage
    }
}

/// A container as submitted.
public struct ContainerForm: Sendable, Equatable, Codable {
    public var number: String
    public var seals: [String]
    /// ISO 6346 size-type code, e.g. 22G1 or 45G1.
    public var sizeType: String?
    /// IMDG class of dangerous goods inside (e.g. "3" or "2.1"), when there are any.
    public var imdgClass: String?
    public init(number: String, seals: [String], sizeType: String? = nil, imdgClass: String? = nil) {
        self.number = number
        self.seals = seals
        self.sizeType = sizeType
        self.imdgClass = imdgClass
    }
}

/// A goods item as submitted.
public struct ItemForm: Sendable, Equatable, Codable {
    public var commodityCode: String
    public var description: String
    public var quantity: String
    public var unit: String
    public var value: String
    public var currency: String
    public var origin: String
    public init(
        commodityCode: String, description: String, quantity: String, unit: String, value: String, currency: String,
        origin: String
    ) {
        self.commodityCode = commodityCode
        self.description = description
        self.quantity = quantity
        self.unit = unit
        self.value = value
        self.currency = currency
        self.origin = origin
    }
}
