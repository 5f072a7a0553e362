import Foundation

extension String {
    /// The text without leading and trailing `CharacterSet.whitespaces` (spaces and tabs): text that starts and ends
    /// with another ASCII character, nearly all of it, is returned as it is without asking Foundation.
    public func trimmingWhitespaces() -> String {
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last else { return self }
        func plain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") }
        if plain(first) && plain(last) { return self }
        return trimmingCharacters(in: .whitespaces)
    }
}
