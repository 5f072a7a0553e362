import Foundation

/// A quarantine approval (检疫审批, DOMAIN.md §3.2): permission to import a catalogued animal or plant product from
/// one country and producer, for a quantity written off over several shipments within its validity.
///
/// Approved by the system at submission when every condition holds; otherwise referred to an officer with the
/// reasons listed.
public enum QuarantineApproval {
    public enum Status: String, Sendable, Codable {
        case referred
        case approved
        case rejected
    }

    /// What the applicant asks for, checked.
    public struct Application: Sendable, Equatable, Codable {
        public var applicant: PartyRef
        public var commodityCode: CommodityCode
        public var product: String
        public var originCountry: String
        /// The overseas producer's registration number with GAC.
        public var producerRegistration: String
        /// Kilograms asked for.
        public var quantityKg: Double
        public var portOfEntry: UNLocode
        /// Hashes of the documents submitted, by kind (e.g. "trade-contract").
        public var documents: [String: String]

        public init(applicant: PartyRef, commodityCode: CommodityCode, product: String, originCountry: String,
                    producerRegistration: String, quantityKg: Double, portOfEntry: UNLocode, documents: [String: String]) {
            self.applicant = applicant
            self.commodityCode = commodityCode
            self.product = product
            self.originCountry = originCountry
            self.producerRegistration = producerRegistration
            self.quantityKg = quantityKg
            self.portOfEntry = portOfEntry
            self.documents = documents
        }
    }

    /// The facts an automatic decision needs, looked up from reference data and the applicant's record.
    public struct Facts: Sendable, Equatable {
        public var onAccessList: Bool
        public var producerRegistered: Bool
        public var applicantTier: CreditTier
        /// Document kinds the product needs that were not submitted.
        public var missingDocuments: [String]
        /// Days a permit for this product is valid.
        public var validityDays: Int
        /// Whether the port approves qualifying applications automatically (the 2024 measure); where it does not, an
        /// officer reviews every application — the baseline the simulator compares against.
        public var automaticApproval: Bool
        public init(onAccessList: Bool, producerRegistered: Bool, applicantTier: CreditTier, missingDocuments: [String],
                    validityDays: Int, automaticApproval: Bool = true) {
            self.automaticApproval = automaticApproval
            self.onAccessList = onAccessList
            self.producerRegistered = producerRegistered
            self.applicantTier = applicantTier
            self.missingDocuments = missingDocuments
            self.validityDays = validityDays
        }
    }

    /// One unmet condition, for the officer who reviews.
    public struct Reason: Sendable, Equatable, Codable {
        public var code: String
        public var detail: String
    }

    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version = 0
        public var application: Application?
        public var status: Status?
        public var submittedAt: Date?
        public var decidedAt: Date?
        /// True when the system approved it at submission.
        public var automatic = false
        public var reasons: [Reason] = []
        public var validUntil: Date?
        public var validityDays = 0
        /// Kilograms written off, by declaration.
        public var writeOffs: [String: Double] = [:]
        public var decisionNote: String?
        public init(id: String) { self.id = id }

        public var remainingKg: Double { (application?.quantityKg ?? 0) - writeOffs.values.reduce(0, +) }
        /// Seconds from submission to the decision.
        public var secondsToDecision: Double? { decidedAt.flatMap { d in submittedAt.map { d.timeIntervalSince($0) } } }
    }

    public enum Command: Sendable {
        case submit(Application, Facts)
        case decide(approve: Bool, note: String, validityDays: Int)
        case writeOff(declaration: String, quantityKg: Double)
    }

    public enum Event: Sendable, Equatable, DomainEvent {
        case submitted(Submitted)
        case approved(Decided)
        case referred(Referred)
        case rejected(Decided)
        case writtenOff(WrittenOff)

        public struct Submitted: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var application: Application
        }
        public struct Decided: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var automatic: Bool
            public var note: String
            public var validUntil: Date?
        }
        public struct Referred: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var reasons: [Reason]
        }
        public struct WrittenOff: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var declaration: String
            public var quantityKg: Double
        }

        public var name: String {
            switch self {
            case .submitted: "submitted"
            case .approved: "approved"
            case .referred: "referred"
            case .rejected: "rejected"
            case .writtenOff: "written-off"
            }
        }
        public var stamp: Declaration.Event.Stamp {
            switch self {
            case .submitted(let e): e.stamp
            case .approved(let e), .rejected(let e): e.stamp
            case .referred(let e): e.stamp
            case .writtenOff(let e): e.stamp
            }
        }
        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        public func encodePayload(with encoder: some JSONEncoding) throws -> Data {
            switch self {
            case .submitted(let e): try encoder.encode(e)
            case .approved(let e), .rejected(let e): try encoder.encode(e)
            case .referred(let e): try encoder.encode(e)
            case .writtenOff(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "submitted": self = .submitted(try decoder.decode(Submitted.self, from: payload))
            case "approved": self = .approved(try decoder.decode(Decided.self, from: payload))
            case "referred": self = .referred(try decoder.decode(Referred.self, from: payload))
            case "rejected": self = .rejected(try decoder.decode(Decided.self, from: payload))
            case "written-off": self = .writtenOff(try decoder.decode(WrittenOff.self, from: payload))
            default: throw UnknownEventError(stream: "quarantine-approval", name: name)
            }
        }
    }

    /// Whether an approved permit covers goods items of a declaration: same consignee, same HS heading.
    public static func covers(_ state: State, _ draft: DeclarationDraft, items: [Int]) -> Bool {
        guard state.status == .approved, let application = state.application,
              application.applicant.id == draft.tradingParty.id
        else { return false }
        let heading = application.commodityCode.rawValue.prefix(4)
        return draft.items.contains { items.contains($0.number) && $0.commodityCode.rawValue.hasPrefix(heading) }
    }

    /// The conditions of automatic approval that do not hold.
    public static func unmet(_ application: Application, _ facts: Facts) -> [Reason] {
        var reasons: [Reason] = []
        if !facts.onAccessList {
            reasons.append(.init(code: "not-on-access-list",
                                 detail: "\(application.commodityCode.rawValue.prefix(4)) from \(application.originCountry) is not on the access list"))
        }
        if !facts.producerRegistered {
            reasons.append(.init(code: "producer-not-registered",
                                 detail: "producer \(application.producerRegistration) is not registered for this product and country"))
        }
        if facts.applicantTier == .dishonest || facts.applicantTier == .seriouslyDishonest {
            reasons.append(.init(code: "applicant-dishonest", detail: "the applicant's credit tier is \(facts.applicantTier.rawValue)"))
        }
        if !facts.missingDocuments.isEmpty {
            reasons.append(.init(code: "documents-incomplete", detail: "missing: \(facts.missingDocuments.joined(separator: ", "))"))
        }
        if !facts.automaticApproval {
            reasons.append(.init(code: "automatic-approval-off", detail: "this port reviews every application by hand"))
        }
        return reasons
    }

    public static func decide(_ command: Command, _ state: State, _ context: Declaration.Context) throws(ClearanceError)
        -> [Event]
    {
        let stamp = Declaration.Event.Stamp(at: context.now, by: context.principal)
        switch command {
        case .submit(let application, let facts):
            guard state.application == nil else { throw .notAllowedInState(action: "submit", state: "submitted") }
            let reasons = unmet(application, facts)
            let submitted = Event.submitted(.init(stamp: stamp, application: application))
            guard reasons.isEmpty else { return [submitted, .referred(.init(stamp: stamp, reasons: reasons))] }
            let system = Declaration.Event.Stamp(at: context.now, by: .system)
            let until = context.now.addingTimeInterval(TimeInterval(facts.validityDays) * 86_400)
            return [submitted, .approved(.init(stamp: system, automatic: true, note: "every condition holds", validUntil: until))]
        case .decide(let approve, let note, let validityDays):
            guard state.status == .referred else {
                throw .notAllowedInState(action: "decide", state: state.status?.rawValue ?? "not submitted")
            }
            let until = context.now.addingTimeInterval(TimeInterval(validityDays) * 86_400)
            let decided = Event.Decided(stamp: stamp, automatic: false, note: note, validUntil: approve ? until : nil)
            return [approve ? .approved(decided) : .rejected(decided)]
        case .writeOff(let declaration, let quantity):
            guard state.status == .approved, let until = state.validUntil else {
                throw .notAllowedInState(action: "write off against", state: state.status?.rawValue ?? "not submitted")
            }
            guard context.now < until else { throw .notAllowedInState(action: "write off against", state: "expired") }
            guard quantity > 0, quantity.isFinite else {
                throw .invalid(ValidationFailure([FieldIssue("/quantityKg", "quantity-positive", "a write-off is a positive quantity")]))
            }
            guard quantity <= state.remainingKg + 1e-9 else {
                throw .invalid(ValidationFailure([FieldIssue(
                    "/quantityKg", "quantity-exceeds-approval",
                    "\(quantity.formatted()) kg asked, \(state.remainingKg.formatted()) kg left of \(state.application!.quantityKg.formatted())")]))
            }
            return [.writtenOff(.init(stamp: stamp, declaration: declaration, quantityKg: quantity))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        switch event {
        case .submitted(let e):
            next.application = e.application
            next.submittedAt = e.stamp.at
        case .approved(let e):
            next.status = .approved
            next.decidedAt = e.stamp.at
            next.automatic = e.automatic
            next.validUntil = e.validUntil
            next.decisionNote = e.note
        case .referred(let e):
            next.status = .referred
            next.reasons = e.reasons
        case .rejected(let e):
            next.status = .rejected
            next.decidedAt = e.stamp.at
            next.decisionNote = e.note
        case .writtenOff(let e):
            next.writeOffs[e.declaration, default: 0] += e.quantityKg
        }
        return next
    }

    /// Time to decision on the automatic and the manual path: count, median and p90 in seconds (nearest rank).
    public struct Report: Sendable, Equatable {
        public struct Path: Sendable, Equatable {
            public var count: Int
            public var medianSeconds: Double?
            public var p90Seconds: Double?
        }
        public var automatic: Path
        public var manual: Path
        /// Still waiting for an officer.
        public var referred: Int

        public init(_ states: [State]) {
            func path(_ seconds: [Double]) -> Path {
                let sorted = seconds.sorted()
                func rank(_ p: Double) -> Double? {
                    sorted.isEmpty ? nil : sorted[max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
                }
                return Path(count: sorted.count, medianSeconds: rank(0.5), p90Seconds: rank(0.9))
            }
            let decided = states.filter { $0.decidedAt != nil }
            automatic = path(decided.filter(\.automatic).compactMap(\.secondsToDecision))
            manual = path(decided.filter { !$0.automatic }.compactMap(\.secondsToDecision))
            referred = states.filter { $0.status == .referred }.count
        }
    }
}
