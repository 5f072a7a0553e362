@testable import ClearwayCore
import ClearwayTestSupport
import Foundation
import Testing

/// A value with every shape the encoder must write: each scalar type, text needing every escape, the four types
/// Foundation writes its own way, dictionaries keyed by text, by numbers and by other types, enums with payloads.
struct EveryShape: Codable, Equatable {
    enum Payload: Codable, Equatable {
        case none
        case one(String)
        case labelled(count: Int, at: Date?)
    }

    enum Colour: String, Codable { case red, green }

    struct Empty: Codable, Equatable {}

    var text: String
    var flag: Bool
    var int: Int, int8: Int8, int16: Int16, int32: Int32, int64: Int64
    var uint: UInt, uint8: UInt8, uint16: UInt16, uint32: UInt32, uint64: UInt64
    var doubles: [Double]
    var float: Float
    var decimal: Decimal
    var url: URL
    var data: Data
    var date: Date
    var optional: String?
    var missing: Int?
    var byText: [String: Int]
    var byNumber: [Int: String]
    var byColour: [Colour: Int]
    var nested: [[Int?]]
    var payloads: [Payload]
    var empty: Empty
    var zWrittenLast: Bool, aWrittenFirst: Bool

    static func sample(text: String) -> EveryShape {
        EveryShape(
            text: text, flag: true, int: -1_234_567_890_123, int8: .min, int16: .max, int32: -7, int64: .min,
            uint: .max, uint8: 255, uint16: 0, uint32: 4_000_000_000, uint64: .max,
            doubles: [0, -0.0, 1, 0.1, 1e21, 1e-7, 123_456_789_012_345_678, 5e-324, 1.797_693_134_862_315_7e308, 100, 1e16, 1e15, -2.5],
            float: 0.1, decimal: Decimal(string: "12.3400")!, url: URL(string: "https://x.org/a b?c=d/e")!,
            data: Data([1, 2, 3, 255]), date: Date(timeIntervalSince1970: 1_780_000_000.5), optional: "/path/",
            missing: nil, byText: ["b": 1, "B": 2, "a_": 3, "a": 4, "é": 5, "Z": 6, "aa": 7, "": 8],
            byNumber: [10: "ten", -1: "minus one", 2: "two"], byColour: [.red: 1, .green: 2], nested: [[1, nil], [], [3]],
            payloads: [.none, .one("x"), .labelled(count: 3, at: nil), .labelled(count: 4, at: Date(timeIntervalSince1970: 0))],
            empty: Empty(), zWrittenLast: false, aWrittenFirst: true)
    }
}

/// Writes its members out of order, across a nested container and a super encoder, as hand-written conformances may.
struct Interleaved: Encodable {
    enum Keys: String, CodingKey { case zeta, alpha, inner, list, `super`, parent }
    enum InnerKeys: String, CodingKey { case y, x }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(1, forKey: .zeta)
        var inner = container.nestedContainer(keyedBy: InnerKeys.self, forKey: .inner)
        var list = container.nestedUnkeyedContainer(forKey: .list)
        try container.encode("a", forKey: .alpha)
        try inner.encode(true, forKey: .y)
        try list.encode(2)
        var element = list.nestedContainer(keyedBy: InnerKeys.self)
        try list.encode(3)
        try element.encode("later", forKey: .x)
        try inner.encode(false, forKey: .x)
        try "from a super encoder".encode(to: container.superEncoder())
        var parent = container.superEncoder(forKey: .parent).container(keyedBy: InnerKeys.self)
        try parent.encode(9, forKey: .y)
    }
}

@Suite("Canonical JSON")
struct CanonicalJSONEncoderTests {
    static var everyCharacter: String {
        var text = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self)
        text += "é中\u{2028}\u{2029}😀\u{FEFF}"
        return text
    }

    @Test("every shape of value is written byte for byte as Foundation's encoder writes it, keys sorted")
    func everyShape() throws {
        let value = EveryShape.sample(text: Self.everyCharacter)
        let ours = String(decoding: try CanonicalJSON.encoder().encode(value), as: UTF8.self)
        let foundation = String(decoding: try CanonicalJSON.foundationEncoder().encode(value), as: UTF8.self)
        #expect(ours == foundation)
    }

    @Test("a snapshot's keys in writing order decode to the same value")
    func unsortedRoundTrip() throws {
        let value = EveryShape.sample(text: Self.everyCharacter)
        let unsorted = try CanonicalJSON.encoder(sorted: false).encode(value)
        let text = String(decoding: unsorted, as: UTF8.self)
        #expect(text.hasPrefix(#"{"text":"#))
        #expect(text.hasSuffix(#""zWrittenLast":false,"aWrittenFirst":true}"#))
        let decoded = try CanonicalJSON.decoder().decode(EveryShape.self, from: unsorted)
        #expect(decoded == value)
    }

    @Test("members written out of order, into nested containers and super encoders, come out where Foundation puts them")
    func interleavedContainers() throws {
        let ours = String(decoding: try CanonicalJSON.encoder().encode(Interleaved()), as: UTF8.self)
        let foundation = String(decoding: try CanonicalJSON.foundationEncoder().encode(Interleaved()), as: UTF8.self)
        #expect(ours == foundation)
        #expect(ours == #"{"alpha":"a","inner":{"x":false,"y":true},"list":[2,{"x":"later"},3],"parent":{"y":9},"super":"from a super encoder","zeta":1}"#)
    }

    @Test("every event and state of random declaration lifecycles is written as Foundation writes it", arguments: Procedure.allCases)
    func declarationLifecycles(procedure: Procedure) throws {
        var rng = SplitMix64(state: 17 &+ UInt64(procedure.rawValue.utf8.count))
        let ours = CanonicalJSON.encoder(), foundation = CanonicalJSON.foundationEncoder()
        var compared = 0
        for _ in 0..<25 {
            var flow = try Flow {
                $0.procedure = procedure.rawValue
                $0.direction = procedure.directions.contains(.export) ? "export" : "import"
                $0.containers = InterleavingPropertyTests.boxes.map { ContainerForm(number: $0, seals: ["S-1"]) }
                if procedure != .serial { $0.transport = TransportForm(mode: "2", means: nil, voyage: nil) }
            }
            for step in InterleavingPropertyTests.steps(&rng) {
                switch step {
                case .customs(let command): _ = try? flow.run(command)
                case .port(let kind, let box, let shipSide, let tally, let manifest):
                    _ = try? flow.port(kind, box, shipSide: shipSide, tally: tally, manifest: manifest)
                }
            }
            for event in flow.events {
                let (a, b) = (try event.encodePayload(with: ours), try event.encodePayload(with: foundation))
                #expect(a == b, "\(event.name): \(String(decoding: a, as: UTF8.self))")
                compared += 1
            }
            let (a, b) = (try ours.encode(flow.state), try foundation.encode(flow.state))
            #expect(a == b, "state: \(String(decoding: a, as: UTF8.self))")
            let unsorted = try CanonicalJSON.encoder(sorted: false).encode(flow.state)
            #expect(try CanonicalJSON.decoder().decode(Declaration.State.self, from: unsorted) == flow.state)
        }
        #expect(compared > 100, "the lifecycles produced too few events to mean anything")
    }

    @Test("a draft encoded before is written as the same bytes in every event and state that holds it; another draft is encoded afresh")
    func reusedDraft() throws {
        let flow = try Flow { _ in }
        let draft = try #require(flow.state.draft)
        let plain = CanonicalJSON.encoder(), reusing = CanonicalJSON.encoder(reusing: [try EncodedValue(draft)])
        for event in flow.events {
            let (a, b) = (try event.encodePayload(with: reusing), try event.encodePayload(with: plain))
            #expect(a == b, "\(event.name): \(String(decoding: a, as: UTF8.self))")
        }
        let (state, expected) = (try reusing.encode(flow.state), try plain.encode(flow.state))
        #expect(state == expected)
        // In a snapshot that does not sort its keys, the draft's sorted bytes decode to the same value.
        let unsorted = try CanonicalJSON.encoder(sorted: false, reusing: [try EncodedValue(draft)]).encode(flow.state)
        #expect(try CanonicalJSON.decoder().decode(Declaration.State.self, from: unsorted) == flow.state)
        var amended = flow.state
        amended.draft?.billOfLading = "AMENDED-1"
        let (other, otherExpected) = (try reusing.encode(amended), try plain.encode(amended))
        #expect(other == otherExpected && other != expected)
    }

    @Test("times are written as the ISO 8601 format style writes them, milliseconds truncated, across the years 1601 to 9999")
    func timestamps() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
        var rng = SplitMix64(state: 2026)
        var instants: [Double] = [
            0, 0.9996, 0.9994, 0.0005, -0.0004, -0.0006, -1.5, 1_764_500_000.123, 1_764_500_000.9999,
            951_782_400, 951_868_799.999, 4_107_542_400, -11_644_473_600, -11_644_473_600.001, 253_402_300_799.999,
            253_402_300_800, -62_135_596_800, -1e12, 1e13,
        ]
        for _ in 0..<20_000 { instants.append(Double.random(in: -11_644_473_600...253_402_300_799, using: &rng)) }
        for _ in 0..<5_000 { instants.append(Double(Int.random(in: 0...4_000_000_000, using: &rng)) + Double(Int.random(in: 0...999, using: &rng)) / 1000) }
        var differing: [String] = []
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            let (ours, theirs) = (Timestamp.format(date), date.formatted(style))
            if ours != theirs { differing.append("\(instant): \(ours) ≠ \(theirs)") }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    @Test("times are read as the ISO 8601 format style reads them, in UTC and at an offset, with and without milliseconds")
    func timestampsRead() {
        func foundation(_ text: String) -> Date? {
            (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
        }
        func pad(_ value: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        var rng = SplitMix64(state: 1129)
        var texts = [
            "2026-11-29T14:24:02.123Z", "2026-11-29T14:24:02Z", "2026-05-28T10:00:00+08:00", "2026-05-28T10:00:00.999-05:30",
            "1601-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2024-02-29T12:00:00Z", "2000-02-29T00:00:00.001+14:00",
            // Not a date, or not one of the forms read by hand: the style decides, and both must agree.
            "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T14:24:60Z", "2026-11-29 14:24:02Z",
            "2026-11-29T14:24:02.12Z", "2026-11-29T14:24:02.1234Z", "2026-11-29T14:24:02", "1582-10-04T00:00:00Z", "2026-11-29",
            "２026-11-29T14:24:02Z", "",
        ]
        for _ in 0..<20_000 {
            let year = Int.random(in: 1601...9999, using: &rng), month = Int.random(in: 1...12, using: &rng)
            let day = Int.random(in: 1...31, using: &rng), second = Int.random(in: 0...86_399, using: &rng)
            var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2))"
            if Bool.random(using: &rng) { text += "." + pad(Int.random(in: 0...999, using: &rng), 3) }
            if Bool.random(using: &rng) {
                text += "Z"
            } else {
                let minutes = Int.random(in: 0...(14 * 60), using: &rng)
                text += (Bool.random(using: &rng) ? "+" : "-") + pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2)
            }
            texts.append(text)
        }
        // The same instant to within a few doubles (where Foundation's writes back as the millisecond before; a double
        // is 30 µs apart in the year 9999), or refused by both.
        let differing = texts.filter { text in
            switch (Timestamp.parse(text), foundation(text)) {
            case (nil, nil): false
            case (let ours?, let theirs?): abs(ours.timeIntervalSince(theirs)) > 1e-4
            default: true
            }
        }
        let (count, first) = (differing.count, differing.prefix(3).map { "\($0): \(String(describing: Timestamp.parse($0))) ≠ \(String(describing: foundation($0)))" })
        #expect(count == 0, "\(first)")
    }

    @Test("a time read from the text it was written as writes that text again, every millisecond of a second, 1601 to 9999")
    func timestampsRoundTrip() {
        var rng = SplitMix64(state: 3339)
        var drifted: [String] = []
        for _ in 0..<40 {
            let base = Timestamp.format(Date(timeIntervalSince1970: Double(Int.random(in: -11_644_473_600...253_402_300_000, using: &rng))))
            for millisecond in 0..<1000 {
                var text = String(base.prefix(20))
                text += String(String(1000 + millisecond).suffix(3)) + "Z"
                if let date = Timestamp.parse(text), Timestamp.format(date) != text { drifted.append("\(text) → \(Timestamp.format(date))") }
                // At an offset too: the same instant, written in UTC.
                let shifted = String(text.dropLast()) + "+08:00"
                if let date = Timestamp.parse(shifted), let utc = Timestamp.parse(text), date.timeIntervalSince(utc) != -8 * 3600 {
                    drifted.append("\(shifted) is not 8 hours before \(text)")
                }
            }
        }
        let (count, first) = (drifted.count, drifted.prefix(3))
        #expect(count == 0, "\(first)")
    }

    @Test("a snapshot decoded and encoded again keeps its times to the millisecond")
    func snapshotTimesKept() throws {
        struct Stamped: Codable { var at: [Date] }
        let text = #"{"at":["# + (0..<1000).map { #""2026-11-29T14:24:02.\#(String(String(1000 + $0).suffix(3)))Z""# }.joined(separator: ",") + "]}"
        let decoded = try CanonicalJSON.decoder().decode(Stamped.self, from: Data(text.utf8))
        let again = try CanonicalJSON.encoder().encodeToString(decoded)
        #expect(again == text)
    }

    @Test("nothing of an encoding outlives it: the writer and the encoders it kept for reuse are freed")
    func nothingRetained() throws {
        weak var released: JSONByteWriter?
        do {
            let writer = JSONByteWriter(sortsKeys: true)
            released = writer
            try writer.write(EveryShape.sample(text: "x"), path: .root)
            try writer.write(Interleaved(), path: .root)
        }
        #expect(released == nil)
    }

    @Test("a number JSON cannot hold is refused with where it was, and a value that writes nothing is refused")
    func refusals() throws {
        struct Reading: Encodable { var values: [Double] }
        #expect {
            try CanonicalJSON.encoder().encode(Reading(values: [1, .nan]))
        } throws: { error in
            guard case EncodingError.invalidValue(_, let context) = error else { return false }
            return context.codingPath.map(\.stringValue) == ["values", "Index 1"]
        }
        struct Silent: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(throws: EncodingError.self) { try CanonicalJSON.encoder().encode(Silent()) }
        #expect(String(decoding: try CanonicalJSON.encoder().encode([Silent()]), as: UTF8.self) == "[{}]")
    }
}
