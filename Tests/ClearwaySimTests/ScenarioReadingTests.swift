import ClearwaySim
import Foundation
import Testing

@Suite("Scenario files")
struct ScenarioReadingTests {
    /// The problems reading `data` reports, as "path: message" lines.
    func problems(_ data: Data) -> [String] {
        do {
            _ = try Scenario.read(data)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test("every shipped scenario reads")
    func shippedScenariosRead() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ScenarioFiles.directory.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 9)
        for file in files {
            let found = problems(try Data(contentsOf: ScenarioFiles.directory.appendingPathComponent(file)))
            #expect(found.isEmpty, "\(file): \(found)")
        }
    }

    @Test("a value of the wrong type is named by its field")
    func wrongType() throws {
        let data = try ScenarioFiles.edited("pickup-yard.json", ScenarioFiles.parameters { $0["cranes"] = "four" })
        #expect(problems(data) == ["parameters.cranes: expected a whole number"])
    }

    @Test("a missing field, a misspelt one and a nested distribution's field are each named")
    func missingAndMisspelt() throws {
        let data = try ScenarioFiles.edited("pickup-yard.json", ScenarioFiles.parameters {
            $0["cranez"] = $0.removeValue(forKey: "cranes")
        })
        let found = problems(data)
        #expect(found.contains("parameters.cranez: is not a field of this scenario (did you mean 'cranes'?)"))
        #expect(found.contains("parameters.cranes: is missing"))
        let nested = try ScenarioFiles.edited("pickup-yard.json", ScenarioFiles.parameters {
            $0["gate"] = ["kind": "triangular", "min": 1, "max": 5]
        })
        #expect(problems(nested) == ["parameters.gate.mode: a triangular distribution needs 'mode'"])
    }

    @Test("values out of range say what range holds")
    func outOfRange() throws {
        let data = try ScenarioFiles.edited("transit-serial.json", ScenarioFiles.parameters {
            $0["documentaryShare"] = 1.4
            $0["bargeCapacity"] = 0
            $0["procedure"] = "direct-pickup"
        })
        #expect(problems(data) == [
            "parameters.procedure: is 'serial' or 'departure-confirmation', not 'direct-pickup'",
            "parameters.bargeCapacity: must be between 1 and 10000, not 0",
            "parameters.documentaryShare: is a share between 0 and 1, not 1.4",
            "parameters.inspectionShare: documentaryShare + inspectionShare is above 1",
        ])
    }

    @Test("an unstable queue is refused before it runs forever")
    func unstableQueue() throws {
        let data = try ScenarioFiles.edited("mmc-erlang.json", ScenarioFiles.parameters { $0["arrivalsPerHour"] = 60 })
        let found = problems(data)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("parameters.arrivalsPerHour: the queue is unstable: load per server 1.300") == true)
    }

    @Test("the model, the seed, the start date and the JSON itself are checked")
    func topLevel() throws {
        let unknownModel = try ScenarioFiles.edited("food-manual.json") { $0["model"] = "ferry" }
        #expect(problems(unknownModel) == ["model: is one of mmc, pickup, transit, food-approval, diversion, not 'ferry'"])
        let noSeed = try ScenarioFiles.edited("food-manual.json") {
            $0.removeValue(forKey: "seed")
            $0["start"] = "2026-02-30"
        }
        #expect(problems(noSeed) == ["seed: a scenario names its seed, so a run can be repeated",
                                     "start: is a date like 2026-06-01 (midnight China time)"])
        #expect(problems(Data("{\"name\": \"x\",".utf8)).first?.hasPrefix("(file): not valid JSON") == true)
        let profile = try ScenarioFiles.edited("food-manual.json", ScenarioFiles.parameters { $0["hourlyProfile"] = [1, 2, 3] })
        #expect(problems(profile) == ["parameters.hourlyProfile: has 24 values, one per hour, not 3"])
    }
}
