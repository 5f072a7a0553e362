import Foundation

/// A place containers picked for inspection go to: an H986 scanner lane, a manual bay, a cold-chain bay with
/// reefer power, a dangerous-goods bay or a fumigation site (DOMAIN.md §8.3). Reference data, not code.
public struct InspectionSite: Sendable, Equatable, Codable {
    /// What a site offers beyond the inspection kinds it does.
    public enum Facility: String, Sendable, Codable, CaseIterable {
        /// Power points for refrigerated containers.
        case reeferPower = "reefer-power"
        case dangerousGoods = "dangerous-goods"
        case fumigation
    }

    /// A daily opening window in China time, "HH:mm" to "HH:mm"; `to` "24:00" means midnight at the end.
    public struct Window: Sendable, Equatable, Codable {
        /// ISO weekdays 1 (Monday) … 7 (Sunday) the window applies on.
        public var days: [Int]
        public var from: String
        public var to: String
        public init(days: [Int] = Array(1...7), from: String, to: String) {
            self.days = days
            self.from = from
            self.to = to
        }
    }

    public var id: String
    public var name: String
    /// The inspection kinds the site can do.
    public var kinds: [InspectionKind]
    public var facilities: [Facility]
    /// Boxes inspected at once.
    public var lanes: Int
    /// Minutes one inspection occupies a lane, the box's handling in and out included.
    public var slotMinutes: Int
    /// When the site works; empty means around the clock.
    public var hours: [Window]
    /// Officers rostered at the site, who see its queue.
    public var officers: [String]

    public init(id: String, name: String, kinds: [InspectionKind], facilities: [Facility] = [], lanes: Int,
                slotMinutes: Int, hours: [Window] = [], officers: [String] = []) {
        self.id = id
        self.name = name
        self.kinds = kinds
        self.facilities = facilities
        self.lanes = lanes
        self.slotMinutes = slotMinutes
        self.hours = hours
        self.officers = officers
    }

    /// Inspections per hour at full staffing.
    public var capacityPerHour: Double { Double(lanes) * 60 / Double(slotMinutes) }

    /// Whether a slot of this site's length starting at `start` lies inside one opening window.
    public func isOpen(from start: Date) -> Bool {
        if hours.isEmpty { return true }
        let local = ChinaTime.components(start)
        let startMinute = local.hour * 60 + local.minute
        let endMinute = startMinute + slotMinutes
        return hours.contains { window in
            guard window.days.contains(local.weekday), let from = Self.minute(window.from), let to = Self.minute(window.to)
            else { return false }
            return startMinute >= from && endMinute <= to
        }
    }

    /// Minutes after midnight for "HH:mm" (up to "24:00").
    static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m),
              h * 60 + m <= 1440
        else { return nil }
        return h * 60 + m
    }
}
