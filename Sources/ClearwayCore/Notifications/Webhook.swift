import Crypto
import Foundation

/// Webhooks: signed, at-least-once pushes of the platform's events to a party's own system, in event order.
public enum Webhook {
    /// The `Clearway-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`.
    /// The timestamp inside the signed text lets a receiver refuse replays older than its tolerance.
    public static func signature(secret: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=\(Hex.encode(Data(mac)))"
    }

    /// Checks a signature header as a receiver would: the MAC matches and the timestamp is within `tolerance` of now.
    public static func verify(header: String, secret: String, body: Data, now: Date, tolerance: TimeInterval = 300) -> Bool {
        var fields: [String: String] = [:]
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        guard let t = fields["t"].flatMap(Int.init), fields["v1"] != nil,
              abs(now.timeIntervalSince1970 - Double(t)) <= tolerance
        else { return false }
        let expected = signature(secret: secret, timestamp: t, body: body)
        // Constant-time comparison of the whole header we would have sent.
        let a = Array(expected.utf8), b = Array(header.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Seconds to wait after the `attempts`-th failure in a row: 1, 2, 4 … doubling, at most five minutes.
    public static func backoff(afterFailures attempts: Int) -> TimeInterval {
        min(300, pow(2, Double(max(0, attempts - 1))))
    }

    /// Whether a subscription's topic pattern takes a message topic: exact, `<type>.*`, or `*`.
    public static func matches(_ pattern: String, _ topic: String) -> Bool {
        if pattern == "*" || pattern == topic { return true }
        if pattern.hasSuffix(".*") { return topic.hasPrefix(String(pattern.dropLast(1))) }
        return false
    }

    /// The problems with a subscription request, each at its JSON pointer.
    public static func validate(url: String, topics: [String]) throws(ValidationFailure) {
        var issues = IssueCollector()
        if let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
           parsed.host?.isEmpty == false, url.count <= 2000
        {
        } else {
            issues.add("/url", "url-format", "an absolute http or https URL of at most 2,000 characters")
        }
        if topics.isEmpty || topics.count > 20 { issues.add("/topics", "topics-count", "1 to 20 topic patterns") }
        for (index, topic) in topics.enumerated() {
            let valid = topic == "*" || topic.split(separator: ".", omittingEmptySubsequences: false).count == 2
                && topic.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "*" }
                && !topic.dropLast(topic.hasSuffix(".*") ? 1 : 0).contains("*")
            if !valid { issues.add("/topics/\(index)", "topic-format", "a topic is <stream>.<event>, <stream>.* or *, e.g. declaration.released") }
        }
        try issues.finish()
    }
}
