import ClearwayCore
import Foundation

extension Date {
    /// The fixed-width UTC text every table stores times as.
    var timestamp: String { Timestamp.format(self) }
}
