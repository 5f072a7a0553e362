import Foundation

/// What each agency may read of an export record (DOMAIN.md §7, issue "sharing rules"): the tax agency what a rebate
/// needs, the foreign-exchange agency what a receipt check needs, nothing more. The field lists are reference data
/// (`Data/reference/agency-sharing.csv`); every read through them is logged by the platform.
public struct AgencySharing: Sendable, Equatable {
    /// Fields each agency may read, by agency id (`sta`, `safe`, …).
    public var fields: [String: Set<String>]
    public init(fields: [String: Set<String>]) { self.fields = fields }

    /// The record as `agency` may see it: only its fields, and the names of those withheld.
    public func view(_ record: [String: String], for agency: String) -> (visible: [String: String], withheld: [String]) {
        let allowed = fields[agency] ?? []
        let visible = record.filter { allowed.contains($0.key) }
        return (visible, record.keys.filter { !allowed.contains($0) }.sorted())
    }

    /// Whether `agency` may read `field`; asking for one it has no need for is refused with the reason.
    public func check(_ field: String, for agency: String) throws(ClearanceError) {
        guard fields[agency]?.contains(field) == true else {
            throw .forbidden(reason: "\(agency) has no need for '\(field)' under the sharing rules")
        }
    }
}
