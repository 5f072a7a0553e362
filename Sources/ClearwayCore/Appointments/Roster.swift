import Foundation

/// Officers on duty at inspection sites, the source of appointment capacity: a slot takes as many appointments as
/// officers are rostered over the whole of it. Nights, weekends and holidays are rows like any other; a row for a
/// date replaces that site's weekday rows on that date (a public holiday with fewer or more staff).
public struct Roster: Sendable, Equatable, Codable {
    /// One shift pattern: on which days, from when to when (China time), how many officers.
    public struct Shift: Sendable, Equatable, Codable {
        public var site: String
        /// ISO weekdays (1 Monday … 7 Sunday) the shift repeats on; empty when `date` is set.
        public var weekdays: [Int]
        /// A single China-time date, YYYY-MM-DD, for holiday or overtime rows.
        public var date: String?
        /// Minutes after midnight, China time; `to` may be 1440.
        public var from: Int
        public var to: Int
        public var officers: Int

        public init(site: String, weekdays: [Int] = [], date: String? = nil, from: Int, to: Int, officers: Int) {
            self.site = site
            self.weekdays = weekdays
            self.date = date
            self.from = from
            self.to = to
            self.officers = officers
        }
    }

    public var shifts: [Shift]
    public init(shifts: [Shift]) { self.shifts = shifts }

    /// A shift as a roster file writes it: days "1-5", "6,7" or a date "2026-10-01"; times "HH:mm" up to "24:00".
    public static func shift(site: String, days: String, from: String, to: String, officers: String) throws(IdentifierError)
        -> Shift
    {
        guard let start = InspectionSite.minute(from), let end = InspectionSite.minute(to), start < end else {
            throw IdentifierError("shift-times", "a shift runs from HH:mm to a later HH:mm, up to 24:00 ('\(from)'-'\(to)')")
        }
        guard let count = Int(officers), (0...1000).contains(count) else {
            throw IdentifierError("shift-officers", "officers on a shift is a whole number from 0 to 1000 ('\(officers)')")
        }
        if days.count == 10, days.split(separator: "-").count == 3, days.split(separator: "-").allSatisfy({ Int($0) != nil }) {
            return Shift(site: site, date: days, from: start, to: end, officers: count)
        }
        var weekdays: [Int] = []
        for part in days.split(separator: ",") {
            let bounds = part.split(separator: "-").map { Int($0) }
            guard !bounds.isEmpty, bounds.count <= 2, let low = bounds.first ?? nil, let high = bounds.last ?? nil,
                  (1...7).contains(low), (low...7).contains(high)
            else { throw IdentifierError("shift-days", "days are ISO weekdays like 1-5 or 6,7, or a date YYYY-MM-DD ('\(days)')") }
            weekdays += Array(low...high)
        }
        return Shift(site: site, weekdays: weekdays, from: start, to: end, officers: count)
    }

    /// Officers on duty at `site` for the whole of `[start, end)`; a slot crossing midnight needs cover on both days.
    public func officers(at site: String, from start: Date, to end: Date) -> Int {
        var minimum = Int.max
        var cursor = start
        // Walk the slot day by day (China time) and take the least cover of any part of it.
        while cursor < end {
            let day = ChinaTime.day(cursor)
            let local = ChinaTime.components(cursor)
            let fromMinute = local.hour * 60 + local.minute
            let local0 = cursor.timeIntervalSince1970 + 8 * 3600
            let midnight = Date(timeIntervalSince1970: ((local0 / 86_400).rounded(.down) + 1) * 86_400 - 8 * 3600)
            let partEnd = min(end, midnight)
            let toMinute = fromMinute + Int((partEnd.timeIntervalSince(cursor) / 60).rounded())
            let dated = shifts.filter { $0.site == site && $0.date == day }
            let rows = dated.isEmpty ? shifts.filter { $0.site == site && $0.date == nil && $0.weekdays.contains(local.weekday) } : dated
            let cover = rows.filter { $0.from <= fromMinute && $0.to >= toMinute }.reduce(0) { $0 + $1.officers }
            minimum = min(minimum, cover)
            cursor = partEnd
        }
        return minimum == .max ? 0 : minimum
    }
}
