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
    /// For a newer version of an event its sender reported before (DCSA 3.0's eventID with a later
    /// `eventUpdatedDateTime`, an EDIFACT replacement): the sender's id of that event, whose earlier versions this
    /// one replaces (they are retracted as it is recorded).
    public var supersedes: String?
    /// The sender's id of the event, shared by all its versions (DCSA 3.0's `eventID`; for a source without versions,
    /// the delivery's id): how its versions and retractions find it.
    public var eventID: String?
    /// When the sender made this version (DCSA 3.0's `eventUpdatedDateTime`), for a source that says so.
    public var revisedAt: Date?

    public init(
        kind: Kind, at: Date, container: ContainerNumber? = nil, means: String? = nil, voyage: String? = nil,
        billOfLading: String? = nil, location: String? = nil, atShipSide: Bool = false, tallyNormal: Bool? = nil,
        manifest: Manifest? = nil, source: String = "api", externalID: String? = nil, supersedes: String? = nil,
        eventID: String? = nil, revisedAt: Date? = nil
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
        self.supersedes = supersedes
        self.eventID = eventID ?? externalID
        self.revisedAt = revisedAt
    }

    /// What tells a delivery from another under the same `externalID`: the event without its id and revision, which
    /// the delivery's id already fixes, so a delivery received before they were kept still matches its redelivery.
    public var deliveredContent: PortEvent {
        var content = self
        content.eventID = nil
        content.revisedAt = nil
        return content
    }

    /// Whether this version is older than one of the same event already received (`latest`, the latest revision
    /// received): feeds may deliver versions out of order, and the newest the sender made is the one that stands.
    public func isOutdated(latest: Date?) -> Bool {
        guard let revisedAt, let latest else { return false }
        return revisedAt < latest
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

/// A sender's word that an event it sent is void, every version of it (DCSA Track & Trace 3.0 `isRetracted`).
public struct PortEventRetraction: Sendable, Equatable, Codable {
    /// Where it came from, as for `PortEvent.source`; only that source's events are retracted.
    public var source: String
    /// The sender's id of the event: the events received with it, or with a version of it (`eventID@updated`).
    public var eventID: String
    /// This retraction's own delivery id, so that a second delivery is answered as the first.
    public var externalID: String

    public init(source: String, eventID: String, externalID: String) {
        self.source = source
        self.eventID = eventID
        self.externalID = externalID
    }
}

/// What a feed reports, in the order it reports it: an event, or the retraction of an earlier one.
public enum PortEventReport: Sendable, Equatable {
    case event(PortEvent)
    case retraction(PortEventRetraction)

    public var event: PortEvent? { if case .event(let event) = self { event } else { nil } }
}
