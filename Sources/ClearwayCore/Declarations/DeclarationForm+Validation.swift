import Foundation

extension DeclarationForm {
    /// The credit codes this form names, so the caller can look the parties up before validating.
    public var namedCreditCodes: [String] { [declarant, tradingParty] + (producer.map { [$0] } ?? []) }

    /// Checks every field against the reference data and the registered parties; reports all problems at once.
    public func validated(
        reference: ReferenceData, parties: [CreditCode: Party], at date: Date
    ) throws(ValidationFailure) -> DeclarationDraft {
        var issues = IssueCollector()
        let direction = Direction(rawValue: self.direction)
        if direction == nil { issues.add("/direction", "direction-unknown", "direction is 'import' or 'export'") }
        let procedure = Procedure(rawValue: self.procedure ?? Procedure.serial.rawValue)
        if procedure == nil {
            issues.add(
                "/procedure", "procedure-unknown",
                "'\(self.procedure ?? "")' is not one of \(Procedure.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if reference.supervisionModes[supervisionMode] == nil {
            issues.add("/supervisionMode", "supervision-mode-unknown", "'\(supervisionMode)' is not in the supervision mode table")
        }
        let declarant = party(declarant, at: "/declarant", parties, &issues)
        let trading = party(tradingParty, at: "/tradingParty", parties, &issues)
        let producer = self.producer.flatMap { party($0, at: "/producer", parties, &issues) }
        if let overseas = overseasParty, overseas.isEmpty || overseas.count > 200 {
            issues.add("/overseasParty", "text-length", "the overseas party name has 1 to 200 characters")
        }
        let declarationOffice = office(declarationOffice, at: "/declarationOffice", reference, &issues)
        let entryExitOffice = office(entryExitOffice, at: "/entryExitOffice", reference, &issues)
        let destination = destinationOffice.flatMap { office($0, at: "/destinationOffice", reference, &issues) }
        let transport = validatedTransport(reference, &issues)
        if let bill = billOfLading, !isReference(bill) {
            issues.add("/billOfLading", "bill-of-lading-format", "a bill of lading number has 1 to 35 letters, digits or '-'")
        }
        if !reference.incoterms.contains(incoterm) {
            issues.add("/incoterm", "incoterm-unknown", "'\(incoterm)' is not an Incoterms 2020 rule (EXW, FCA, FOB, CIF …)")
        }
        let containers = validatedContainers(reference, &issues)
        let items = validatedItems(reference, &issues)
        if let procedure, let direction {
            checkProcedure(procedure, direction, trading, entryExitOffice, reference, parties, date, &issues)
        }
        try issues.finish()
        return DeclarationDraft(
            direction: direction!, procedure: procedure!, supervisionMode: supervisionMode, declarant: declarant!, tradingParty: trading!,
            overseasParty: overseasParty, declarationOffice: declarationOffice!, entryExitOffice: entryExitOffice!,
            transport: transport, billOfLading: billOfLading, incoterm: incoterm, containers: containers, items: items,
            destinationOffice: destination, producer: producer)
    }

    private func checkProcedure(
        _ procedure: Procedure, _ direction: Direction, _ trading: PartyRef?, _ office: OfficeCode?,
        _ reference: ReferenceData, _ parties: [CreditCode: Party], _ date: Date, _ issues: inout IssueCollector
    ) {
        if !procedure.directions.contains(direction) {
            issues.add("/procedure", "procedure-direction", "\(procedure.rawValue) is not used for \(direction.rawValue)s")
        }
        if procedure.needsTransportAtLodgement && (transport.means == nil || transport.voyage == nil) {
            issues.add(
                "/transport/means", "transport-required",
                "the \(procedure.rawValue) procedure needs the means of transport and voyage at lodgement")
        }
        if let trading, let office, let party = parties[trading.creditCode] {
            let tier = party.creditTier(at: date)
            if !reference.allows(procedure, at: office, tier: tier, on: date) {
                issues.add(
                    "/procedure", "procedure-not-allowed",
                    "\(procedure.rawValue) is not open at office \(office) to a \(tier.rawValue) enterprise")
            }
        }
    }

    private func party(
        _ code: String, at pointer: String, _ parties: [CreditCode: Party], _ issues: inout IssueCollector
    ) -> PartyRef? {
        guard let credit = issues.check(pointer, { () throws(IdentifierError) in try CreditCode(code) }) else { return nil }
        guard let party = parties[credit] else {
            issues.add(pointer, "party-unregistered", "no enterprise with credit code \(code) is registered")
            return nil
        }
        return PartyRef(id: party.id, creditCode: credit, name: party.name)
    }

    private func office(
        _ code: String, at pointer: String, _ reference: ReferenceData, _ issues: inout IssueCollector
    ) -> OfficeCode? {
        guard let office = issues.check(pointer, { () throws(IdentifierError) in try OfficeCode(code) }) else { return nil }
        guard reference.offices.contains(office), office != .administration else {
            issues.add(pointer, "office-unknown", "\(code) is not a customs office that accepts declarations")
            return nil
        }
        return office
    }

    private func validatedTransport(_ reference: ReferenceData, _ issues: inout IssueCollector) -> Transport {
        if reference.transportModes[transport.mode] == nil {
            issues.add("/transport/mode", "transport-mode-unknown", "'\(transport.mode)' is not a transport mode code")
        }
        if let means = transport.means, means.trimmingWhitespaces().isEmpty || means.count > 100 {
            issues.add("/transport/means", "text-length", "the means of transport has 1 to 100 characters")
        }
        if let voyage = transport.voyage, !isReference(voyage) {
            issues.add("/transport/voyage", "voyage-format", "a voyage or flight number has 1 to 35 letters, digits or '-'")
        }
        if transport.voyage != nil && transport.means == nil {
            issues.add("/transport/means", "means-missing", "a voyage is bound together with its means of transport")
        }
        return Transport(mode: transport.mode, means: transport.means, voyage: transport.voyage)
    }

    private func validatedContainers(_ reference: ReferenceData, _ issues: inout IssueCollector) -> [Container] {
        if containers.count > reference.limits.maxContainers {
            issues.add("/containers", "too-many-containers", "at most \(reference.limits.maxContainers) containers")
        }
        var seen: Set<String> = []
        var result: [Container] = []
        for (index, form) in containers.enumerated() {
            let pointer = "/containers/\(index)"
            if !seen.insert(form.number).inserted {
                issues.add("\(pointer)/number", "container-duplicate", "container \(form.number) is listed twice")
            }
            let number = issues.check("\(pointer)/number") { () throws(IdentifierError) in try ContainerNumber(form.number) }
            for (sealIndex, seal) in form.seals.enumerated() where !isReference(seal) {
                issues.add("\(pointer)/seals/\(sealIndex)", "seal-format", "a seal number has 1 to 35 letters, digits or '-'")
            }
            if let sizeType = form.sizeType,
                !(sizeType.count == 4 && sizeType.allSatisfy { $0.isASCIIDigit || $0.isASCIIUpper })
            {
                issues.add("\(pointer)/sizeType", "size-type-format", "an ISO 6346 size-type code has 4 characters, like 22G1")
            }
            if let imdg = form.imdgClass, !Container.isIMDGClass(imdg) {
                issues.add("\(pointer)/imdgClass", "imdg-class", "an IMDG class is 1 to 9 with an optional division, like 3 or 2.1")
            }
            if let number {
                result.append(Container(number: number, seals: form.seals, sizeType: form.sizeType, imdgClass: form.imdgClass))
            }
        }
        return result
    }

    private func validatedItems(_ reference: ReferenceData, _ issues: inout IssueCollector) -> [GoodsItem] {
        if items.isEmpty { issues.add("/items", "items-missing", "a declaration has at least one goods item") }
        if items.count > reference.limits.maxItems {
            issues.add("/items", "too-many-items", "at most \(reference.limits.maxItems) goods items per declaration")
        }
        var result: [GoodsItem] = []
        for (index, form) in items.enumerated() {
            let pointer = "/items/\(index)"
            let code = issues.check("\(pointer)/commodityCode") { () throws(IdentifierError) in
                try CommodityCode(form.commodityCode)
            }
            if let code, !reference.hs.contains(code) {
                issues.add(
                    "\(pointer)/commodityCode", "hs-code-unknown",
                    "\(code.subheading) is not a subheading of HS \(reference.hs.edition)")
            }
            let description = form.description.trimmingWhitespaces()
            if description.isEmpty || description.count > 255 {
                issues.add("\(pointer)/description", "text-length", "a goods description has 1 to 255 characters")
            }
            let quantity = issues.check("\(pointer)/quantity") { () throws(IdentifierError) in try Quantity(form.quantity) }
            if form.unit.isEmpty || form.unit.count > 10 {
                issues.add("\(pointer)/unit", "text-length", "a unit has 1 to 10 characters")
            }
            var value: Money?
            if let exponent = reference.currencies[form.currency] {
                value = issues.check("\(pointer)/value") { () throws(IdentifierError) in
                    try Money.parse(form.value, currency: form.currency, exponent: exponent)
                }
                if let amount = value, amount.minor == 0 {
                    issues.add("\(pointer)/value", "value-not-positive", "the value of a goods item is greater than zero")
                    value = nil
                }
            } else {
                issues.add("\(pointer)/currency", "currency-unknown", "'\(form.currency)' is not an ISO 4217 currency code")
            }
            if !reference.countries.contains(form.origin) {
                issues.add("\(pointer)/origin", "country-unknown", "'\(form.origin)' is not an ISO 3166 country code")
            }
            if let code, let quantity, let value, !description.isEmpty {
                result.append(
                    GoodsItem(
                        number: index + 1, commodityCode: code, description: description, quantity: quantity,
                        unit: form.unit, value: value, origin: form.origin))
            }
        }
        return result
    }

    private func isReference(_ text: String) -> Bool {
        (1...35).contains(text.count) && text.allSatisfy { $0.isASCIIDigit || $0.isASCIIUpper || $0 == "-" }
    }
}
