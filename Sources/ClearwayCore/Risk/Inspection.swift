import Foundation

/// What an inspection order asks for (DOMAIN.md §4.1).
public enum InspectionKind: String, Sendable, Codable, CaseIterable, Comparable {
    case documentReview = "document-review"
    /// Non-intrusive scan at an H986 scanner.
    case scan
    case physical
    /// Samples drawn and sent for a laboratory test.
    case sampling

    var severity: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.severity < b.severity }
}

/// Where an inspection happens: at the port before goods leave, or at the destination (DOMAIN.md §5.1).
public enum InspectionPlace: String, Sendable, Codable, CaseIterable {
    /// The port's inspection area.
    case port
    /// A bonded zone or off-port site.
    case bondedZone = "bonded-zone"
    /// The consignee's factory, by the destination office, with goods moved there under electronic seal.
    case factory
    /// The destination customs office's own site.
    case destination

    /// True for places the destination office inspects at, after the goods left the port.
    public var isDestination: Bool { self == .factory || self == .destination }
}

/// What an inspection found.
public enum InspectionOutcome: String, Sendable, Codable, CaseIterable {
    case noDiscrepancy = "no-discrepancy"
    case discrepancy
    case seizure

    /// The label the risk model learns from: anything but a clean result counts.
    public var isDiscrepancy: Bool { self != .noDiscrepancy }
}

/// One inspection order on a declaration: asked by selectivity or an officer, carried out, and its result.
public struct InspectionOrder: Sendable, Equatable, Codable {
    /// 1-based number within the declaration.
    public var number: Int
    public var kind: InspectionKind
    public var place: InspectionPlace
    /// The officer drawn or named to inspect (username).
    public var officer: String?
    public var orderedAt: Date
    public var outcome: InspectionOutcome?
    public var findings: String?
    /// Hashes of attached evidence (photos, scan images, lab reports).
    public var evidence: [String]
    public var completedAt: Date?

    public init(number: Int, kind: InspectionKind, place: InspectionPlace, officer: String?, orderedAt: Date) {
        self.number = number
        self.kind = kind
        self.place = place
        self.officer = officer
        self.orderedAt = orderedAt
        evidence = []
    }

    public var isOpen: Bool { outcome == nil }
}
