import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func feesPage(_ input: Operations.FeesPage.Input) async throws -> Operations.FeesPage.Output {
        let catalogs = try await clearway.feeCatalogs()
        let now = clearway.environment.now()
        let exponents = try await clearway.referenceData().currencies
        let groups = Dictionary(grouping: catalogs) { "\($0.port)|\($0.chargingParty)" }
        let lists: [[String: Any]] = groups.keys.sorted().compactMap { key in
            let versions = groups[key]!.sorted { $0.version < $1.version }
            guard let current = versions.inForce(port: versions[0].port, chargingParty: versions[0].chargingParty, on: now)
                ?? versions.last
            else { return nil }
            let previous = versions.last { $0.version < current.version }
            var list: [String: Any] = [
                "id": current.id, "port": current.port.rawValue, "chargingParty": current.chargingParty,
                "version": current.version, "effectiveFrom": Timestamp.format(current.effectiveFrom),
                "items": current.items.map { item -> [String: Any] in
                    [
                        "code": item.code, "nameZh": item.nameZh, "nameEn": item.nameEn, "payer": item.payer,
                        "basis": item.basis.rawValue, "legalBasis": item.legalBasis,
                        "rates": item.rates.sorted { $0.key < $1.key }.map { key, money in
                            "\(key.isEmpty ? "" : "\(key)′ ")\(money.formatted(exponents: exponents)) \(money.currency)"
                        }.joined(separator: "; "),
                        "exemptions": item.exemptions.map(\.rawValue).joined(separator: ", "),
                    ]
                },
            ]
            if let until = current.effectiveUntil { list["effectiveUntil"] = Timestamp.format(until) }
            if let previous {
                list["previousID"] = previous.id
                list["previousVersion"] = previous.version
            }
            return list
        }
        return .ok(.init(body: .html(HTTPBody(web.html("fees", title: "fees_title", ["lists": lists])))))
    }

    func listFeeCatalogs(_ input: Operations.ListFeeCatalogs.Input) async throws -> Operations.ListFeeCatalogs.Output {
        let exponents = try await clearway.referenceData().currencies
        let all = try await clearway.feeCatalogs().filter { input.query.port == nil || $0.port.rawValue == input.query.port }
        return .ok(.init(body: .json(all.map { .init($0, exponents) })))
    }

    func publishFeeCatalog(_ input: Operations.PublishFeeCatalog.Input) async throws -> Operations.PublishFeeCatalog.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let form = FeeCatalogForm(
            port: body.port, chargingParty: body.chargingParty, effectiveFrom: body.effectiveFrom,
            effectiveUntil: body.effectiveUntil,
            items: body.items.map {
                .init(
                    code: $0.code, nameZh: $0.nameZh, nameEn: $0.nameEn, payer: $0.payer, basis: $0.basis,
                    rates: $0.rates.additionalProperties, currency: $0.currency, legalBasis: $0.legalBasis,
                    exemptions: $0.exemptions ?? [])
            })
        let catalog = try await clearway.publishCatalog(form, by: principal)
        return .created(.init(body: .json(.init(catalog, try await clearway.referenceData().currencies))))
    }

    func getFeeCatalog(_ input: Operations.GetFeeCatalog.Input) async throws -> Operations.GetFeeCatalog.Output {
        let catalog = try await clearway.feeCatalog(input.path.catalogId)
        return .ok(.init(body: .json(.init(catalog, try await clearway.referenceData().currencies))))
    }

    func getFeeCatalogCSV(_ input: Operations.GetFeeCatalogCSV.Input) async throws -> Operations.GetFeeCatalogCSV.Output {
        let catalog = try await clearway.feeCatalog(input.path.catalogId)
        let exponents = try await clearway.referenceData().currencies
        func cell(_ text: String) -> String {
            text.contains(where: { ",\"\n".contains($0) }) ? "\"\(text.replacingOccurrences(of: "\"", with: "\"\""))\"" : text
        }
        var csv = "port,charging_party,version,effective_from,code,name_zh,name_en,payer,basis,size_class,rate,currency,legal_basis,exemptions\n"
        for item in catalog.items {
            for (size, rate) in item.rates.sorted(by: { $0.key < $1.key }) {
                csv += [
                    catalog.port.rawValue, catalog.chargingParty, String(catalog.version), Timestamp.format(catalog.effectiveFrom),
                    item.code, item.nameZh, item.nameEn, item.payer, item.basis.rawValue, size,
                    rate.formatted(exponents: exponents), rate.currency, item.legalBasis,
                    item.exemptions.map(\.rawValue).joined(separator: " "),
                ].map(cell).joined(separator: ",") + "\n"
            }
        }
        return .ok(.init(body: .csv(HTTPBody(csv))))
    }

    func diffFeeCatalogs(_ input: Operations.DiffFeeCatalogs.Input) async throws -> Operations.DiffFeeCatalogs.Output {
        let new = try await clearway.feeCatalog(input.path.catalogId)
        let old = try await clearway.feeCatalog(input.query.against)
        let exponents = try await clearway.referenceData().currencies
        let diff = FeeCatalogDiff(from: old, to: new)
        return .ok(.init(body: .json(.init(
            from: old.id, to: new.id, added: diff.added.map { .init($0, exponents) },
            removed: diff.removed.map { .init($0, exponents) },
            changed: diff.changed.map { .init(before: .init($0.before, exponents), after: .init($0.after, exponents)) }))))
    }

    func estimateFees(_ input: Operations.EstimateFees.Input) async throws -> Operations.EstimateFees.Output {
        _ = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let procedure = body.procedure.map { Procedure(rawValue: $0) } ?? .serial
        let plan = ShipmentPlan(
            containers: body.containers.additionalProperties, tonnes: body.tonnes ?? 0, declarations: body.declarations ?? 1,
            vesselGrossTonnage: body.vesselGrossTonnage ?? 0, hours: body.hours ?? 0,
            inspectionLikely: body.inspectionLikely ?? false, procedure: procedure ?? .serial)
        var issues = plan.issues
        if procedure == nil { issues.append(FieldIssue("/procedure", "procedure-unknown", "'\(body.procedure ?? "")' is not a procedure")) }
        if !issues.isEmpty { throw ClearanceError.invalid(ValidationFailure(issues)) }
        let exponents = try await clearway.referenceData().currencies
        let estimates = try await clearway.estimateFees(port: body.port, plan: plan)
        return .ok(.init(body: .json(.init(port: body.port, lists: estimates.map { catalog, lines in
            let totals = Dictionary(grouping: lines, by: \.amount.currency).mapValues { Money.sum($0.lazy.map(\.amount.minor)) }
            return .init(
                catalogId: catalog.id, chargingParty: catalog.chargingParty, version: catalog.version,
                lines: lines.map {
                    .init(
                        itemCode: $0.itemCode, nameZh: $0.nameZh, nameEn: $0.nameEn, payer: $0.payer, sizeClass: $0.sizeClass,
                        quantity: $0.quantity, unitRate: $0.unitRate.formatted(exponents: exponents),
                        amount: $0.amount.formatted(exponents: exponents), currency: $0.amount.currency,
                        onlyIfInspectionFinds: $0.onlyIfInspectionFinds)
                },
                totals: totals.sorted { $0.key < $1.key }.map {
                    .init(amount: Money(minor: $0.value, currency: $0.key).formatted(exponents: exponents), currency: $0.key)
                })
        }))))
    }

    func submitInvoice(_ input: Operations.SubmitInvoice.Input) async throws -> Operations.SubmitInvoice.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let form = InvoiceForm(
            chargingParty: body.chargingParty, port: body.port, declaration: body.declaration,
            lines: body.lines.map {
                .init(
                    number: $0.number, itemCode: $0.itemCode, serviceDate: $0.serviceDate, basis: $0.basis, quantity: $0.quantity,
                    sizeClass: $0.sizeClass, container: $0.container, unitRate: $0.unitRate, amount: $0.amount,
                    currency: $0.currency)
            })
        let invoice = try await clearway.submitInvoice(form, by: principal)
        return .created(.init(body: .json(.init(invoice, try await clearway.referenceData().currencies))))
    }

    func getInvoice(_ input: Operations.GetInvoice.Input) async throws -> Operations.GetInvoice.Output {
        let invoice = try await clearway.invoice(input.path.invoiceId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(invoice, try await clearway.referenceData().currencies))))
    }

    func disputeInvoiceLine(_ input: Operations.DisputeInvoiceLine.Input) async throws -> Operations.DisputeInvoiceLine.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let invoice = try await clearway.disputeInvoiceLine(
            input.path.invoiceId, line: body.line, reason: body.reason, by: principal)
        return .ok(.init(body: .json(.init(invoice, try await clearway.referenceData().currencies))))
    }

    func feeStatistics(_ input: Operations.FeeStatistics.Input) async throws -> Operations.FeeStatistics.Output {
        var issues = IssueCollector()
        for (name, value) in [("fromMonth", input.query.fromMonth), ("toMonth", input.query.toMonth)] {
            if let value, !(value.count == 7 && Timestamp.parse(value + "-01T00:00:00Z") != nil) {
                issues.add("/query/\(name)", "month-format", "\(name) is YYYY-MM")
            }
        }
        do { try issues.finish() } catch { throw ClearanceError.invalid(error) }
        let rows = try await clearway.feeSummary(
            fromMonth: input.query.fromMonth, toMonth: input.query.toMonth, by: try RequestPrincipal.required())
        let exponents = try await clearway.referenceData().currencies
        return .ok(.init(body: .json(rows.map {
            .init(
                chargingParty: $0.chargingParty, port: $0.port, month: $0.month, currency: $0.currency, lines: $0.lines,
                flaggedLines: $0.flaggedLines, disputedLines: $0.disputedLines,
                charged: Money(minor: $0.chargedMinor, currency: $0.currency).formatted(exponents: exponents),
                allowed: Money(minor: $0.allowedMinor, currency: $0.currency).formatted(exponents: exponents))
        })))
    }
}

extension Components.Schemas.FeeItem {
    init(_ item: FeeItem, _ exponents: [String: Int]) {
        let currency = item.rates.values.first?.currency ?? "CNY"
        self.init(
            code: item.code, nameZh: item.nameZh, nameEn: item.nameEn, payer: item.payer, basis: item.basis.rawValue,
            rates: .init(additionalProperties: item.rates.mapValues { $0.formatted(exponents: exponents) }),
            currency: currency, legalBasis: item.legalBasis, exemptions: item.exemptions.map(\.rawValue))
    }
}

extension Components.Schemas.FeeCatalog {
    init(_ catalog: FeeCatalog, _ exponents: [String: Int]) {
        self.init(
            id: catalog.id, port: catalog.port.rawValue, chargingParty: catalog.chargingParty, version: catalog.version,
            effectiveFrom: catalog.effectiveFrom, effectiveUntil: catalog.effectiveUntil,
            items: catalog.items.map { .init($0, exponents) })
    }
}

extension Components.Schemas.CheckedInvoice {
    init(_ state: Invoice.State, _ exponents: [String: Int]) {
        let invoice = state.submitted!
        func text(_ money: Money) -> String { money.formatted(exponents: exponents) }
        self.init(
            id: state.id, chargingParty: invoice.chargingParty, port: invoice.port.rawValue, declarationId: invoice.declarationID,
            flaggedLines: Set(invoice.flags.map(\.line)).count,
            lines: invoice.lines.map { line in
                .init(
                    number: line.number, itemCode: line.itemCode, serviceDate: line.serviceDate, basis: line.basis.rawValue,
                    quantity: line.quantity, sizeClass: line.sizeClass, container: line.container, unitRate: text(line.unitRate),
                    amount: text(line.amount), currency: line.amount.currency,
                    allowed: text(invoice.allowed[line.number] ?? Money(minor: 0, currency: line.amount.currency)),
                    flags: invoice.flags.filter { $0.line == line.number }.map { flag in
                        .init(
                            kind: flag.kind.rawValue, detail: flag.detail, catalogId: flag.catalogID,
                            catalogVersion: flag.catalogVersion, itemCode: flag.itemCode, allowed: flag.allowed.map(text))
                    },
                    dispute: state.disputes[line.number])
            })
    }
}
