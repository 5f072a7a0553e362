/// The 18-character Unified Social Credit Code of a Chinese legal person, with its GB 32100-2015 check character.
public struct CreditCode: ValidatedIdentifier {
    public let rawValue: String

    /// GB 32100-2015 §4: 31 characters, the letters I, O, Z, S and V left out.
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    /// Weights 3^(i) mod 31 for the first 17 positions.
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Each byte's place in the alphabet, or -1: codes are read from every declaration and party row.
    private static let places: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char.asciiValue!)] = Int8(index) }
        return table
    }()

    public init(_ text: String) throws(IdentifierError) {
        // A well-formed code is 18 ASCII bytes of the alphabet; anything else is read as characters below, which
        // names the problem.
        var text = text
        let valid = text.withUTF8 { bytes -> Bool in
            guard bytes.count == 18 else { return false }
            var sum = 0
            for index in 0..<17 {
                let value = Int(Self.places[Int(bytes[index])])
                guard value >= 0 else { return false }
                sum += value * Self.weights[index]
            }
            return Int(Self.places[Int(bytes[17])]) == Self.checkPlace(sum: sum)
        }
        if valid {
            rawValue = text
            return
        }
        let chars = Array(text)
        guard chars.count == 18 else {
            throw IdentifierError("credit-code-length", "a Unified Social Credit Code has 18 characters, '\(text)' has \(chars.count)")
        }
        var values: [Int] = []
        for (index, char) in chars.enumerated() {
            guard let value = Self.alphabet.firstIndex(of: char) else {
                throw IdentifierError(
                    "credit-code-character", "character \(index + 1) '\(char)' is not allowed (digits and A–Y without I, O, S, V, Z)")
            }
            values.append(value)
        }
        let expected = Self.checkCharacter(values.prefix(17))
        guard chars[17] == expected else {
            throw IdentifierError("credit-code-check", "check character is '\(chars[17])' but GB 32100 gives '\(expected)'")
        }
        rawValue = text
    }

    static func checkCharacter(_ values: ArraySlice<Int>) -> Character {
        alphabet[checkPlace(sum: zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 })]
    }

    /// The check character's place in the alphabet, from the weighted sum of the first 17 characters' places.
    static func checkPlace(sum: Int) -> Int { (31 - sum % 31) % 31 }

    /// Completes a 17-character body with its check character (for generating demo and test codes).
    public static func completing(_ body: String) throws(IdentifierError) -> CreditCode {
        let values = body.compactMap { alphabet.firstIndex(of: $0) }
        guard body.count == 17, values.count == 17 else {
            throw IdentifierError("credit-code-length", "a credit code body has 17 characters from the GB 32100 set")
        }
        return try CreditCode(body + String(checkCharacter(values[...])))
    }
}

/// The 10-character customs registration code (海关编码) of an enterprise.
public struct CustomsRegistrationCode: ValidatedIdentifier {
    public let rawValue: String
    public init(_ text: String) throws(IdentifierError) {
        guard text.count == 10, text.allSatisfy({ $0.isASCIIDigit || $0.isASCIIUpper }) else {
            throw IdentifierError("customs-code-format", "a customs registration code has 10 digits or capital letters")
        }
        rawValue = text
    }
}
