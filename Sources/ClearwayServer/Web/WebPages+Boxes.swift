import ClearwayApp
import ClearwayCore
import Foundation
import Hummingbird

extension WebPages {
    /// The terminal's box board (码头放行): each box it handled lately and whether it may move now.
    func boxes(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            let language = visit.language
            let board = try await clearway.terminalBoard(by: principal).map { box -> [String: Any] in
                ["container": box.container, "customsNumber": box.customsNumber ?? "", "release": box.release.rawValue,
                 "label": locales.text("release_\(box.release.rawValue)", language)]
            }
            return render("boxes", context(visit, title: locales.text("boxes_title", language), ["boxes": board, "empty": board.isEmpty]))
        }
    }
}
