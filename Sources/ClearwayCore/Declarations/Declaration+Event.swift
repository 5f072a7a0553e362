import Foundation

extension Declaration {
    /// What happened to a declaration, with when and by whom.
    public enum Event: Sendable, Equatable, DomainEvent {
        case accepted(Accepted)
        case amended(Amended)
        case transportBound(TransportBound)
        case cancelled(Cancelled)
        case rejected(Rejected)

        /// When and by whom; every event has one.
        public struct Stamp: Sendable, Equatable, Codable {
            public var at: Date
            public var by: Principal
        }

        public struct Accepted: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var customsNumber: CustomsNumber
            public var draft: DeclarationDraft
        }
        public struct Amended: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var draft: DeclarationDraft
        }
        public struct TransportBound: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var means: String
            public var voyage: String?
        }
        public struct Cancelled: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var reason: String
        }
        public struct Rejected: Sendable, Equatable, Codable {
            public var stamp: Stamp
            public var reason: String
        }

        public var stamp: Stamp {
            switch self {
            case .accepted(let e): e.stamp
            case .amended(let e): e.stamp
            case .transportBound(let e): e.stamp
            case .cancelled(let e): e.stamp
            case .rejected(let e): e.stamp
            }
        }

        public var name: String {
            switch self {
            case .accepted: "accepted"
            case .amended: "amended"
            case .transportBound: "transport-bound"
            case .cancelled: "cancelled"
            case .rejected: "rejected"
            }
        }

        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        public func encodePayload(with encoder: JSONEncoder) throws -> Data {
            switch self {
            case .accepted(let e): try encoder.encode(e)
            case .amended(let e): try encoder.encode(e)
            case .transportBound(let e): try encoder.encode(e)
            case .cancelled(let e): try encoder.encode(e)
            case .rejected(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "accepted": self = .accepted(try decoder.decode(Accepted.self, from: payload))
            case "amended": self = .amended(try decoder.decode(Amended.self, from: payload))
            case "transport-bound": self = .transportBound(try decoder.decode(TransportBound.self, from: payload))
            case "cancelled": self = .cancelled(try decoder.decode(Cancelled.self, from: payload))
            case "rejected": self = .rejected(try decoder.decode(Rejected.self, from: payload))
            default: throw UnknownEventError(stream: "declaration", name: name)
            }
        }
    }
}
