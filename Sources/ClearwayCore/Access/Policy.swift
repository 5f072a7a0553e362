/// The one place that answers "may this principal do this to that".
///
/// Reads of things a principal may not see are answered as not found by the callers, so existence does not leak.
public struct Policy: Sendable {
    public let offices: OfficeTree
    /// Which agencies approve which goods: an agency officer sees exactly the declarations that need its agency.
    let routing: AgencyRouting
    public init(offices: OfficeTree, routing: AgencyRouting = .init()) {
        self.offices = offices
        self.routing = routing
    }

    /// The agency whose approvals quarantine officers give (检疫审批 is customs' own).
    public static let quarantineAgency = "gacc"

    /// What someone wants to do.
    public enum Action: Sendable {
        case lodgeDeclaration(declarantPartyID: String)
        case readDeclaration(DeclarationDraft)
        case changeDeclaration(DeclarationDraft)
        case rejectDeclaration(DeclarationDraft)
        /// Risk decisions, inspection results, holds and exceptions: customs of the declaration's offices.
        case decideClearance(DeclarationDraft)
        case settleDuties(DeclarationDraft)
        case reportPortEvent
        case readTimeRelease
        case publishFees
        case submitInvoice(chargingParty: String)
        case readInvoice(Invoice.Submitted)
        case disputeInvoice(Invoice.Submitted)
        case readFeeStatistics
        case listDeclarations
        case registerParty
        case readParty(partyID: String)
        case listParties
        case setCreditTier
        /// Author, list and dry-run targeting rules.
        case manageRiskRules
        /// Issue a certificate of this kind for the declaration.
        case issueCredential(CredentialKind, DeclarationDraft)
        /// Report custody checkpoints of supervised transfers (the carrier's or seal operator's system).
        case reportCustody
        /// See the diversion board, sites and move instructions of a port.
        case readDiversion
        /// A terminal's release list: its boxes and whether each may move, nothing more.
        case readTerminalBoard
        /// Re-plan, or take a site out of service and back.
        case planDiversion
        /// Start an inspection at a site (rostered officers only, when the site has a roster).
        case inspectAtSite(InspectionSite)
        /// Report a box back on its block after inspection.
        case reportBoxReturn
        /// Decide the approval an agency owes on a declaration.
        case decideAgencyApproval(agency: String, DeclarationDraft)
        /// Read an agency's approval queue.
        case readAgencyQueue
        case manageUsers
        /// Send a CEB document as the firm whose customs code it names in `codes` (`senderCode` is the sender's).
        case sendCEB(Parcel.Party, codes: [String], senderCode: String?)
        /// See a parcel: customs, and the firms it names (platform, e-commerce firm, agent, payment, logistics);
        /// `viewerCode` is the customs code of the principal's own enterprise.
        case readParcel(codes: [String], customsCode: String?, viewerCode: String?)
        /// Review or inspect a parcel declared at an office.
        case decideParcel(customsCode: String?)
        /// Send CEB messages at all (each entry is then checked with `sendCEB`).
        case sendCEBMessages
        /// List parcels (each is then checked with `readParcel`).
        case listParcels
        /// Register or change a guarantor's electronic tax guarantee.
        case manageTaxGuarantees
        /// See guarantees and tax bills of a guarantor; `viewerCode` is the customs code of the principal's enterprise.
        case readTaxBills(assureCode: String?, viewerCode: String?)
        /// Pay a guarantor's tax bill.
        case payTaxBill(assureCode: String, viewerCode: String?)
        /// An export record of the customs–tax–forex chain: its parties (exporter, producer, service firm by party id)
        /// read it whole; customs and the tax and forex agencies read it through the sharing rules.
        case readExportRecord(parties: [String])
        case listExportRecords
        /// Export lists: customs, the firms that send CEB messages, and traders (as sellers and producers).
        case listExportParcels
        /// Every summary declaration rather than a declaring agent's own.
        case readAllExportSummaries
        /// A foreign-trade service enterprise's view of the clients it acts for.
        case readServiceClients
        case recordRebate
        case recordForexReceipt
        /// A producer authorises (or stops authorising) a service enterprise to act for it.
        case authoriseServiceFirm(clientPartyID: String)
        case useOwnTokens
        case revokeToken(ownerUserID: String)
    }

    /// Roles that lodge and change declarations for their own party.
    public static let declaringRoles: Set<Role> = [.trader, .broker, .tradeServiceEnterprise]
    /// Roles that take part in cross-border e-commerce: the firms that send CEB messages, customs, administrators.
    public static let cebSenders: Set<Role> = [.ecommercePlatform, .paymentFirm, .logisticsFirm, .broker, .tradeServiceEnterprise, .admin]
    /// Roles that see declarations of the offices they are bound to.
    public static let officeRoles: Set<Role> = [.customsOfficer, .quarantineOfficer]

    public func allows(_ principal: Principal, _ action: Action) -> Bool {
        switch action {
        case .lodgeDeclaration(let declarant):
            return Self.declaringRoles.contains(principal.role) && principal.partyID == declarant
        case .readDeclaration(let draft):
            if principal.role == .admin { return true }
            if Self.declaringRoles.contains(principal.role), let party = principal.partyID {
                return draft.partyIDs.contains(party)
            }
            if Self.officeRoles.contains(principal.role) { return isOfficerOf(principal, draft) }
            if principal.role == .agencyOfficer, let agency = principal.agencyID { return routing.involves(agency, in: draft) }
            return false
        case .changeDeclaration(let draft):
            return Self.declaringRoles.contains(principal.role) && principal.partyID == draft.declarant.id
        case .rejectDeclaration(let draft), .decideClearance(let draft):
            return principal.role == .customsOfficer && isOfficerOf(principal, draft)
        case .settleDuties(let draft):
            return (Self.declaringRoles.contains(principal.role) && principal.partyID == draft.declarant.id)
                || (principal.role == .customsOfficer && isOfficerOf(principal, draft))
        case .reportPortEvent:
            return [.terminalOperator, .logisticsFirm, .admin].contains(principal.role)
        case .readTimeRelease, .readFeeStatistics:
            return [.customsOfficer, .admin, .portAuthority].contains(principal.role)
        case .publishFees:
            return principal.role == .admin || principal.role == .portAuthority
        case .submitInvoice(let party):
            return principal.role == .admin
                || ([.terminalOperator, .logisticsFirm].contains(principal.role) && principal.partyID == party)
        case .readInvoice(let invoice):
            if [.admin, .portAuthority, .customsOfficer].contains(principal.role) { return true }
            guard let party = principal.partyID else { return false }
            return party == invoice.chargingParty || invoice.shipmentParties.contains(party)
        case .disputeInvoice(let invoice):
            return Self.declaringRoles.contains(principal.role)
                && principal.partyID.map(invoice.shipmentParties.contains) == true
        case .listDeclarations:
            return declarationScope(of: principal) != nil
        case .registerParty, .manageUsers:
            return principal.role == .admin
        case .readParty(let partyID):
            return principal.role == .admin || principal.role == .customsOfficer || principal.partyID == partyID
        case .issueCredential(let kind, let draft):
            return principal.role == (kind.byQuarantine ? .quarantineOfficer : .customsOfficer) && isOfficerOf(principal, draft)
        case .reportCustody:
            return [.logisticsFirm, .admin].contains(principal.role)
        case .readDiversion:
            return [.customsOfficer, .quarantineOfficer, .terminalOperator, .portAuthority, .admin].contains(principal.role)
        case .readTerminalBoard:
            return principal.role == .terminalOperator && principal.partyID != nil
        case .planDiversion:
            return [.customsOfficer, .terminalOperator, .admin].contains(principal.role)
        case .inspectAtSite(let site):
            if principal.role == .admin { return true }
            guard Self.officeRoles.contains(principal.role) else { return false }
            return site.officers.isEmpty || site.officers.contains(principal.username)
        case .reportBoxReturn:
            return [.terminalOperator, .admin].contains(principal.role)
        case .decideAgencyApproval(let agency, let draft):
            if principal.role == .agencyOfficer { return principal.agencyID == agency && routing.involves(agency, in: draft) }
            return principal.role == .quarantineOfficer && agency == Self.quarantineAgency && isOfficerOf(principal, draft)
        case .readAgencyQueue:
            return [.agencyOfficer, .quarantineOfficer, .admin].contains(principal.role)
        case .manageRiskRules:
            return principal.role == .customsOfficer || principal.role == .admin
        case .listParties, .setCreditTier:
            return principal.role == .admin || principal.role == .customsOfficer
        case .sendCEB(let party, let codes, let sender):
            if principal.role == .admin { return true }
            let roles: Set<Role> = switch party {
            case .platform: [.ecommercePlatform]
            case .payment: [.paymentFirm]
            case .logistics: [.logisticsFirm]
            case .declarant: [.ecommercePlatform, .broker, .tradeServiceEnterprise]
            }
            return roles.contains(principal.role) && sender.map(codes.contains) == true
        case .readParcel(let codes, let customsCode, let viewer):
            if principal.role == .admin { return true }
            if principal.role == .customsOfficer { return isOfficer(principal, of: customsCode) }
            return principal.role.actsForParty && viewer.map(codes.contains) == true
        case .decideParcel(let customsCode):
            return principal.role == .customsOfficer && isOfficer(principal, of: customsCode)
        case .sendCEBMessages:
            return Self.cebSenders.contains(principal.role)
        case .listParcels:
            return Self.cebSenders.contains(principal.role) || principal.role == .customsOfficer
        case .manageTaxGuarantees:
            return principal.role == .admin || principal.role == .customsOfficer
        case .readTaxBills(let assureCode, let viewer):
            if [.admin, .customsOfficer, .taxAgency].contains(principal.role) { return true }
            // A guarantor sees its own (nil: asks for its list, which holds only its own).
            return principal.role.actsForParty && viewer != nil && (assureCode == nil || assureCode == viewer)
        case .payTaxBill(let assureCode, let viewer):
            return principal.role == .admin || (principal.role.actsForParty && viewer == assureCode)
        case .readExportRecord(let parties):
            if [.admin, .customsOfficer, .taxAgency, .forexAgency].contains(principal.role) { return true }
            return principal.role.actsForParty && principal.partyID.map(parties.contains) == true
        case .listExportRecords:
            return [.admin, .customsOfficer, .taxAgency, .forexAgency, .trader, .broker, .tradeServiceEnterprise].contains(principal.role)
        case .listExportParcels:
            return Self.cebSenders.contains(principal.role) || [.customsOfficer, .trader].contains(principal.role)
        case .readAllExportSummaries:
            return [.admin, .customsOfficer, .taxAgency].contains(principal.role)
        case .readServiceClients:
            return principal.role == .tradeServiceEnterprise || principal.role == .admin
        case .recordRebate:
            return principal.role == .taxAgency || principal.role == .admin
        case .recordForexReceipt:
            return principal.role == .forexAgency || principal.role == .admin
        case .authoriseServiceFirm(let client):
            return principal.role == .admin || (principal.role.actsForParty && principal.partyID == client)
        case .useOwnTokens:
            return true
        case .revokeToken(let owner):
            return principal.role == .admin || principal.userID == owner
        }
    }

    /// The declarations a principal may list: by party, by office subtree, or everything (admin); nil for none.
    public func declarationScope(of principal: Principal) -> (parties: Set<String>?, offices: Set<OfficeCode>?)? {
        if principal.role == .admin { return (nil, nil) }
        if Self.declaringRoles.contains(principal.role), let party = principal.partyID { return ([party], nil) }
        if Self.officeRoles.contains(principal.role), let office = principal.office {
            return (nil, offices.subtree(of: office))
        }
        return nil
    }

    /// An officer of the office a CEB list was declared at (or any customs officer, before a list names one).
    private func isOfficer(_ principal: Principal, of customsCode: String?) -> Bool {
        guard let office = principal.office else { return false }
        guard let customsCode, let code = try? OfficeCode(customsCode) else { return true }
        return offices.isWithin(code, office)
    }

    private func isOfficerOf(_ principal: Principal, _ draft: DeclarationDraft) -> Bool {
        guard let office = principal.office else { return false }
        return offices.isWithin(draft.declarationOffice, office) || offices.isWithin(draft.entryExitOffice, office)
            || draft.destinationOffice.map { offices.isWithin($0, office) } == true
    }
}
