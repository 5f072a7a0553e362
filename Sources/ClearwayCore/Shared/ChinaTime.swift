import Foundation

/// China Standard Time, the clock customs numbers, random-selection days and EDI timestamps are read on.
public enum ChinaTime {
    public static let zone = TimeZone(identifier: "Asia/Shanghai")!

    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    /// The day a date falls on, YYYY-MM-DD.
    public static func day(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// The calendar year a date falls in, in China.
    public static func year(_ date: Date) -> Int { calendar.component(.year, from: date) }

    /// YYYYMMDDhhmmss, as CEB messages write a time.
    public static func second(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// CCYYMMDDHHMM, as EDIFACT format 203 writes a time.
    public static func minute(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d%02d%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// The local wall-clock hour, minute and ISO weekday (1 Monday … 7 Sunday) of a date. Arithmetic, not a calendar:
    /// China has kept UTC+8 without daylight saving since 1991, and planners ask this for thousands of slots.
    public static func components(_ date: Date) -> (weekday: Int, hour: Int, minute: Int) {
        let local = Int((date.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        let days = Int((Double(local) / 86_400).rounded(.down))
        let second = local - days * 86_400
        // 1970-01-01 was a Thursday, ISO weekday 4.
        let weekday = ((days + 3) % 7 + 7) % 7 + 1
        return (weekday, second / 3600, second % 3600 / 60)
    }
}
