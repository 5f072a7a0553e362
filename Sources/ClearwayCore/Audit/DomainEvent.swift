import Foundation

/// An event that can be stored in an event stream: a stable name, a payload, and when and by whom it happened.
public protocol DomainEvent: Sendable {
    var name: String { get }
    var at: Date { get }
    var by: Principal { get }
    func encodePayload(with encoder: some JSONEncoding) throws -> Data
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
    public static func encoder(sorted: Bool = true, reusing: [EncodedValue] = []) -> CanonicalJSONEncoder {
        CanonicalJSONEncoder(sortsKeys: sorted, reusing: reusing)
    }

    /// Foundation's encoder with the same options: the reference `CanonicalJSONEncoder` is held to, and the encoder
    /// for APIs that take a `JSONEncoder`.
    public static func foundationEncoder(sorted: Bool = true) -> JSONEncoder {
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
        let text = String(unsafeUninitializedCapacity: width) { write(date, into: $0) ? width : 0 }
        return text.isEmpty ? date.formatted(style) : text
    }

    /// Appends the timestamp's UTF-8 to `bytes` without making a string on the way.
    static func append(_ date: Date, to bytes: inout [UInt8]) {
        let end = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: width))
        let written = bytes.withUnsafeMutableBufferPointer { write(date, into: UnsafeMutableBufferPointer(rebasing: $0[end...])) }
        if !written {
            bytes.removeLast(width)
            bytes.append(contentsOf: date.formatted(style).utf8)
        }
    }

    private static let width = 24

    /// Writes the 24 characters by hand — every event and snapshot carries times, and the format style costs
    /// microseconds each; false outside 1601–9999, where Foundation's calendar (Julian before 1582) and widths differ.
    private static func write(_ date: Date, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let reference = date.timeIntervalSinceReferenceDate
        let seconds = reference.rounded(.down)
        guard seconds >= -12_622_780_800, seconds < 252_423_993_600 else { return false }
        // The milliseconds truncated from the reference date's fraction, as the format style takes them.
        let millisecond = min(999, Int((reference - seconds) * 1000))
        let whole = Int(seconds) + 978_307_200
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let second = whole - days * 86_400
        let (year, month, day) = ChinaTime.gregorian(daysSince1970: days)
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, 4, at: 0)
        buffer[4] = UInt8(ascii: "-")
        put(month, 2, at: 5)
        buffer[7] = UInt8(ascii: "-")
        put(day, 2, at: 8)
        buffer[10] = UInt8(ascii: "T")
        put(second / 3600, 2, at: 11)
        buffer[13] = UInt8(ascii: ":")
        put(second / 60 % 60, 2, at: 14)
        buffer[16] = UInt8(ascii: ":")
        put(second % 60, 2, at: 17)
        buffer[19] = UInt8(ascii: ".")
        put(millisecond, 3, at: 20)
        buffer[23] = UInt8(ascii: "Z")
        return true
    }

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)

    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
