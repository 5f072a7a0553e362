import Foundation

/// What quarantine approval checks an application against: the access list (product and country approved by
/// protocol, with permit validity and required documents) and the register of overseas producers.
public struct QuarantineAccess: Sendable, Equatable {
    /// One product and country on the access list.
    public struct Entry: Sendable, Equatable {
        public var commodityPrefix: String
        public var country: String
        public var validityDays: Int
        public var requiredDocuments: [String]
        public init(commodityPrefix: String, country: String, validityDays: Int, requiredDocuments: [String]) {
            self.commodityPrefix = commodityPrefix
            self.country = country
            self.validityDays = validityDays
            self.requiredDocuments = requiredDocuments
        }
    }

    /// A registered overseas producer and the product and country it is registered for.
    public struct Producer: Sendable, Equatable {
        public var registration: String
        public var country: String
        public var commodityPrefix: String
        public init(registration: String, country: String, commodityPrefix: String) {
            self.registration = registration
            self.country = country
            self.commodityPrefix = commodityPrefix
        }
    }

    public var entries: [Entry]
    public var producers: [Producer]
    /// Validity when no entry names one.
    public static let defaultValidityDays = 180

    public init(entries: [Entry], producers: [Producer]) {
        self.entries = entries
        self.producers = producers
    }

    /// The most specific entry covering a product from a country.
    public func entry(commodity: String, country: String) -> Entry? {
        entries.filter { $0.country == country && commodity.hasPrefix($0.commodityPrefix) }
            .max { $0.commodityPrefix.count < $1.commodityPrefix.count }
    }

    public func isRegistered(_ registration: String, commodity: String, country: String) -> Bool {
        producers.contains { $0.registration == registration && $0.country == country && commodity.hasPrefix($0.commodityPrefix) }
    }

    /// The facts an automatic decision needs for an application by an applicant of `tier`.
    public func facts(_ application: QuarantineApproval.Application, applicantTier: CreditTier) -> QuarantineApproval.Facts {
        let commodity = application.commodityCode.rawValue
        let entry = entry(commodity: commodity, country: application.originCountry)
        return QuarantineApproval.Facts(
            onAccessList: entry != nil,
            producerRegistered: isRegistered(application.producerRegistration, commodity: commodity, country: application.originCountry),
            applicantTier: applicantTier,
            missingDocuments: (entry?.requiredDocuments ?? []).filter { application.documents[$0] == nil },
            validityDays: validityDays(commodity: commodity, country: application.originCountry))
    }

    public func validityDays(commodity: String, country: String) -> Int {
        entry(commodity: commodity, country: country)?.validityDays ?? Self.defaultValidityDays
    }
}
