import ClearwayApp
import ClearwayCore
import Foundation
import Hummingbird

extension WebPages {
    /// The inspection diversion board of a port: its sites and load, the boxes with their slots, and the terminal's
    /// move instructions (to the site by the leave-by time, back to the block after inspection).
    func diversion(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            let port = request.uri.queryParameters.get("port").map { String($0) } ?? "CNSHA"
            let language = visit.language
            let sites = try await clearway.diversionSites(port: port, by: principal).map { entry -> [String: Any] in
                ["id": entry.site.id, "name": entry.site.name, "lanes": entry.site.lanes,
                 "kinds": entry.site.kinds.map { locales.text("kind_\($0.rawValue)", language) }.joined(separator: ", "),
                 "down": entry.down, "reason": entry.reason ?? "", "planned": entry.planned, "started": entry.started]
            }
            let boxes = try await clearway.diversionBoxes(port: port, site: nil, status: nil, by: principal)
                .filter { $0.status != .returned && $0.status != .withdrawn }
                .map { box -> [String: Any] in
                    ["container": box.queued?.container.rawValue ?? "", "customsNumber": box.queued?.customsNumber ?? "",
                     "kind": box.queued.map { locales.text("kind_\($0.kind.rawValue)", language) } ?? "",
                     "status": locales.text("box_\(box.status.rawValue)", language), "statusCode": box.status.rawValue,
                     "site": box.slot?.site ?? "", "start": box.slot.map { Self.display($0.start) } ?? "",
                     "leaveBy": box.slot.map { Self.display($0.leaveBy) } ?? "", "green": box.queued?.greenChannel == true]
                }
            let moves = try await clearway.diversionMoves(port: port, by: principal).map { move -> [String: Any] in
                ["kind": locales.text("move_\(move.kind.rawValue)", language), "container": move.container, "from": move.from,
                 "to": move.to, "by": Self.display(move.by)]
            }
            return render("diversion", context(visit, title: "\(locales.text("diversion_title", language)) \(port)", [
                "port": port, "sites": sites, "boxes": boxes, "moves": moves, "noBoxes": boxes.isEmpty, "noMoves": moves.isEmpty,
            ]))
        }
    }
}
