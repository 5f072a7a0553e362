import Foundation

/// A producer's authorisation for a service enterprise to declare its exports and handle its rebates.
public struct ServiceAuthorisation: Sendable, Equatable, Codable {
    public var serviceParty: String
    public var clientParty: String
    public var validFrom: Date
    public var validUntil: Date
    public var grantedBy: String
    public var grantedAt: Date
    public var revokedAt: Date?
    public init(serviceParty: String, clientParty: String, validFrom: Date, validUntil: Date, grantedBy: String, grantedAt: Date,
                revokedAt: Date? = nil) {
        self.serviceParty = serviceParty
        self.clientParty = clientParty
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.grantedBy = grantedBy
        self.grantedAt = grantedAt
        self.revokedAt = revokedAt
    }
    public func inForce(at date: Date) -> Bool { revokedAt == nil && validFrom <= date && date <= validUntil }
}

extension ServiceAuthorisation {
    /// The service enterprise whose act needs a producer's authorisation: the principal's own party when it acts as
    /// a foreign-trade service enterprise; nil for anyone acting for itself.
    public static func actingService(_ principal: Principal) -> String? {
        principal.role == .tradeServiceEnterprise ? principal.partyID : nil
    }

    /// Checks that a service enterprise may act for the producer it names: a declaration or list a service firm sends
    /// names the real exporter, and that exporter must have authorised the firm for the day it acts.
    public static func check(service: String, producer: String?, among authorisations: [ServiceAuthorisation], at date: Date,
                             pointer: String) throws(ClearanceError) {
        guard let producer, !producer.isEmpty else {
            throw .invalid(ValidationFailure([FieldIssue(pointer, "required",
                "a service enterprise names the producer or seller it acts for (the real exporter)")]))
        }
        guard authorisations.contains(where: { $0.serviceParty == service && $0.clientParty == producer && $0.inForce(at: date) }) else {
            throw .invalid(ValidationFailure([FieldIssue(pointer, "not-authorised",
                "\(producer) has not authorised this service enterprise to act for it on \(ChinaTime.day(date))")]))
        }
    }
}
