import ClearwayApp
import Logging

/// Sends appointment reminders once a minute: every booked appointment within the reminder lead gets one
/// `reminded` event, which the outbox carries to the enterprise.
public enum AppointmentReminders {
    public static func beat(clearway: Clearway, interval: Duration = .seconds(60), logger: Logger) -> Beat {
        Beat("appointment reminders", every: interval, logger: logger) { logger in
            let sent = try await clearway.sendAppointmentReminders()
            if !sent.isEmpty { logger.info("appointment reminders sent", metadata: ["appointments": "\(sent.count)"]) }
        }
    }
}
