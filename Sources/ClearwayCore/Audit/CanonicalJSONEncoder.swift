import Foundation

/// Writes `Encodable` values as JSON in one pass over the value: byte for byte what Foundation's `JSONEncoder` writes
/// with `CanonicalJSON`'s options (keys sorted by their UTF-8 bytes, slashes unescaped, times as `Timestamp`), without
/// the tree of dictionaries Foundation builds first — on the intake path that tree was the largest single cost.
public struct CanonicalJSONEncoder: Sendable {
    /// Sorted keys are what hashes and fingerprints need; snapshots that are only decoded again keep the order in
    /// which the value wrote its keys.
    public var sortsKeys: Bool

    public init(sortsKeys: Bool = true) {
        self.sortsKeys = sortsKeys
    }

    public func encode<T: Encodable>(_ value: T) throws -> Data {
        Data(try bytes(of: value))
    }

    /// The JSON as text, for columns that hold it as text.
    public func encodeToString<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try bytes(of: value), as: UTF8.self)
    }

    func bytes<T: Encodable>(of value: T) throws -> [UInt8] {
        let writer = JSONByteWriter(sortsKeys: sortsKeys)
        guard try writer.write(value, path: .root) else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return writer.output
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
    var output: [UInt8] = []
    let sortsKeys: Bool

    init(sortsKeys: Bool) {
        self.sortsKeys = sortsKeys
        output.reserveCapacity(256)
    }

    /// Writes a value at the end of the output; false when it wrote nothing at all.
    @discardableResult
    func write<T: Encodable>(_ value: T, path: JSONCodingPath) throws -> Bool {
        // Foundation writes these four in a form of its own rather than through their `Codable` conformances.
        if T.self == Date.self {
            writeString(Timestamp.format(value as! Date))
        } else if T.self == Data.self {
            writeString((value as! Data).base64EncodedString())
        } else if T.self == URL.self {
            writeString((value as! URL).absoluteString)
        } else if T.self == Decimal.self {
            writeASCII((value as! Decimal).description)
        } else {
            let encoder = JSONValueEncoder(writer: self, path: path)
            try value.encode(to: encoder)
            return try encoder.finish()
        }
        return true
    }

    func writeASCII(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    func writeInteger<I: BinaryInteger>(_ value: I) {
        if let small = Int64(exactly: value) {
            writeInt64(small)
        } else {
            writeASCII(value.description)
        }
    }

    private func writeInt64(_ value: Int64) {
        if value == 0 { output.append(UInt8(ascii: "0")); return }
        if value == .min { writeASCII(value.description); return }
        var magnitude = value < 0 ? -value : value
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 19 digits without a heap allocation
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
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
}

/// The `Encoder` one value is handed; what it asks for decides whether it writes an object, an array or a scalar.
final class JSONValueEncoder: Encoder {
    let writer: JSONByteWriter
    let path: JSONCodingPath
    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    private var aggregate: JSONAggregate?
    private var wroteScalar = false

    init(writer: JSONByteWriter, path: JSONCodingPath) {
        self.writer = writer
        self.path = path
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(JSONKeyedContainer<Key>(aggregate: open(keyed: true), path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONUnkeyedContainer(aggregate: open(keyed: false), path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        precondition(aggregate == nil, "a value asked for a single-value container after a keyed or unkeyed one")
        return JSONSingleValueContainer(encoder: self)
    }

    private func open(keyed: Bool) -> JSONAggregate {
        if let aggregate {
            precondition(aggregate.keyed == keyed, "a value asked for both a keyed and an unkeyed container")
            return aggregate
        }
        precondition(!wroteScalar, "a value asked for a container after writing a single value")
        let opened = JSONAggregate(writer: writer, keyed: keyed)
        aggregate = opened
        return opened
    }

    func willWriteScalar(_ path: JSONCodingPath) throws {
        guard !wroteScalar else {
            throw EncodingError.invalidValue(
                (), .init(codingPath: path.keys, debugDescription: "a single-value container was written twice"))
        }
        wroteScalar = true
    }

    /// Closes what the value opened; false when it wrote nothing (Foundation then writes `{}` for a nested value).
    func finish() throws -> Bool {
        if let aggregate {
            try aggregate.close()
            return true
        }
        return wroteScalar
    }
}

/// An object or array being written: its members' places in the output, and members written elsewhere (nested
/// containers, super encoders) that join it when it closes.
final class JSONAggregate {
    struct Member {
        var key: String?
        var range: Range<Int>
        /// Set for a member written into a writer of its own; it is collected when the aggregate closes.
        var deferred: (() throws -> [UInt8])?
    }

    let writer: JSONByteWriter
    let keyed: Bool
    let start: Int
    private var members: [Member] = []
    private var inOrder = true
    private var hasDeferred = false

    init(writer: JSONByteWriter, keyed: Bool) {
        self.writer = writer
        self.keyed = keyed
        start = writer.output.count
        writer.output.append(keyed ? UInt8(ascii: "{") : UInt8(ascii: "["))
    }

    /// Writes one member in place: the separator, the key when keyed, then whatever `value` writes.
    func member(key: String?, _ value: () throws -> Void) rethrows {
        note(key)
        if !members.isEmpty { writer.output.append(UInt8(ascii: ",")) }
        let memberStart = writer.output.count
        if let key {
            writer.writeString(key)
            writer.output.append(UInt8(ascii: ":"))
        }
        try value()
        members.append(Member(key: key, range: memberStart..<writer.output.count))
    }

    /// A member whose bytes come later, from a writer of its own.
    func deferredMember(key: String?, _ bytes: @escaping () throws -> [UInt8]) {
        note(key)
        hasDeferred = true
        members.append(Member(key: key, range: 0..<0, deferred: bytes))
    }

    private func note(_ key: String?) {
        guard keyed, writer.sortsKeys, inOrder, let key, let last = members.last?.key else { return }
        if !last.utf8.lexicographicallyPrecedes(key.utf8) { inOrder = false }
    }

    func close() throws {
        if inOrder && !hasDeferred {
            writer.output.append(keyed ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            return
        }
        // Rebuilt in key order from the members' bytes; the stable sort keeps a repeated key's members in writing order.
        var ordered = members
        if keyed && writer.sortsKeys {
            ordered = members.enumerated().sorted { a, b in
                let (x, y) = (a.element.key ?? "", b.element.key ?? "")
                return x == y ? a.offset < b.offset : x.utf8.lexicographicallyPrecedes(y.utf8)
            }.map(\.element)
        }
        var rebuilt: [UInt8] = [keyed ? UInt8(ascii: "{") : UInt8(ascii: "[")]
        rebuilt.reserveCapacity(writer.output.count - start + 2)
        for (index, member) in ordered.enumerated() {
            if index > 0 { rebuilt.append(UInt8(ascii: ",")) }
            if let deferred = member.deferred {
                if let key = member.key {
                    let keyWriter = JSONByteWriter(sortsKeys: writer.sortsKeys)
                    keyWriter.writeString(key)
                    rebuilt.append(contentsOf: keyWriter.output)
                    rebuilt.append(UInt8(ascii: ":"))
                }
                rebuilt.append(contentsOf: try deferred())
            } else {
                rebuilt.append(contentsOf: writer.output[member.range])
            }
        }
        rebuilt.append(keyed ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        writer.output.replaceSubrange(start..., with: rebuilt)
    }

    /// A nested container, written into a writer of its own so that its members and this aggregate's may interleave.
    func nested(key: String?, keyed: Bool) -> JSONAggregate {
        let nestedWriter = JSONByteWriter(sortsKeys: writer.sortsKeys)
        let nested = JSONAggregate(writer: nestedWriter, keyed: keyed)
        deferredMember(key: key) {
            try nested.close()
            return nestedWriter.output
        }
        return nested
    }

    /// An encoder for a member written later (`superEncoder`).
    func deferredEncoder(key: String?, path: JSONCodingPath) -> any Encoder {
        let nestedWriter = JSONByteWriter(sortsKeys: writer.sortsKeys)
        let encoder = JSONValueEncoder(writer: nestedWriter, path: path)
        deferredMember(key: key) {
            if try !encoder.finish() { nestedWriter.output = Array("{}".utf8) }
            return nestedWriter.output
        }
        return encoder
    }
}

/// A key used where the caller gave none (a super encoder, an array's index in a coding path).
struct JSONIndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}

struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let aggregate: JSONAggregate
    let path: JSONCodingPath
    var codingPath: [any CodingKey] { path.keys }
    private var writer: JSONByteWriter { aggregate.writer }

    init(aggregate: JSONAggregate, path: JSONCodingPath) {
        self.aggregate = aggregate
        self.path = path
    }

    mutating func encodeNil(forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeNull() } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeBool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeString(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try aggregate.member(key: key.stringValue) { try writer.writeFloat(value, path: path.appending(key)) }
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try aggregate.member(key: key.stringValue) { try writer.writeFloat(value, path: path.appending(key)) }
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { aggregate.member(key: key.stringValue) { writer.writeInteger(value) } }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try aggregate.member(key: key.stringValue) {
            if try !writer.write(value, path: path.appending(key)) { writer.writeASCII("{}") }
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(
            JSONKeyedContainer<NestedKey>(aggregate: aggregate.nested(key: key.stringValue, keyed: true), path: path.appending(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONUnkeyedContainer(aggregate: aggregate.nested(key: key.stringValue, keyed: false), path: path.appending(key))
    }

    mutating func superEncoder() -> any Encoder {
        aggregate.deferredEncoder(key: "super", path: path.appending(JSONIndexKey(stringValue: "super")))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        aggregate.deferredEncoder(key: key.stringValue, path: path.appending(key))
    }
}

struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let aggregate: JSONAggregate
    let path: JSONCodingPath
    var codingPath: [any CodingKey] { path.keys }
    private(set) var count = 0

    init(aggregate: JSONAggregate, path: JSONCodingPath) {
        self.aggregate = aggregate
        self.path = path
    }

    private mutating func member(_ value: (JSONByteWriter) throws -> Void) rethrows {
        let writer = aggregate.writer
        try aggregate.member(key: nil) { try value(writer) }
        count += 1
    }

    mutating func encodeNil() throws { member { $0.writeNull() } }
    mutating func encode(_ value: Bool) throws { member { $0.writeBool(value) } }
    mutating func encode(_ value: String) throws { member { $0.writeString(value) } }
    mutating func encode(_ value: Double) throws { let path = path; try member { try $0.writeFloat(value, path: path) } }
    mutating func encode(_ value: Float) throws { let path = path; try member { try $0.writeFloat(value, path: path) } }
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
        let path = path.appending(JSONIndexKey(intValue: count))
        try member { if try !$0.write(value, path: path) { $0.writeASCII("{}") } }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        defer { count += 1 }
        return KeyedEncodingContainer(
            JSONKeyedContainer<NestedKey>(aggregate: aggregate.nested(key: nil, keyed: true), path: path.appending(JSONIndexKey(intValue: count))))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        defer { count += 1 }
        return JSONUnkeyedContainer(aggregate: aggregate.nested(key: nil, keyed: false), path: path.appending(JSONIndexKey(intValue: count)))
    }

    mutating func superEncoder() -> any Encoder {
        defer { count += 1 }
        return aggregate.deferredEncoder(key: nil, path: path.appending(JSONIndexKey(intValue: count)))
    }
}

struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let encoder: JSONValueEncoder
    var path: JSONCodingPath { encoder.path }
    var codingPath: [any CodingKey] { path.keys }
    private var writer: JSONByteWriter { encoder.writer }

    mutating func encodeNil() throws { try encoder.willWriteScalar(path); writer.writeNull() }
    mutating func encode(_ value: Bool) throws { try encoder.willWriteScalar(path); writer.writeBool(value) }
    mutating func encode(_ value: String) throws { try encoder.willWriteScalar(path); writer.writeString(value) }
    mutating func encode(_ value: Double) throws { try encoder.willWriteScalar(path); try writer.writeFloat(value, path: path) }
    mutating func encode(_ value: Float) throws { try encoder.willWriteScalar(path); try writer.writeFloat(value, path: path) }
    mutating func encode(_ value: Int) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try encoder.willWriteScalar(path); writer.writeInteger(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.willWriteScalar(path)
        if try !writer.write(value, path: path) { writer.writeASCII("{}") }
    }
}

/// Where a value sits in what is being encoded, built only when an error or a value's own code asks for it.
indirect enum JSONCodingPath {
    case root
    case member(any CodingKey, parent: JSONCodingPath)

    func appending(_ key: any CodingKey) -> JSONCodingPath { .member(key, parent: self) }

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node = self
        while case .member(let key, let parent) = node {
            keys.append(key)
            node = parent
        }
        return keys.reversed()
    }
}
