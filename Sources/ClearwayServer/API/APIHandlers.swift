import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import OpenAPIRuntime
import Prometheus

/// The HTTP API: each generated operation translated to one Clearway use case and back; no rule decided here.
struct APIHandlers: APIProtocol {
    let clearway: Clearway
    let registry: PrometheusCollectorRegistry
    /// The pages, for the HTML operations of the contract.
    let web: WebPages

    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        .ok(.init(body: .plainText(HTTPBody("ok\n"))))
    }

    func ready(_ input: Operations.Ready.Input) async throws -> Operations.Ready.Output {
        do {
            _ = try await clearway.referenceData()
            try await clearway.checkStore()
            return .ok(.init(body: .plainText(HTTPBody("ready\n"))))
        } catch {
            return .serviceUnavailable(.init(body: .plainText(HTTPBody("not ready: \(error)\n"))))
        }
    }

    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        // The store's own figures, read as they are now: how hard its writer works and how long SQLite's log is.
        let writer = clearway.store.writerStatistics
        registry.makeGauge(name: "clearway_writer_busy_seconds", help: "Time the writer has spent running groups")
            .set(writer.busy / .seconds(1))
        registry.makeGauge(name: "clearway_writer_transactions", help: "Transactions the writer has run").set(Double(writer.transactions))
        registry.makeGauge(name: "clearway_writer_groups", help: "Commits the writer has made, each of a group").set(Double(writer.groups))
        if let cpu = writer.cpu {
            registry.makeGauge(name: "clearway_writer_cpu_seconds", help: "Of the writer's busy time, the time it ran on a CPU")
                .set(cpu / .seconds(1))
        }
        if let sqlite = clearway.store as? SQLiteStore {
            let checkpoint = sqlite.lastCheckpoint
            registry.makeGauge(name: "clearway_sqlite_log_frames", help: "Pages in the write-ahead log at the last checkpoint")
                .set(Double(checkpoint.frames))
            registry.makeGauge(name: "clearway_sqlite_log_restarts", help: "Checkpoints that emptied the write-ahead log")
                .set(Double(checkpoint.restarts))
            registry.makeGauge(name: "clearway_sqlite_log_writer_pages", help: "The most pages the writer copied itself to empty the write-ahead log")
                .set(Double(checkpoint.longestTail))
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return .ok(.init(body: .plainText(HTTPBody(buffer))))
    }

    func openAPIDocument(_ input: Operations.OpenAPIDocument.Input) async throws -> Operations.OpenAPIDocument.Output {
        .ok(.init(body: .yaml(HTTPBody(try OpenAPIDocument.yaml()))))
    }

    func listOffices(_ input: Operations.ListOffices.Input) async throws -> Operations.ListOffices.Output {
        .ok(.init(body: .json(try await clearway.offices().map {
            .init(code: $0.code.rawValue, name: $0.name, nameZh: $0.nameZh, parent: $0.parent?.rawValue)
        })))
    }

    func listPorts(_ input: Operations.ListPorts.Input) async throws -> Operations.ListPorts.Output {
        let terminals = try await clearway.terminals()
        return .ok(.init(body: .json(try await clearway.ports().map { port in
            .init(
                locode: port.locode.rawValue, name: port.name, nameZh: port.nameZh, office: port.office.rawValue,
                terminals: terminals.filter { $0.port == port.locode }.map { .init(id: $0.id, name: $0.name) })
        })))
    }

    func listAgencies(_ input: Operations.ListAgencies.Input) async throws -> Operations.ListAgencies.Output {
        .ok(.init(body: .json(try await clearway.agencies().map {
            .init(id: $0.id, name: $0.name, nameZh: $0.nameZh, kind: $0.kind)
        })))
    }
}
