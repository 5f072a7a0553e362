import ClearwayCore
import Foundation
import OpenAPIRuntime

/// RFC 3339 date-times with or without fractional seconds in; always with milliseconds out, as the store writes them.
struct FlexibleDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { Timestamp.format(date) }

    func decode(_ text: String) throws -> Date {
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text)' is not an RFC 3339 date-time"))
        }
        return date
    }
}
