import Foundation

/// One problem with one field of an input, located by an RFC 6901 JSON pointer.
public struct FieldIssue: Sendable, Equatable, Codable {
    /// JSON pointer into the submitted document, e.g. `/items/0/commodityCode`.
    public var pointer: String
    /// Stable machine-readable code, e.g. `hs-code-unknown`.
    public var code: String
    /// What is wrong, for a person.
    public var detail: String

    public init(_ pointer: String, _ code: String, _ detail: String) {
        self.pointer = pointer
        self.code = code
        self.detail = detail
    }
}

/// Every problem found in one input, collected rather than stopping at the first.
public struct ValidationFailure: Error, Sendable, Equatable {
    public var issues: [FieldIssue]
    public init(_ issues: [FieldIssue]) { self.issues = issues }
}

/// Accumulates issues while a validator walks an input.
public struct IssueCollector: Sendable {
    public private(set) var issues: [FieldIssue] = []
    public init() {}

    public mutating func add(_ pointer: String, _ code: String, _ detail: String) {
        issues.append(FieldIssue(pointer, code, detail))
    }

    /// Runs a throwing validated-value initialiser, recording its failure at `pointer`.
    public mutating func check<T>(_ pointer: String, _ make: () throws(IdentifierError) -> T) -> T? {
        do { return try make() } catch {
            add(pointer, error.code, error.detail)
            return nil
        }
    }

    public func finish() throws(ValidationFailure) {
        if !issues.isEmpty { throw ValidationFailure(issues) }
    }
}

/// Why a string is not a valid identifier of some kind.
public struct IdentifierError: Error, Sendable, Equatable {
    public var code: String
    public var detail: String
    public init(_ code: String, _ detail: String) {
        self.code = code
        self.detail = detail
    }
}

extension String {
    /// Escapes a JSON-pointer reference token (RFC 6901 §3).
    public var jsonPointerEscaped: String {
        // Most tokens need nothing; Foundation's replace is costly on the request path (shape checks escape every key).
        guard utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return self }
        return replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
