import Foundation

/// A W3C Bitstring Status List: one bit per issued credential (bit 0 is the first byte's high bit), at least 16 KiB,
/// published GZIP-compressed and multibase base64url-encoded (`u…`).
public struct StatusList: Sendable, Equatable {
    /// The minimum length the specification sets, so a list does not reveal how many credentials exist.
    public static let minimumBits = 131_072
    public private(set) var bytes: [UInt8]

    public init(bits: Int = minimumBits) {
        bytes = Array(repeating: 0, count: (max(bits, Self.minimumBits) + 7) / 8)
    }

    public var count: Int { bytes.count * 8 }

    public func isSet(_ index: Int) -> Bool {
        guard index >= 0, index < count else { return false }
        return bytes[index / 8] & (0x80 >> (index % 8)) != 0
    }

    public mutating func set(_ index: Int) {
        if index >= count { bytes += Array(repeating: 0, count: (index / 8 + 1) - bytes.count) }
        bytes[index / 8] |= 0x80 >> (index % 8)
    }

    /// `u` + base64url (no padding) of the GZIP of the bitstring.
    public var encodedList: String {
        let base64 = Data(GZip.compress(bytes)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "u" + base64
    }

    /// Reads an encoded list written with stored (uncompressed) deflate blocks, as this platform writes them.
    public init?(encodedList: String) {
        guard encodedList.first == "u" else { return nil }
        var text = String(encodedList.dropFirst()).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let bytes = GZip.decompressStored(Array(data)) else { return nil }
        self.bytes = bytes
    }
}

/// GZIP (RFC 1952) around deflate stored blocks (RFC 1951 §3.2.4): a valid stream every inflater reads.
enum GZip {
    static func compress(_ input: [UInt8]) -> [UInt8] {
        [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF] + storedBlocks(input)
            + littleEndian(crc32(input)) + littleEndian(UInt32(truncatingIfNeeded: input.count))
    }

    /// A deflate stream of stored blocks (no compression), as GZIP and PNG's zlib both carry.
    static func storedBlocks(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var offset = 0
        repeat {
            let length = min(65_535, input.count - offset)
            let final = offset + length == input.count
            out.append(final ? 0x01 : 0x00)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += input[offset..<offset + length]
            offset += length
        } while offset < input.count
        return out
    }

    static func decompressStored(_ data: [UInt8]) -> [UInt8]? {
        guard data.count >= 18, data[0] == 0x1F, data[1] == 0x8B, data[2] == 0x08, data[3] == 0 else { return nil }
        var index = 10
        var out: [UInt8] = []
        while true {
            guard index + 5 <= data.count else { return nil }
            let header = data[index]
            guard header & 0x06 == 0 else { return nil }  // only stored blocks
            let length = Int(data[index + 1]) | Int(data[index + 2]) << 8
            let complement = Int(data[index + 3]) | Int(data[index + 4]) << 8
            guard length == (~complement & 0xFFFF), index + 5 + length <= data.count else { return nil }
            out += data[(index + 5)..<(index + 5 + length)]
            index += 5 + length
            if header & 0x01 == 1 { break }
        }
        guard index + 8 <= data.count, Array(data[index..<index + 4]) == littleEndian(crc32(out)) else { return nil }
        return out
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Credentials {
    /// Why a bit is set: revocation is final, suspension can be lifted.
    public enum StatusPurpose: String, Sendable, CaseIterable {
        case revocation
        case suspension
    }

    /// The status entry a credential carries: its bit in one of the platform's lists.
    public static func statusEntry(listURL: String, index: Int, purpose: StatusPurpose = .revocation) -> JSONValue {
        .object([
            ("id", .string("\(listURL)#\(index)")), ("type", .string("BitstringStatusListEntry")),
            ("statusPurpose", .string(purpose.rawValue)), ("statusListIndex", .string(String(index))),
            ("statusListCredential", .string(listURL)),
        ])
    }

    /// The unsigned status list credential the platform publishes for one purpose.
    public static func statusListCredential(
        listURL: String, issuer: String, list: StatusList, validFrom: Date, purpose: StatusPurpose = .revocation
    ) -> JSONValue {
        .object([
            ("@context", .array([.string("https://www.w3.org/ns/credentials/v2")])),
            ("id", .string(listURL)),
            ("type", .array([.string("VerifiableCredential"), .string("BitstringStatusListCredential")])),
            ("issuer", .string(issuer)),
            ("validFrom", .string(DataIntegrity.created(validFrom))),
            ("credentialSubject", .object([
                ("id", .string("\(listURL)#list")), ("type", .string("BitstringStatusList")),
                ("statusPurpose", .string(purpose.rawValue)), ("encodedList", .string(list.encodedList)),
            ])),
        ])
    }

    /// The index a credential's entry for `purpose` points at in `listURL`, if it has one (one entry or an array).
    public static func statusIndex(_ document: JSONValue, listURL: String, purpose: StatusPurpose = .revocation) -> Int? {
        let entries: [JSONValue]
        switch document["credentialStatus"] {
        case .array(let items)?: entries = items
        case let entry?: entries = [entry]
        case nil: entries = []
        }
        return entries.first {
            $0["statusListCredential"]?.string == listURL && $0["statusPurpose"]?.string == purpose.rawValue
        }?["statusListIndex"]?.string.flatMap { Int($0) }
    }
}
