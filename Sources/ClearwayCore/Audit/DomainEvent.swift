import Foundation

/// An event that can be stored in an event stream: a stable name, a payload, and when and by whom it happened.
public protocol DomainEvent: Sendable {
    var name: String { get }
    var at: Date { get }
    var by: Principal { get }
    func encodePayload(with encoder: JSONEncoder) throws -> Data
    init(name: String, payload: Data, decoder: JSONDecoder) throws
}

/// A stored event whose name this version of the code does not know.
public struct UnknownEventError: Error, Sendable {
    public var stream: String
    public var name: String
}

/// The one JSON shape events and snapshots are written in: sorted keys, ISO 8601 times with milliseconds.
public enum CanonicalJSON {
    /// Keys sorted (what hashes and fingerprints need); `sorted: false` for snapshots that are only ever decoded again,
    /// where sorting the keys of every object is a fifth of the encoding's cost.
    public static func encoder(sorted: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = sorted ? [.sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO 8601 time")
            }
            return date
        }
        return decoder
    }
}

/// Fixed-width UTC timestamps (`2026-11-29T14:24:02.123Z`) that sort as text on every database.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
