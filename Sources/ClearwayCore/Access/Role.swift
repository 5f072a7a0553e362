/// What a user does at the border; a user has exactly one role, and all but admin act for one party or office.
public enum Role: String, Sendable, Codable, CaseIterable {
    case trader
    case broker
    case ecommercePlatform = "ecommerce-platform"
    case paymentFirm = "payment-firm"
    case logisticsFirm = "logistics-firm"
    case tradeServiceEnterprise = "trade-service-enterprise"
    case terminalOperator = "terminal-operator"
    case customsOfficer = "customs-officer"
    case quarantineOfficer = "quarantine-officer"
    case taxAgency = "tax-agency"
    case forexAgency = "forex-agency"
    case portAuthority = "port-authority"
    /// An officer of another agency that approves goods before release (commerce, industry, drugs …).
    case agencyOfficer = "agency-officer"
    case admin

    /// Roles that act for an enterprise (a party) rather than for the state.
    public var actsForParty: Bool {
        switch self {
        case .trader, .broker, .ecommercePlatform, .paymentFirm, .logisticsFirm, .tradeServiceEnterprise,
            .terminalOperator:
            true
        default: false
        }
    }

    /// Roles bound to a customs office.
    public var actsForOffice: Bool { self == .customsOfficer || self == .quarantineOfficer }

    /// Roles bound to an agency.
    public var actsForAgency: Bool {
        self == .taxAgency || self == .forexAgency || self == .portAuthority || self == .agencyOfficer
    }
}

/// Who is acting: the authenticated user with the role and the party, office or agency the role is bound to.
public struct Principal: Sendable, Equatable, Codable {
    public var userID: String
    public var username: String
    public var role: Role
    public var partyID: String?
    public var office: OfficeCode?
    public var agencyID: String?

    public init(
        userID: String, username: String, role: Role, partyID: String? = nil, office: OfficeCode? = nil,
        agencyID: String? = nil
    ) {
        self.userID = userID
        self.username = username
        self.role = role
        self.partyID = partyID
        self.office = office
        self.agencyID = agencyID
    }

    /// The platform itself, for events no person caused (reference-data loads, timers).
    public static let system = Principal(userID: "system", username: "system", role: .admin)
}
