import Foundation

/// A simulated day to replay against a running platform (`clearway serve --demo --live`): what each party does to
/// each box and parcel, and when, in seconds from the day's start.
public enum LiveDay {
    public struct Step: Sendable, Equatable {
        public var at: Double
        public var action: Action
        public init(at: Double, action: Action) {
            self.at = at
            self.action = action
        }
    }

    public enum Action: Sendable, Equatable {
        /// The broker lodges the box's declaration.
        case lodge(box: Int)
        /// The broker pays the duties online.
        case settleDuties(box: Int)
        /// The terminal reports the box discharged.
        case discharge(box: Int)
        /// An officer finishes the document review or inspection the box was picked for.
        case completeInspection(box: Int)
        /// The terminal reports the box out of the gate, at ship side or from the yard.
        case gateOut(box: Int, shipSide: Bool)
        /// An e-commerce parcel's order, payment, waybill and list arrive.
        case parcel(index: Int)
    }

    /// The container number box `box` of the replay tagged `run` carries (owner code LIV), so replays do not collide.
    public static func containerNumber(box: Int, run: Int) -> String {
        DeclarationDriver.containerNumber(run % 1000 * 1000 + box % 1000, owner: "LIV")
    }

    /// The day: the boxes of `model` (its vessels in the first 24 hours) and `parcels` parcels arriving as a
    /// Poisson stream that follows evening shopping hours.
    public static func plan(model: PickupModel, parcels: Int, seed: UInt64, start: Date) throws -> [Step] {
        var boxes = model
        boxes.days = 1
        var steps = try boxes.timeline(seed: seed, start: start)
        var random = SeededRandom(seed: seed, stream: "parcels")
        let profile: [Double] = [3, 2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 5, 5, 5, 5, 5, 6, 7, 9, 10, 9, 6]
        let total = profile.reduce(0, +)
        for index in 0..<parcels {
            var pick = random.unit() * total, hour = 0
            while hour < 23, pick >= profile[hour] {
                pick -= profile[hour]
                hour += 1
            }
            steps.append(Step(at: (Double(hour) + random.unit()) * 3600, action: .parcel(index: index)))
        }
        return steps.sorted { $0.at < $1.at }
    }
}
