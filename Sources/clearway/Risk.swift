import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation

/// `clearway risk train|eval`: learn the risk model from labelled inspection history and measure it.
struct Risk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The learned risk model: train it from labelled history, evaluate it on data it never saw.",
        subcommands: [Train.self, Eval.self, History.self])

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a gradient-boosted tree model from a CSV of inspection results and write it as JSON.")

        @Option(help: "Labelled history: a CSV with a 0/1 Fraud or discrepancy column.")
        var data: String

        @Option(help: "Where to write the model.")
        var out: String

        @Option(help: "Boosting rounds (trees).")
        var rounds: Int = BoostedTrees.Parameters().rounds

        @Option(help: "Leaves per tree.")
        var leaves: Int = BoostedTrees.Parameters().leaves

        @Option(help: "Learning rate (shrinkage per tree).")
        var learningRate: Double = BoostedTrees.Parameters().learningRate

        func validate() throws {
            guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
            guard leaves >= 2, leaves <= 4096 else { throw ValidationError("--leaves must be between 2 and 4096") }
            guard learningRate > 0, learningRate <= 1 else { throw ValidationError("--learning-rate must be in (0, 1]") }
        }

        func run() async throws {
            let history = try readHistory(data)
            var parameters = BoostedTrees.Parameters()
            parameters.rounds = rounds
            parameters.leaves = leaves
            parameters.learningRate = learningRate
            let bar = ProgressBar(total: rounds, label: "training")
            let started = ContinuousClock.now
            let model = RiskModel.train(history.records, parameters: parameters, progress: bar.update)
            bar.finish()
            let elapsed = ContinuousClock.now - started
            try model.encoded().write(to: URL(fileURLWithPath: out), options: .atomic)
            print("records: \(model.trainedOn)")
            print("trees: \(model.trees.trees.count)")
            print(String(format: "training seconds: %.2f", elapsed.seconds))
            print("model: \(out)")
        }
    }

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a labelled CSV with a model; print precision@1/2/5/10%, revenue@n% where known, and AUC.")

        @Option(help: "A model written by `clearway risk train`.")
        var model: String

        @Option(help: "Labelled records the model did not learn from.")
        var data: String

        func run() async throws {
            let loaded = try loadRiskModel(model)
            let history = try readHistory(data)
            let scores = history.records.map(loaded.probability)
            let evaluation = RiskEvaluation(scores: scores, labels: history.records.map { $0.discrepancy == true },
                                            revenue: history.revenue)
            for line in evaluation.lines { print(line) }
        }
    }
}

extension Risk {
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the ledger's inspection results as labelled history (one row per goods line) for training.")

        @OptionGroup var options: DatabaseOptions

        @Option(help: "Where to write the CSV.")
        var out: String

        func run() async throws {
            let clearway = try await options.openMigrated(logger: options.logger())
            let records: [RiskRecord]
            do { records = try await clearway.riskHistory() } catch {
                await clearway.store.close()
                throw error
            }
            await clearway.store.close()
            let fields = [RiskField.office, RiskField.supervisionMode, RiskField.transportMode, RiskField.declarant,
                          RiskField.importer, RiskField.seller, RiskField.commodity, RiskField.originCountry,
                          RiskField.netMass, RiskField.itemPrice]
            var lines = [(fields + ["discrepancy"]).joined(separator: ",")]
            for record in records {
                let values = fields.map { field in
                    let value = record.fields[field] ?? ""
                    return value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                        ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
                }
                lines.append((values + [record.discrepancy == true ? "1" : "0"]).joined(separator: ","))
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
            print("records: \(records.count)")
            print("history: \(out)")
        }
    }
}

/// Reads a model file written by `clearway risk train`, or says what is wrong with it.
func loadRiskModel(_ path: String) throws -> RiskModel {
    let bytes: Data
    do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw ValidationError("cannot read risk model \(path): \(error.localizedDescription)")
    }
    do { return try RiskModel.decode(bytes) } catch { throw ValidationError("\(path): \(error)") }
}

func readHistory(_ path: String) throws -> RiskHistoryCSV.History {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
    do { return try RiskHistoryCSV.read(text) } catch { throw ValidationError("\(path): \(error)") }
}

/// A one-line progress bar on standard error, redrawn in place when it is a terminal.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    let label: String
    let interactive = isatty(STDERR_FILENO) != 0
    private var shown = -1

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    func update(_ done: Int) {
        let percent = done * 100 / total
        guard percent != shown else { return }
        shown = percent
        let width = 30
        let filled = done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\(label) [\(bar)] \(done)/\(total)"
        if interactive {
            FileHandle.standardError.write(Data(("\r" + line).utf8))
        } else if percent % 25 == 0 {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
