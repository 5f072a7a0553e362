import HTTPTypes
import HummingbirdTesting

/// How a seeded search's requests were answered: the failures (a server failure, or a refusal that does not say what is
/// wrong), the refusals and the rest.
struct SearchAnswers {
    var failures: [String] = []
    var refused = 0
    var taken = 0

    /// `explained` says whether a refusal says what is wrong, and where, as its kind of request should.
    mutating func record(_ response: TestResponse, _ place: String, explained: (TestResponse) -> Bool) {
        switch response.status.code {
        case 500..<503, 504...:
            failures.append("\(place): \(response.status.code) \(response.text.prefix(300))")
        case 400..<500, 503:  // 503: a system the platform depends on (the bank) did not answer, and it says so
            refused += 1
            if !explained(response) { failures.append("\(place): \(response.status.code) without saying what is wrong: \(response.text.prefix(300))") }
        default:
            taken += 1
        }
    }

    func report(of count: Int) -> String { "\(failures.count) of \(count):\n\(failures.prefix(20).joined(separator: "\n"))" }
}
