import Foundation

/// Base58 with the Bitcoin alphabet, and the multibase `z` prefix that marks it (W3C Controlled Identifiers).
public enum Base58 {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    /// Digit value per byte, -1 for bytes outside the alphabet.
    static let index: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, char) in alphabet.enumerated() { table[Int(char)] = Int8(value) }
        return table
    }()

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
        // The number in 32-bit limbs, least significant first: each digit multiplies by 58 and adds.
        var limbs: [UInt32] = []
        limbs.reserveCapacity(chars.count / 5 + 1)
        for char in chars {
            let digit = index[Int(char)]
            guard digit >= 0 else { return nil }
            var carry = UInt64(digit)
            for i in 0..<limbs.count {
                let t = UInt64(limbs[i]) * 58 + carry
                limbs[i] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            if carry > 0 { limbs.append(UInt32(carry)) }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(limbs.count * 4 + zeros)
        for limb in limbs.reversed() {
            bytes += [UInt8(limb >> 24), UInt8((limb >> 16) & 0xFF), UInt8((limb >> 8) & 0xFF), UInt8(limb & 0xFF)]
        }
        let significant = bytes.drop { $0 == 0 }
        return Array(repeating: 0, count: zeros) + significant
    }

    /// `z` + base58btc, the multibase form of a key or signature.
    public static func multibase(_ bytes: [UInt8]) -> String { "z" + encode(bytes) }

    public static func decodeMultibase(_ text: String) -> [UInt8]? {
        guard text.first == "z" else { return nil }
        return decode(String(text.dropFirst()))
    }
}
