import ClearwayCore
import ClearwaySim
import Foundation

/// The repository's shipped scenarios and reference data, found from this file's place in the tree.
enum ScenarioFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = root.appendingPathComponent("Scenarios")

    static func load(_ name: String) throws -> Scenario {
        try Scenario.read(Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func networks() throws -> [DiversionNetwork] {
        try JSONDecoder().decode([DiversionNetwork].self,
                                 from: Data(contentsOf: root.appendingPathComponent("Data/reference/inspection-sites.json")))
    }

    /// A shipped scenario with its parameters changed, for shorter runs and for broken files.
    static func edited(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name))) as! [String: Any]
        change(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    static func parameters(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
        { object in
            var parameters = object["parameters"] as! [String: Any]
            change(&parameters)
            object["parameters"] = parameters
        }
    }
}
