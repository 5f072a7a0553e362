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

    static func read(_ request: Request, limit: Int = 64 * 1024) async throws -> WebForm {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        return WebForm(String(buffer: buffer))
    }

    subscript(_ key: String) -> String { fields[key]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
    func optional(_ key: String) -> String? { self[key].isEmpty ? nil : self[key] }
}
