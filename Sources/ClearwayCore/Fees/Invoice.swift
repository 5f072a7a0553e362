import Foundation

/// A charging party's invoice for one shipment, checked line by line against the published fee lists.
public enum Invoice {
    /// What is known about one invoice.
    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version = 0
        public var submitted: Submitted?
        /// Disputed line numbers with the trader's reason.
        public var disputes: [Int: String] = [:]
        public init(id: String) { self.id = id }
    }

    /// The invoice as submitted, with the flags the check raised.
    public struct Submitted: Sendable, Equatable, Codable {
        public var chargingParty: String
        public var port: UNLocode
        public var declarationID: String?
        /// Parties that may read and dispute (the shipment's declarant and trading party).
        public var shipmentParties: [String]
        public var lines: [InvoiceLine]
        public var flags: [FeeFlag]
        /// What the lists allowed per line, by line number.
        public var allowed: [Int: Money]
    }

    public enum Command: Sendable {
        case submit(
            chargingParty: String, port: UNLocode, declarationID: String?, shipmentParties: [String], lines: [InvoiceLine],
            catalogs: [FeeCatalog], shipment: FeeCheck.Shipment, earlier: [InvoiceLine])
        case dispute(line: Int, reason: String)
    }

    public enum Event: Sendable, Equatable, DomainEvent {
        case submitted(SubmittedEvent)
        case disputed(Disputed)

        public struct SubmittedEvent: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var invoice: Submitted
        }
        public struct Disputed: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var line: Int
            public var reason: String
        }

        public var name: String {
            switch self {
            case .submitted: "submitted"
            case .disputed: "disputed"
            }
        }
        public var stamp: Declaration.Event.Stamp {
            switch self {
            case .submitted(let e): e.stamp
            case .disputed(let e): e.stamp
            }
        }
        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        public func encodePayload(with encoder: some JSONEncoding) throws -> Data {
            switch self {
            case .submitted(let e): try encoder.encode(e)
            case .disputed(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "submitted": self = .submitted(try decoder.decode(SubmittedEvent.self, from: payload))
            case "disputed": self = .disputed(try decoder.decode(Disputed.self, from: payload))
            default: throw UnknownEventError(stream: "invoice", name: name)
            }
        }
    }

    public static func decide(_ command: Command, _ state: State, _ context: Declaration.Context) throws(ClearanceError)
        -> [Event]
    {
        let stamp = Declaration.Event.Stamp(at: context.now, by: context.principal)
        switch command {
        case .submit(let party, let port, let declaration, let parties, let lines, let catalogs, let shipment, let earlier):
            guard state.submitted == nil else { throw .notAllowedInState(action: "submit", state: "submitted") }
            var issues = IssueCollector()
            if lines.isEmpty { issues.add("/lines", "lines-missing", "an invoice has at least one line") }
            if Set(lines.map(\.number)).count != lines.count {
                issues.add("/lines", "line-numbers", "line numbers are unique")
            }
            do { try issues.finish() } catch { throw .invalid(error) }
            let flags = FeeCheck.check(
                lines, port: port, chargingParty: party, catalogs: catalogs, shipment: shipment, earlier: earlier)
            var allowed: [Int: Money] = [:]
            for line in lines {
                let catalog = catalogs.inForce(port: port, chargingParty: party, on: line.serviceDate)
                let duplicate = flags.contains { $0.line == line.number && $0.kind == .duplicate }
                allowed[line.number] = duplicate
                    ? Money(minor: 0, currency: line.amount.currency)
                    : FeeCheck.allowed(line, catalog: catalog, shipment: shipment)
            }
            return [.submitted(.init(stamp: stamp, invoice: Submitted(
                chargingParty: party, port: port, declarationID: declaration, shipmentParties: parties, lines: lines,
                flags: flags, allowed: allowed)))]
        case .dispute(let line, let reason):
            guard let submitted = state.submitted else { throw .notFound(kind: "invoice", id: state.id) }
            guard submitted.flags.contains(where: { $0.line == line }) else {
                throw .invalid(ValidationFailure([FieldIssue("/line", "line-not-flagged", "only a flagged line is disputed")]))
            }
            guard state.disputes[line] == nil else { throw .notAllowedInState(action: "dispute", state: "already disputed") }
            return [.disputed(.init(stamp: stamp, line: line, reason: reason))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        switch event {
        case .submitted(let e): next.submitted = e.invoice
        case .disputed(let e): next.disputes[e.line] = e.reason
        }
        return next
    }
}
