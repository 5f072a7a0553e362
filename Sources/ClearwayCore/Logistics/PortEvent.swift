import Foundation

/// Something a terminal, carrier or tally firm reports about a conveyance or a box.
public struct PortEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case conveyanceArrived = "conveyance-arrived"
        case discharged
        case gatedIn = "gated-in"
        case gatedOut = "gated-out"
        case loaded
        case conveyanceDeparted = "conveyance-departed"
        case tallied
        case manifestFiled = "manifest-filed"
    }

    /// Manifests a carrier files (DOMAIN.md §1.7).
    public enum Manifest: String, Sendable, Codable, CaseIterable {
        case preStowage = "pre-stowage"
        case loaded
        case clean
    }

    public var kind: Kind
    public var at: Date
    public var container: ContainerNumber?
    public var means: String?
    public var voyage: String?
    public var billOfLading: String?
    public var location: String?
    /// For `gatedOut`: the box left straight from the quay rather than from the yard.
    public var atShipSide: Bool
    /// For `tallied`: whether the tally matched the manifest.
    public var tallyNormal: Bool?
    /// For `manifestFiled`.
    public var manifest: Manifest?
    /// Where the event came from (`api`, `dcsa-2.2`, `dcsa-3.0`, `edifact`) and its id there.
    public var source: String
    public var externalID: String?

    public init(
        kind: Kind, at: Date, container: ContainerNumber? = nil, means: String? = nil, voyage: String? = nil,
        billOfLading: String? = nil, location: String? = nil, atShipSide: Bool = false, tallyNormal: Bool? = nil,
        manifest: Manifest? = nil, source: String = "api", externalID: String? = nil
    ) {
        self.kind = kind
        self.at = at
        self.container = container
        self.means = means
        self.voyage = voyage
        self.billOfLading = billOfLading
        self.location = location
        self.atShipSide = atShipSide
        self.tallyNormal = tallyNormal
        self.manifest = manifest
        self.source = source
        self.externalID = externalID
    }

    /// The movement this event is, when customs conditions govern it.
    public func movement(direction: Direction) -> Movement? {
        switch kind {
        case .discharged: .discharge
        case .gatedIn: .gateIn
        case .loaded: .load
        case .gatedOut: direction == .import ? (atShipSide ? .pickUpAtShipSide : .pickUp) : nil
        case .conveyanceArrived, .conveyanceDeparted, .tallied, .manifestFiled: nil
        }
    }

    /// Whether the event concerns one box (matched by container number) or a whole conveyance or bill.
    public var isBoxEvent: Bool { container != nil }
}
