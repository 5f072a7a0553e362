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
        var text = text
        if let date = text.withUTF8(read) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// Reads the forms the platform writes and exchanges — `YYYY-MM-DDThh:mm:ss`, optionally `.sss`, then `Z` or
    /// `±hh:mm` — by hand (every stored row and message carries times, and the style costs microseconds each), to the
    /// `Date` the format style gives or the next one up that writes the same text; nil for anything else, which the
    /// style then reads, or refuses.
    private static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 20 || bytes.count == 24 || bytes.count == 25 || bytes.count == 29 else { return nil }
        func number(_ offset: Int, _ width: Int) -> Int? {
            var value = 0
            for index in offset..<offset + width {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              // Outside these the style's calendar (Julian before 1582) or its leniency would give another answer.
              (1601...9999).contains(year), (1...12).contains(month), day >= 1, day <= ChinaTime.daysIn(month: month, of: year),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var at = 19
        var milliseconds = 0
        if bytes[at] == UInt8(ascii: ".") {
            guard let fraction = number(at + 1, 3) else { return nil }
            milliseconds = fraction
            at += 4
        }
        var offset = 0
        switch bytes[at] {
        case UInt8(ascii: "Z") where at + 1 == bytes.count:
            break
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard at + 6 == bytes.count, bytes[at + 3] == UInt8(ascii: ":"), let hours = number(at + 1, 2), let minutes = number(at + 4, 2),
                  hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[at] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        let days = ChinaTime.daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset - 978_307_200
        // The sum the style makes (whole seconds, then the milliseconds over a thousand) is often the double just
        // below the millisecond, which writes as the one before it: a time read and written again would lose a
        // millisecond each time (a snapshot's times, rewritten with every change). The nearest double at or above it
        // writes as it was read.
        var reference = Double(seconds) + Double(milliseconds) / 1000
        while Int((reference - reference.rounded(.down)) * 1000) < milliseconds, reference.rounded(.down) == Double(seconds) {
            reference = reference.nextUp
        }
        return Date(timeIntervalSinceReferenceDate: reference)
    }
}
