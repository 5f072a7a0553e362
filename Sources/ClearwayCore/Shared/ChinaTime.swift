import Foundation

/// China Standard Time, the clock customs numbers, random-selection days and EDI timestamps are read on.
public enum ChinaTime {
    public static let zone = TimeZone(identifier: "Asia/Shanghai")!

    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    /// The wall-clock date and time of a moment in China, by arithmetic (UTC+8, no daylight saving since 1991;
    /// Calendar is slow and these are asked for on every message).
    public static func civil(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let (days, secondOfDay) = local(date)
        let (year, month, day) = gregorian(daysSince1970: days)
        return (year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date algorithms").
    static func gregorian(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The proleptic Gregorian date's days since 1970-01-01, the inverse of `gregorian(daysSince1970:)` (same source).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Days in a month of the proleptic Gregorian calendar.
    static func daysIn(month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whole days since 1970-01-01 and the second of the day, on China's wall clock (UTC+8).
    static func local(_ date: Date) -> (days: Int, second: Int) {
        let local = Int((date.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        let days = Int((Double(local) / 86_400).rounded(.down))
        return (days, local - days * 86_400)
    }

    public static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// The day a date falls on, YYYY-MM-DD.
    public static func day(_ date: Date) -> String {
        let c = civil(date)
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    /// The calendar year a date falls in, in China.
    public static func year(_ date: Date) -> Int { civil(date).year }

    /// YYYYMMDDhhmmss, as CEB messages write a time.
    public static func second(_ date: Date) -> String {
        let c = civil(date)
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2)
    }

    /// Reads YYYYMMDDhhmmss (China time), as CEB messages write a time; nil when it is not one.
    public static func parseSecond(_ text: String) -> Date? {
        let digits = Array(text.prefix(14))
        guard digits.count == 14, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        func part(_ from: Int, _ length: Int) -> String { String(digits[from..<from + length]) }
        return Timestamp.parse("\(part(0, 4))-\(part(4, 2))-\(part(6, 2))T\(part(8, 2)):\(part(10, 2)):\(part(12, 2))+08:00")
    }

    /// The first moment of a China day (YYYY-MM-DD).
    public static func startOfDay(_ day: String) -> Date? { Timestamp.parse(day + "T00:00:00+08:00") }

    /// The day `days` after a China day (YYYY-MM-DD), and its ISO weekday (1 Monday … 7 Sunday).
    public static func day(_ day: String, plus days: Int) -> (day: String, weekday: Int)? {
        guard let start = startOfDay(day) else { return nil }
        let next = start.addingTimeInterval(Double(days) * 86_400 + 3600)
        return (self.day(next), components(next).weekday)
    }

    /// CCYYMMDDHHMM, as EDIFACT format 203 writes a time.
    public static func minute(_ date: Date) -> String {
        let c = civil(date)
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + pad(c.hour, 2) + pad(c.minute, 2)
    }

    /// The local wall-clock hour, minute and ISO weekday (1 Monday … 7 Sunday) of a date. Arithmetic, not a calendar:
    /// China has kept UTC+8 without daylight saving since 1991, and planners ask this for thousands of slots.
    public static func components(_ date: Date) -> (weekday: Int, hour: Int, minute: Int) {
        let (days, second) = local(date)
        // 1970-01-01 was a Thursday, ISO weekday 4.
        let weekday = ((days + 3) % 7 + 7) % 7 + 1
        return (weekday, second / 3600, second % 3600 / 60)
    }
}
