import Crypto
import Foundation

/// The SHA-256 hash chain over each stream's events, so any change to a stored event is detectable.
public enum EventChain {
    /// The `prev_hash` of a stream's first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// Hash of one event over its stored fields, each length-prefixed so no two field lists encode alike.
    public static func hash(
        previous: String, streamID: String, version: Int, name: String, occurredAt: String, actor: String,
        payload: String
    ) -> String {
        var canonical = ""
        for field in [previous, streamID, String(version), name, occurredAt, actor, payload] {
            canonical += "\(field.utf8.count):\(field)\n"
        }
        return Hex.encode(SHA256.hash(data: Data(canonical.utf8)))
    }

    /// One stored event as the chain sees it.
    public struct Link: Sendable {
        public var position: Int64
        public var streamID: String
        public var version: Int
        public var name: String
        public var occurredAt: String
        public var actor: String
        public var payload: String
        public var previousHash: String
        public var hash: String
        public init(
            position: Int64, streamID: String, version: Int, name: String, occurredAt: String, actor: String,
            payload: String, previousHash: String, hash: String
        ) {
            self.position = position
            self.streamID = streamID
            self.version = version
            self.name = name
            self.occurredAt = occurredAt
            self.actor = actor
            self.payload = payload
            self.previousHash = previousHash
            self.hash = hash
        }
    }

    /// Why a chain does not hold.
    public struct Break: Error, Sendable, Equatable, CustomStringConvertible {
        public var position: Int64
        public var streamID: String
        public var version: Int
        public var reason: String
        public var description: String {
            "stream \(streamID) version \(version) (position \(position)): \(reason)"
        }
    }

    /// Checks the links of one stream, in version order, and names the first that breaks.
    public static func verify(stream links: [Link]) -> Break? {
        var previous = genesis
        for (index, link) in links.enumerated() {
            func broken(_ reason: String) -> Break {
                Break(position: link.position, streamID: link.streamID, version: link.version, reason: reason)
            }
            if link.version != index + 1 { return broken("version \(link.version) where \(index + 1) was expected") }
            if link.previousHash != previous { return broken("prev_hash does not match the previous event's hash") }
            let expected = hash(
                previous: previous, streamID: link.streamID, version: link.version, name: link.name,
                occurredAt: link.occurredAt, actor: link.actor, payload: link.payload)
            if link.hash != expected { return broken("stored hash does not match the event's content") }
            previous = link.hash
        }
        return nil
    }
}
