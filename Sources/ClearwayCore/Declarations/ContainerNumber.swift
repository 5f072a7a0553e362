/// A freight container identification number with its ISO 6346 check digit (owner code, category, serial, check).
public struct ContainerNumber: ValidatedIdentifier {
    public let rawValue: String

    public init(_ text: String) throws(IdentifierError) {
        let chars = Array(text)
        guard chars.count == 11, chars[0...2].allSatisfy(\.isASCIIUpper), "UJZ".contains(chars[3]),
            chars[4...10].allSatisfy(\.isASCIIDigit)
        else {
            throw IdentifierError(
                "container-number-format", "'\(text)' is not an ISO 6346 number (3-letter owner, U/J/Z, 6 digits, check digit)")
        }
        let expected = Self.checkDigit(chars[0...9])
        guard chars[10].wholeNumberValue == expected else {
            throw IdentifierError("container-number-check", "check digit of \(text) is \(chars[10]) but ISO 6346 gives \(expected)")
        }
        rawValue = text
    }

    /// The number of serial `serial` (six digits) of an owner code (three letters), category U, with its check digit:
    /// for generated boxes (the simulator, benchmarks).
    public static func make(owner: String, serial: Int) throws(IdentifierError) -> ContainerNumber {
        let digits = String(abs(serial) % 1_000_000)
        let stem = owner + "U" + String(repeating: "0", count: 6 - digits.count) + digits
        return try ContainerNumber(stem + String(checkDigit(ArraySlice(Array(stem)))))
    }

    /// ISO 6346 Annex A: letters valued 10… skipping multiples of 11, weighted by 2^position, sum mod 11, 10 → 0.
    static func checkDigit(_ chars: ArraySlice<Character>) -> Int {
        var sum = 0
        for (position, char) in chars.enumerated() {
            let value: Int
            if let digit = char.wholeNumberValue {
                value = digit
            } else {
                var letterValue = 10 + Int(char.asciiValue! - Character("A").asciiValue!)
                letterValue += (letterValue - 1) / 10  // skips 11, 22, 33
                value = letterValue
            }
            sum += value << position
        }
        return sum % 11 % 10
    }
}
