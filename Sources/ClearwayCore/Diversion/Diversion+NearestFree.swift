import Foundation

extension Diversion {
    /// The practice the planner replaces, kept as the baseline it is measured against: boxes in the order they became
    /// ready, each sent to the nearest site that can inspect it and given that site's first free lane.
    public static func nearestFree(_ boxes: [Box], network: DiversionNetwork, down: Set<String> = [], now: Date) -> Plan {
        var placements: [Placement] = []
        var unplaced: [String: Unplaced] = [:]
        var held = heldLanes(boxes, network: network, now: now)
        placements += startedPlacements(boxes, network: network, now: now)
        let horizon = Double(network.horizonHours * 60)
        let waiting = boxes.filter { $0.started == nil }.sorted { ($0.readyAt, $0.id) < ($1.readyAt, $1.id) }
        for box in waiting {
            let up = compatibleSites(for: box, in: network).filter { !down.contains($0.id) }
            let nearest = up.compactMap { site in network.travel(from: box.location, to: site.id).map { (site, $0) } }
                .min { ($0.1, $0.0.id) < ($1.1, $1.0.id) }
            guard let (site, travel) = nearest else {
                unplaced[box.id] = .noRoute(from: box.location ?? network.defaultLocation)
                continue
            }
            let arrive = max(0, box.readyAt.timeIntervalSince(now) / 60) + Double(travel)
            let length = Double(site.slotMinutes)
            var begin = firstSlot(after: now, length: length)
            while begin.timeIntervalSince(now) / 60 < arrive { begin = begin.addingTimeInterval(length * 60) }
            var placed = false
            while true {
                let start = begin.timeIntervalSince(now) / 60
                guard start + length <= horizon else { break }
                if site.isOpen(from: begin), busyLanes(held[site.id] ?? [], from: start, length: length) < site.lanes {
                    held[site.id, default: []].append((start, start + length))
                    let slot = Slot(site: site.id, start: begin, end: begin.addingTimeInterval(length * 60),
                                    leaveBy: begin.addingTimeInterval(-Double(travel) * 60))
                    placements.append(Placement(box: box.id, slot: slot, circulationMinutes: start + length + Double(travel),
                                                started: false))
                    placed = true
                    break
                }
                begin = begin.addingTimeInterval(length * 60)
            }
            if !placed { unplaced[box.id] = .noSlotWithinHorizon(hours: network.horizonHours, sites: [site.id]) }
        }
        return Plan(at: now, placements: placements, unplaced: unplaced)
    }
}
