import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body as the pages' forms send it.
struct WebForm: Sendable {
    var fields: [String: String] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            guard let key = parts.first else { continue }
            fields[decode(key)] = parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    /// The largest form a page posts; the declaration form with every field filled is a few KiB.
    static let limit = 64 * 1024

    static func read(_ request: Request, limit: Int = WebForm.limit) async throws -> WebForm {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw HTTPError(.contentTooLarge, message: "the form has more than \(limit / 1024) KiB; shorten the longest field")
        }
        return WebForm(String(buffer: buffer))
    }

    subscript(_ key: String) -> String { fields[key]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
    func optional(_ key: String) -> String? { self[key].isEmpty ? nil : self[key] }
}
