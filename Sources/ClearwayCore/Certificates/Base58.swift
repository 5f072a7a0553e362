import Foundation

/// Base58 with the Bitcoin alphabet, and the multibase `z` prefix that marks it (W3C Controlled Identifiers).
public enum Base58 {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    static let index: [UInt8: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })

    public static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var digits: [Int] = []
        for byte in bytes {
            var carry = Int(byte)
            for i in 0..<digits.count {
                carry += digits[i] << 8
                digits[i] = carry % 58
                carry /= 58
            }
            while carry > 0 {
                digits.append(carry % 58)
                carry /= 58
            }
        }
        return String(repeating: "1", count: zeros) + String(decoding: digits.reversed().map { alphabet[$0] }, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        let zeros = chars.prefix { $0 == UInt8(ascii: "1") }.count
        var bytes: [Int] = []
        for char in chars {
            guard var carry = index[char] else { return nil }
            for i in 0..<bytes.count {
                carry += bytes[i] * 58
                bytes[i] = carry & 0xFF
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(carry & 0xFF)
                carry >>= 8
            }
        }
        return Array(repeating: 0, count: zeros) + bytes.reversed().map(UInt8.init)
    }

    /// `z` + base58btc, the multibase form of a key or signature.
    public static func multibase(_ bytes: [UInt8]) -> String { "z" + encode(bytes) }

    public static func decodeMultibase(_ text: String) -> [UInt8]? {
        guard text.first == "z" else { return nil }
        return decode(String(text.dropFirst()))
    }
}
