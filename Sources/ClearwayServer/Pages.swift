import Foundation
import Mustache

/// The HTML templates bundled with the server, loaded once at start; Mustache escapes every value.
struct Pages: Sendable {
    let library: MustacheLibrary

    static func load() throws -> Pages {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        return Pages(library: library)
    }

    func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}
