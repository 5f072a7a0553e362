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

    /// CCYYMMDDHHMM, as EDIFACT format 203 writes a time.
    public static func minute(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d%02d%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }
}
