import Foundation

/// RFC 8785 JSON Canonicalization Scheme: the one byte form a JSON value signs as.
public enum JCS {
    /// Canonical UTF-8 bytes of a value: members sorted by UTF-16 code units, ES6 number form, minimal escapes.
    public static func canonicalize(_ value: JSONValue) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, into: &out)
        return Data(out)
    }

    /// Parses and canonicalizes in one step.
    public static func canonicalize(_ data: Data) throws(JSONParseError) -> Data {
        canonicalize(try JSONValue.parse(data))
    }

    /// JavaScript's `JSON.stringify`: the same escaping and number form as JCS, members kept in document order.
    public static func stringify(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, into: &out, sorted: false)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ value: JSONValue, into out: inout [UInt8], sorted: Bool = true) {
        switch value {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let n): out += number(n).utf8
        case .string(let s): string(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out, sorted: sorted)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let ordered = sorted ? sortedMembers(members) : members
            for (index, member) in ordered.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                string(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out, sorted: sorted)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Members in UTF-16 code unit order of their names; for ASCII names that is their byte order.
    static func sortedMembers(_ members: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
        if members.allSatisfy({ $0.key.utf8.allSatisfy { $0 < 0x80 } }) {
            return members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
        let units = members.map { Array($0.key.utf16) }
        return members.indices.sorted { units[$0].lexicographicallyPrecedes(units[$1]) }.map { members[$0] }
    }

    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s.utf8
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [0x5C, 0x22]
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default:
                // UTF-8 of every other scalar passes through unchanged, as JCS asks.
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// ECMAScript Number::toString of a finite double, from Swift's shortest round-trip digits.
    public static func number(_ value: Double) -> String {
        if value == 0 { return "0" }
        // Integers below 2^53 print as themselves, the common case, without the digit shuffling below.
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        if value < 0 { return "-" + number(-value) }
        // Swift's description is the shortest round-trip form, e.g. "1.2345e-07" or "123.45".
        let text = value.description
        let parts = text.split(separator: "e")
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1])! : 0
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(pieces[0])
        let fraction = pieces.count > 1 ? String(pieces[1]) : ""
        var digits = Array(integer + fraction)
        var n = integer.count + exponent
        while digits.first == "0" && digits.count > 1 {
            digits.removeFirst()
            n -= 1
        }
        while digits.last == "0" && digits.count > 1 { digits.removeLast() }
        let k = digits.count
        let s = String(digits)
        if k <= n && n <= 21 { return s + String(repeating: "0", count: n - k) }
        if 0 < n && n <= 21 { return String(digits[0..<n]) + "." + String(digits[n...]) }
        if -6 < n && n <= 0 { return "0." + String(repeating: "0", count: -n) + s }
        let e = n - 1
        let sign = e < 0 ? "-" : "+"
        let head = k == 1 ? s : String(digits[0]) + "." + String(digits[1...])
        return head + "e" + sign + String(abs(e))
    }
}
