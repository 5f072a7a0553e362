import Foundation

/// Writes `Encodable` values as JSON in one pass over the value: byte for byte what Foundation's `JSONEncoder` writes
/// with `CanonicalJSON`'s options (keys sorted by their UTF-8 bytes, slashes unescaped, times as `Timestamp`), without
/// the tree of dictionaries Foundation builds first — on the intake path that tree was the largest single cost.
public struct CanonicalJSONEncoder: Sendable {
    /// Sorted keys are what hashes and fingerprints need; snapshots that are only decoded again keep the order in
    /// which the value wrote its keys.
    public var sortsKeys: Bool
    /// Values already encoded, written as their bytes wherever an equal value of their type comes up.
    public var reusing: [EncodedValue]

    public init(sortsKeys: Bool = true, reusing: [EncodedValue] = []) {
        self.sortsKeys = sortsKeys
        self.reusing = reusing
    }

    public func encode<T: Encodable>(_ value: T) throws -> Data {
        Data(try bytes(of: value))
    }

    /// The JSON as text, for columns that hold it as text.
    public func encodeToString<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try bytes(of: value), as: UTF8.self)
    }

    func bytes<T: Encodable>(of value: T) throws -> [UInt8] {
        let writer = JSONByteWriter(sortsKeys: sortsKeys, reusing: reusing)
        guard try writer.write(value, path: .root) else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return writer.output
    }
}

/// A value encoded once as canonical JSON (keys sorted), which an encoder given it writes as those bytes wherever it
/// meets an equal value of the same type instead of encoding it again: a declaration's draft, encoded before the
/// writer's turn, goes into its events and its snapshot in it. Sorted bytes serve a document that does not sort too.
public struct EncodedValue: Sendable {
    fileprivate let type: ObjectIdentifier
    fileprivate let isEqual: @Sendable (Any) -> Bool
    fileprivate let bytes: [UInt8]

    public init<T: Encodable & Equatable & Sendable>(_ value: T) throws {
        type = ObjectIdentifier(T.self)
        isEqual = { ($0 as? T) == value }
        bytes = try CanonicalJSONEncoder().bytes(of: value)
    }
}

/// What writes an `Encodable` as JSON: the canonical encoder, and Foundation's it is held to.
public protocol JSONEncoding {
    func encode<T: Encodable>(_ value: T) throws -> Data
}

extension CanonicalJSONEncoder: JSONEncoding {}
extension JSONEncoder: JSONEncoding {}

/// The output of one value and what every container writing into it shares.
final class JSONByteWriter {
    // The writer and its encoders belong to one encoding on one thread, and no access to a property overlaps another
    // of the same: the runtime's exclusivity check on each (a tenth of an event's encoding) is left out.
    @exclusivity(unchecked) var output: [UInt8] = []
    let sortsKeys: Bool
    let reusing: [EncodedValue]
    /// The members of every open object and array, innermost last: a value's members are finished before its
    /// parent writes the next, so each aggregate's members are a suffix of this stack.
    @exclusivity(unchecked) var members: [JSONMember] = []
    /// Reused while an object is put in key order.
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    /// Encoders of finished values, reused rather than allocated for every value.
    @exclusivity(unchecked) private var spare: [JSONValueEncoder] = []

    init(sortsKeys: Bool, reusing: [EncodedValue] = []) {
        self.sortsKeys = sortsKeys
        self.reusing = reusing
        output.reserveCapacity(512)
    }

    /// Writes a value at the end of the output; false when it wrote nothing at all.
    @discardableResult
    func write<T: Encodable>(_ value: T, path: JSONCodingPath) throws -> Bool {
        // Foundation writes these four in a form of its own rather than through their `Codable` conformances.
        if T.self == Date.self {
            output.append(UInt8(ascii: "\""))
            Timestamp.append(value as! Date, to: &output)
            output.append(UInt8(ascii: "\""))
        } else if T.self == Data.self {
            writeString((value as! Data).base64EncodedString())
        } else if T.self == URL.self {
            writeString((value as! URL).absoluteString)
        } else if T.self == Decimal.self {
            writeASCII((value as! Decimal).description)
        } else if !reusing.isEmpty, let known = reusing.first(where: { $0.type == ObjectIdentifier(T.self) }), known.isEqual(value) {
            output.append(contentsOf: known.bytes)
        } else {
            var encoder = spare.popLast() ?? JSONValueEncoder(writer: self, path: path)
            encoder.writer = self
            encoder.path = path
            try value.encode(to: encoder)
            let wrote = try encoder.finish()
            // Kept for the next value unless the value held on to it; values nest, so a few serve a whole document.
            encoder.reset()
            if isKnownUniquelyReferenced(&encoder) { spare.append(encoder) }
            return wrote
        }
        return true
    }

    func writeASCII(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    func writeInteger<I: BinaryInteger>(_ value: I) {
        if let small = Int64(exactly: value), small != .min {
            writeInt64(small)
        } else {
            writeASCII(value.description)
        }
    }

    private func writeInt64(_ value: Int64) {
        if value == 0 { output.append(UInt8(ascii: "0")); return }
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 0
        var probe = magnitude
        while probe > 0 { digits += 1; probe /= 10 }
        let end = output.count + digits
        output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var index = end - 1
        while magnitude > 0 {
            output[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        }
    }

    func writeFloat<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F, path: JSONCodingPath) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: path.keys, debugDescription: "Unable to encode \(F.self).\(value) directly in JSON."))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        writeASCII(text)
    }

    func writeBool(_ value: Bool) {
        output.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    func writeNull() {
        output.append(contentsOf: "null".utf8)
    }

    func writeString(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            output.append(UInt8(ascii: "\""))
            var clean = 0  // start of the run of bytes that need no escape
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if clean < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<index])) }
                clean = index + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            if clean < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean...])) }
            output.append(UInt8(ascii: "\""))
        }
    }

    /// Puts the members above `base` (an object's, from `start` in the output) in key order, stably.
    func reorder(from start: Int, membersFrom base: Int, keyed: Bool) throws {
        let open = keyed ? UInt8(ascii: "{") : UInt8(ascii: "[")
        if keyed && sortsKeys {
            for index in (base + 1)..<max(base + 1, members.count) {
                let member = members[index]
                var slot = index
                while slot > base, member.key!.utf8.lexicographicallyPrecedes(members[slot - 1].key!.utf8) {
                    members[slot] = members[slot - 1]
                    slot -= 1
                }
                members[slot] = member
            }
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: output[start...])
        output.removeSubrange(start...)
        output.append(open)
        for index in base..<members.count {
            if index > base { output.append(UInt8(ascii: ",")) }
            let member = members[index]
            if let deferred = member.deferred {
                if let key = member.key {
                    writeString(key)
                    output.append(UInt8(ascii: ":"))
                }
                output.append(contentsOf: try deferred())
            } else {
                output.append(contentsOf: scratch[(member.range.lowerBound - start)..<(member.range.upperBound - start)])
            }
        }
    }
}

/// One member of an object or array: where its bytes are, or, for a member written into a writer of its own
/// (nested containers, super encoders), how to collect them when its aggregate closes.
struct JSONMember {
    var key: String?
    var range: Range<Int>
    var deferred: (() throws -> [UInt8])?
}

/// The `Encoder` one value is handed; what it asks for decides whether it writes an object, an array or a scalar,
/// and it is that object or array while the value writes its members.
final class JSONValueEncoder: Encoder {
    /// Set while the encoder writes a value; a spare encoder holds no writer, so the writer's spares form no cycle.
    @exclusivity(unchecked) fileprivate(set) var writer: JSONByteWriter!
    @exclusivity(unchecked) fileprivate(set) var path: JSONCodingPath
    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    private enum Shape { case unknown, keyed, unkeyed, scalar }
    @exclusivity(unchecked) private var shape = Shape.unknown
    @exclusivity(unchecked) private var start = 0, base = 0
    @exclusivity(unchecked) private var inOrder = true, hasDeferred = false
    @exclusivity(unchecked) private var lastKey: String?

    init(writer: JSONByteWriter, path: JSONCodingPath) {
        self.writer = writer
        self.path = path
    }

    /// Forgets the finished value, and with it the path that holds its parent.
    fileprivate func reset() {
        writer = nil
        path = .root
        shape = .unknown
        inOrder = true
        hasDeferred = false
        lastKey = nil
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        open(.keyed)
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        open(.unkeyed)
        return JSONUnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        precondition(shape == .unknown || shape == .scalar, "a value asked for a single-value container after a keyed or unkeyed one")
        return JSONSingleValueContainer(encoder: self)
    }

    private func open(_ wanted: Shape) {
        if shape == wanted { return }
        precondition(shape == .unknown, "a value asked for containers of two kinds")
        shape = wanted
        start = writer.output.count
        base = writer.members.count
        writer.output.append(wanted == .keyed ? UInt8(ascii: "{") : UInt8(ascii: "["))
    }

    func willWriteScalar() throws {
        guard shape == .unknown else {
            throw EncodingError.invalidValue(
                (), .init(codingPath: path.keys, debugDescription: "a single-value container was written twice"))
        }
        shape = .scalar
    }

    /// Writes one member in place: the separator, the key when keyed, then whatever `value` writes.
    func member(key: String?, _ value: (JSONByteWriter) throws -> Void) rethrows {
        note(key)
        if writer.members.count > base { writer.output.append(UInt8(ascii: ",")) }
        let memberStart = writer.output.count
        if let key {
            writer.writeString(key)
            writer.output.append(UInt8(ascii: ":"))
        }
        try value(writer)
        writer.members.append(JSONMember(key: key, range: memberStart..<writer.output.count))
    }

    /// A member whose bytes come later, from a writer of its own.
    private func deferredMember(key: String?, _ bytes: @escaping () throws -> [UInt8]) {
        note(key)
        hasDeferred = true
        writer.members.append(JSONMember(key: key, range: 0..<0, deferred: bytes))
    }

    private func note(_ key: String?) {
        guard let key, writer.sortsKeys else { return }
        if inOrder, let lastKey, !lastKey.utf8.lexicographicallyPrecedes(key.utf8) { inOrder = false }
        lastKey = key
    }

    /// A nested container's encoder, writing into a writer of its own so that its members and this value's may
    /// interleave.
    func nested(key: String?, path: JSONCodingPath, keyed: Bool) -> JSONValueEncoder {
        let nested = JSONValueEncoder(writer: JSONByteWriter(sortsKeys: writer.sortsKeys, reusing: writer.reusing), path: path)
        nested.open(keyed ? .keyed : .unkeyed)
        deferredMember(key: key) {
            _ = try nested.finish()
            return nested.writer.output
        }
        return nested
    }

    /// An encoder for a member written later (`superEncoder`).
    func deferredEncoder(key: String?, path: JSONCodingPath) -> any Encoder {
        let encoder = JSONValueEncoder(writer: JSONByteWriter(sortsKeys: writer.sortsKeys, reusing: writer.reusing), path: path)
        deferredMember(key: key) {
            if try !encoder.finish() { encoder.writer.output = Array("{}".utf8) }
            return encoder.writer.output
        }
        return encoder
    }

    /// Closes what the value opened; false when it wrote nothing (Foundation then writes `{}` for a nested value).
    func finish() throws -> Bool {
        switch shape {
        case .unknown: return false
        case .scalar: return true
        case .keyed, .unkeyed:
            if !inOrder || hasDeferred {
                try writer.reorder(from: start, membersFrom: base, keyed: shape == .keyed)
            }
            writer.output.append(shape == .keyed ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            writer.members.removeSubrange(base...)
            return true
        }
    }
}

/// Where a value sits: its key and the encoder of what holds it. The array of keys is built only when asked for.
struct JSONCodingPath {
    static var root: JSONCodingPath { JSONCodingPath(key: nil, parent: nil) }

    let key: (any CodingKey)?
    let parent: JSONValueEncoder?

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node: JSONCodingPath? = self
        while let current = node, let key = current.key {
            keys.append(key)
            node = current.parent?.path
        }
        return keys.reversed()
    }
}

/// A key used where the caller gave none: a super encoder's, an array element's.
struct JSONIndexKey: CodingKey {
    let intValue: Int?
    private let text: String?
    var stringValue: String { text ?? "Index \(intValue ?? 0)" }
    init(stringValue: String) {
        text = stringValue
        intValue = nil
    }
    init(intValue: Int) {
        text = nil
        self.intValue = intValue
    }
}

struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.path.keys }

    init(encoder: JSONValueEncoder) {
        self.encoder = encoder
    }

    private func path(_ key: Key) -> JSONCodingPath { JSONCodingPath(key: key, parent: encoder) }

    mutating func encodeNil(forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeNull() } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeBool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeString(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try encoder.member(key: key.stringValue) { try $0.writeFloat(value, path: path(key)) }
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try encoder.member(key: key.stringValue) { try $0.writeFloat(value, path: path(key)) }
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { encoder.member(key: key.stringValue) { $0.writeInteger(value) } }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let path = path(key)
        try encoder.member(key: key.stringValue) { if try !$0.write(value, path: path) { $0.writeASCII("{}") } }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(encoder: encoder.nested(key: key.stringValue, path: path(key), keyed: true)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONUnkeyedContainer(encoder: encoder.nested(key: key.stringValue, path: path(key), keyed: false))
    }

    mutating func superEncoder() -> any Encoder {
        encoder.deferredEncoder(key: "super", path: JSONCodingPath(key: JSONIndexKey(stringValue: "super"), parent: encoder))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.deferredEncoder(key: key.stringValue, path: path(key))
    }
}

struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.path.keys }
    private(set) var count = 0

    init(encoder: JSONValueEncoder) {
        self.encoder = encoder
    }

    private var nextPath: JSONCodingPath { JSONCodingPath(key: JSONIndexKey(intValue: count), parent: encoder) }

    private mutating func member(_ value: (JSONByteWriter) throws -> Void) rethrows {
        try encoder.member(key: nil, value)
        count += 1
    }

    mutating func encodeNil() throws { member { $0.writeNull() } }
    mutating func encode(_ value: Bool) throws { member { $0.writeBool(value) } }
    mutating func encode(_ value: String) throws { member { $0.writeString(value) } }
    mutating func encode(_ value: Double) throws { let path = nextPath; try member { try $0.writeFloat(value, path: path) } }
    mutating func encode(_ value: Float) throws { let path = nextPath; try member { try $0.writeFloat(value, path: path) } }
    mutating func encode(_ value: Int) throws { member { $0.writeInteger(value) } }
    mutating func encode(_ value: Int8) throws { member { $0.writeInteger(value) } }
    mutating func encode(_ value: Int16) throws { member { $0.writeInteger(value) } }
    mutating func encode(_ value: Int32) throws { member { $0.writeInteger(value) } }
    mutating func encode(_ value: Int64) throws { member { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt) throws { member { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt8) throws { member { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt16) throws { member { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt32) throws { member { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt64) throws { member { $0.writeInteger(value) } }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = nextPath
        try member { if try !$0.write(value, path: path) { $0.writeASCII("{}") } }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        defer { count += 1 }
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(encoder: encoder.nested(key: nil, path: nextPath, keyed: true)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        defer { count += 1 }
        return JSONUnkeyedContainer(encoder: encoder.nested(key: nil, path: nextPath, keyed: false))
    }

    mutating func superEncoder() -> any Encoder {
        defer { count += 1 }
        return encoder.deferredEncoder(key: nil, path: nextPath)
    }
}

struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.path.keys }
    private var writer: JSONByteWriter { encoder.writer }

    mutating func encodeNil() throws { try encoder.willWriteScalar(); writer.writeNull() }
    mutating func encode(_ value: Bool) throws { try encoder.willWriteScalar(); writer.writeBool(value) }
    mutating func encode(_ value: String) throws { try encoder.willWriteScalar(); writer.writeString(value) }
    mutating func encode(_ value: Double) throws { try encoder.willWriteScalar(); try writer.writeFloat(value, path: encoder.path) }
    mutating func encode(_ value: Float) throws { try encoder.willWriteScalar(); try writer.writeFloat(value, path: encoder.path) }
    mutating func encode(_ value: Int) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try encoder.willWriteScalar(); writer.writeInteger(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.willWriteScalar()
        if try !writer.write(value, path: encoder.path) { writer.writeASCII("{}") }
    }
}
