import Foundation

/// RFC 8785 JSON Canonicalization Scheme: the one byte form a JSON value signs as.
public enum JCS {
    /// Canonical UTF-8 bytes of a value: members sorted by UTF-16 code units, ES6 number form, minimal escapes.
    public static func canonicalize(_ value: JSONValue) -> Data {
        var out = ""
        write(value, into: &out)
        return Data(out.utf8)
    }

    /// Parses and canonicalizes in one step.
    public static func canonicalize(_ data: Data) throws(JSONParseError) -> Data {
        canonicalize(try JSONValue.parse(data))
    }

    /// JavaScript's `JSON.stringify`: the same escaping and number form as JCS, members kept in document order.
    public static func stringify(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, sorted: false)
        return out
    }

    static func write(_ value: JSONValue, into out: inout String, sorted: Bool = true) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += number(n)
        case .string(let s): string(s, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, into: &out, sorted: sorted)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let ordered = sorted
                ? members.sorted { Array($0.key.utf16).lexicographicallyPrecedes(Array($1.key.utf16)) } : members
            for (index, member) in ordered.enumerated() {
                if index > 0 { out += "," }
                string(member.key, into: &out)
                out += ":"
                write(member.value, into: &out, sorted: sorted)
            }
            out += "}"
        }
    }

    static func string(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// ECMAScript Number::toString of a finite double, from Swift's shortest round-trip digits.
    public static func number(_ value: Double) -> String {
        if value == 0 { return "0" }
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
