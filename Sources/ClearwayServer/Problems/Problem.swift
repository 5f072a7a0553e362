import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// An RFC 9457 problem details document; every error the API answers with is one of these.
struct Problem: Encodable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var errors: [FieldIssue]?

    static let base = "https://clearway.dev/problems/"

    init(code: String, title: String, status: HTTPResponse.Status, detail: String?, errors: [FieldIssue]? = nil) {
        self.type = Self.base + code
        self.title = title
        self.status = status.code
        self.detail = detail
        self.errors = errors
    }

    var httpStatus: HTTPResponse.Status { .init(code: status) }

    /// The one mapping from errors to problems.
    static func from(_ error: any Error) -> Problem? {
        switch error {
        case let error as ServerError:
            if let mapped = from(error.underlyingError) { return mapped }
            if error.httpStatus.kind == .clientError {
                return Problem(
                    code: "bad-request", title: "Bad request", status: error.httpStatus, detail: error.causeDescription)
            }
            return nil
        case let error as ClearanceError:
            return from(error)
        case let error as DecodingError:
            return from(error)
        case let error as RefusalRecorded:
            return Problem(
                code: "movement-refused", title: "Refused by the clearance rules", status: .conflict,
                detail: "\(error.refusal.movement.rawValue)\(error.refusal.container.map { " of \($0)" } ?? "") refused: \(error.refusal.reason)")
        case let error as PortEventRefused:
            return Problem(
                code: "movement-refused", title: "Refused by the clearance rules", status: .conflict,
                detail: error.outcome.refused.sorted { $0.key < $1.key }.map { "declaration \($0.key): \($0.value)" }
                    .joined(separator: "; "))
        case let error as StoreError:
            if case .versionConflict(let stream, let expected, _) = error {
                return from(ClearanceError.conflict(stream: stream, expectedVersion: expected))
            }
            return nil
        default:
            return nil
        }
    }

    static func from(_ error: ClearanceError) -> Problem {
        switch error {
        case .invalid(let failure):
            Problem(
                code: error.code, title: "The request has invalid fields", status: .unprocessableContent,
                detail: error.detail, errors: failure.issues)
        case .notFound:
            Problem(code: error.code, title: "Not found", status: .notFound, detail: error.detail)
        case .forbidden:
            Problem(code: error.code, title: "Forbidden", status: .forbidden, detail: error.detail)
        case .conflict:
            Problem(code: error.code, title: "Version conflict", status: .conflict, detail: error.detail)
        case .notAllowedInState:
            Problem(code: error.code, title: "Not allowed in this state", status: .conflict, detail: error.detail)
        case .idempotencyKeyReused:
            Problem(code: error.code, title: "Idempotency-Key reused", status: .unprocessableContent, detail: error.detail)
        case .unauthenticated:
            Problem(code: error.code, title: "Authentication required", status: .unauthorized, detail: error.detail)
        case .tooManyAttempts:
            Problem(code: error.code, title: "Too many attempts", status: .tooManyRequests, detail: error.detail)
        case .full:
            Problem(code: error.code, title: "No place left", status: .conflict, detail: error.detail)
        case .unavailable:
            Problem(code: error.code, title: "Dependency unavailable", status: .serviceUnavailable, detail: error.detail)
        }
    }

    /// Decoding failures: malformed JSON is a 400; a well-formed body of the wrong shape is a 422 with its pointer.
    static func from(_ error: DecodingError) -> Problem {
        func pointer(_ path: [any CodingKey]) -> String {
            path.map { "/" + ($0.intValue.map(String.init) ?? $0.stringValue.jsonPointerEscaped) }.joined()
        }
        switch error {
        case .dataCorrupted(let context)
        where context.codingPath.isEmpty
            && (context.underlyingError != nil || context.debugDescription.contains("not valid JSON")):
            return Problem(
                code: "malformed-json", title: "The body is not valid JSON", status: .badRequest,
                detail: "the request body could not be parsed as JSON")
        case .dataCorrupted(let context):
            if context.debugDescription.lowercased().contains("additional properties are disabled") {
                let name = context.codingPath.last?.stringValue ?? ""
                return shape(pointer(context.codingPath), "unknown-field", "'\(name)' is not a field of this request")
            }
            return shape(pointer(context.codingPath), "invalid-value", context.debugDescription)
        case .keyNotFound(let key, let context):
            return shape(pointer(context.codingPath + [key]), "required", "the field \(key.stringValue) is required")
        case .typeMismatch(let type, let context):
            return shape(pointer(context.codingPath), "wrong-type", "expected \(type)")
        case .valueNotFound(let type, let context):
            return shape(pointer(context.codingPath), "required", "expected a \(type), found null")
        @unknown default:
            return Problem(code: "bad-request", title: "Bad request", status: .badRequest, detail: "\(error)")
        }
    }

    private static func shape(_ pointer: String, _ code: String, _ detail: String) -> Problem {
        Problem(
            code: "validation-failed", title: "The request has invalid fields", status: .unprocessableContent,
            detail: "the body does not have the documented shape", errors: [FieldIssue(pointer, code, detail)])
    }
}
