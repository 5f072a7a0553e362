import Crypto
import Foundation

/// A document attached to a declaration, stored once by the SHA-256 of its bytes.
public struct Attachment: Sendable, Equatable, Codable {
    public var hash: String
    public var name: String
    public var mediaType: String
    public var size: Int

    /// The media types accepted, with the leading bytes that prove a file is of that type.
    public static let signatures: [String: [[UInt8]]] = [
        "application/pdf": [Array("%PDF-".utf8)],
        "image/png": [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]],
        "image/jpeg": [[0xFF, 0xD8, 0xFF]],
        "application/xml": [Array("<?xml".utf8), [0xEF, 0xBB, 0xBF] + Array("<?xml".utf8), Array("<".utf8)],
    ]

    /// Checks a file's name, size and type against its bytes; all problems at once.
    public static func check(name: String, mediaType: String, bytes: Data, maxBytes: Int) throws(ValidationFailure)
        -> Attachment
    {
        var issues = IssueCollector()
        if name.isEmpty || name.count > 200 || name.contains("/") || name.contains("\\") {
            issues.add("/query/name", "name-format", "a document name has 1 to 200 characters and no path")
        }
        if bytes.isEmpty { issues.add("/body", "empty", "the document is empty") }
        if bytes.count > maxBytes { issues.add("/body", "too-large", "a document has at most \(maxBytes) bytes") }
        if let signatures = signatures[mediaType] {
            let head = Array(bytes.prefix(16))
            if !bytes.isEmpty && !signatures.contains(where: { head.starts(with: $0) }) {
                issues.add("/body", "type-mismatch", "the bytes are not a \(mediaType) file")
            }
        } else {
            issues.add("/headers/Content-Type", "type-unsupported", "accepted types: \(signatures.keys.sorted().joined(separator: ", "))")
        }
        try issues.finish()
        let hash = Hex.encode(SHA256.hash(data: bytes))
        return Attachment(hash: hash, name: name, mediaType: mediaType, size: bytes.count)
    }
}
