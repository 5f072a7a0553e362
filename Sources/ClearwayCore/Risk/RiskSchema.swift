import Foundation

/// Which features a risk model derives from a ``RiskRecord``, and how.
///
/// Identifiers with thousands of values (importer, declarant, commodity) become risk profiles: the smoothed
/// share of past inspections that found a discrepancy, and how often the value was seen. Fields with few values
/// stay categorical and are split on natively by the trees.
public struct RiskSchema: Sendable, Equatable, Codable {
    public var features: [Feature]
    /// Pseudo-count pulling a rarely seen value's profile towards the overall discrepancy rate.
    public var profileSmoothing: Double

    public init(features: [Feature], profileSmoothing: Double = 10) {
        self.features = features
        self.profileSmoothing = profileSmoothing
    }

    /// One derived feature.
    public struct Feature: Sendable, Equatable, Codable {
        public var name: String
        public var kind: Kind
        /// Fields read; for a profile the values are joined into one key, each cut to `prefixes[i]` characters if given.
        public var fields: [String]
        public var prefixes: [Int]?

        public enum Kind: String, Sendable, Codable {
            /// A number as given.
            case number
            /// log(1 + x), for amounts spanning orders of magnitude.
            case logNumber = "log-number"
            /// log(1 + a / (1 + b)), e.g. value per kilogram.
            case logRatio = "log-ratio"
            /// A field with few values, split on as a set of categories.
            case category
            /// Smoothed discrepancy rate and log count of a (compound) key in the labelled history.
            case profile
        }

        public init(_ name: String, _ kind: Kind, _ fields: [String], prefixes: [Int]? = nil) {
            self.name = name
            self.kind = kind
            self.fields = fields
            self.prefixes = prefixes
        }

        /// The key a record has for this feature, or nil when a field is missing.
        func key(_ record: RiskRecord) -> String? {
            var parts: [String] = []
            for (i, field) in fields.enumerated() {
                guard let value = record[field] else { return nil }
                if let prefix = prefixes?[i], prefix > 0 { parts.append(String(value.prefix(prefix))) } else { parts.append(value) }
            }
            return parts.joined(separator: "|")
        }
    }

    /// The features Clearway's model uses by default.
    public static let standard: RiskSchema = {
        typealias F = RiskField
        return RiskSchema(features: [
            .init("tax rate", .number, [F.taxRate]),
            .init("net mass", .logNumber, [F.netMass]),
            .init("item price", .logNumber, [F.itemPrice]),
            .init("unit value", .logRatio, [F.itemPrice, F.netMass]),
            .init("declarant", .profile, [F.declarant]),
            .init("importer", .profile, [F.importer]),
            .init("seller", .profile, [F.seller]),
            .init("courier", .profile, [F.courier]),
            .init("commodity", .profile, [F.commodity]),
            .init("heading", .profile, [F.commodity], prefixes: [4]),
            .init("chapter", .profile, [F.commodity], prefixes: [2]),
            .init("importer and heading", .profile, [F.importer, F.commodity], prefixes: [0, 4]),
            .init("declarant and chapter", .profile, [F.declarant, F.commodity], prefixes: [0, 2]),
            .init("office", .category, [F.office]),
            .init("process type", .category, [F.processType]),
            .init("supervision mode", .category, [F.supervisionMode]),
            .init("usage", .category, [F.usage]),
            .init("payment type", .category, [F.paymentType]),
            .init("transport mode", .category, [F.transportMode]),
            .init("departure country", .category, [F.departureCountry]),
            .init("origin country", .category, [F.originCountry]),
            .init("tax type", .category, [F.taxType]),
            .init("origin indicator", .category, [F.originIndicator]),
        ])
    }()
}
