/// A command refused by the domain; each case has one stable code that the server maps to one problem type.
public enum ClearanceError: Error, Sendable, Equatable {
    case invalid(ValidationFailure)
    case notFound(kind: String, id: String)
    case forbidden(reason: String)
    case conflict(stream: String, expectedVersion: Int)
    case notAllowedInState(action: String, state: String)
    case idempotencyKeyReused(key: String)
    case unauthenticated(reason: String)
    /// Too many failed attempts; try again after the given seconds.
    case tooManyAttempts(retryAfter: Int)
    /// A limited resource (an appointment slot's places) has none left.
    case full(what: String)
    /// A system the platform depends on (a bank's gateway) did not answer; nothing was changed.
    case unavailable(what: String)

    public var code: String {
        switch self {
        case .invalid: "validation-failed"
        case .notFound: "not-found"
        case .forbidden: "forbidden"
        case .conflict: "version-conflict"
        case .notAllowedInState: "not-allowed-in-state"
        case .idempotencyKeyReused: "idempotency-key-reused"
        case .unauthenticated: "unauthenticated"
        case .tooManyAttempts: "too-many-attempts"
        case .full: "no-place-left"
        case .unavailable: "dependency-unavailable"
        }
    }

    public var detail: String {
        switch self {
        case .invalid(let failure): "\(failure.issues.count) field(s) failed validation"
        case .notFound(let kind, let id): "no \(kind) \(id) that you may see"
        case .forbidden(let reason): reason
        case .conflict(let stream, let expected):
            "\(stream) changed since version \(expected); reload and try again"
        case .notAllowedInState(let action, let state): "cannot \(action) it while it is \(state)"
        case .idempotencyKeyReused(let key): "Idempotency-Key \(key) was already used with a different request"
        case .unauthenticated(let reason): reason
        case .tooManyAttempts(let seconds): "too many failed logins; try again in \(max(1, seconds / 60)) minute(s)"
        case .full(let what): "\(what) has no place left"
        case .unavailable(let what): "\(what) did not answer; nothing was changed, try again"
        }
    }
}
