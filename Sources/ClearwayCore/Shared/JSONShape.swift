/// The shape a JSON request body must have, checked before any field rule so every shape problem is reported at once.
public indirect enum JSONShape: Sendable {
    case string
    case integer
    case number
    case boolean
    case array(JSONShape)
    /// An object with these members; members not listed are refused.
    case object([String: Member])
    /// An object whose members all have one shape (a map such as rates by size class).
    case map(JSONShape)

    /// A member of an object shape.
    public struct Member: Sendable {
        public var shape: JSONShape
        public var required: Bool
        public static func required(_ shape: JSONShape) -> Member { Member(shape: shape, required: true) }
        public static func optional(_ shape: JSONShape) -> Member { Member(shape: shape, required: false) }
    }

    /// Every place `value` departs from this shape, each with its JSON pointer.
    public func problems(in value: JSONValue, at pointer: String = "") -> [FieldIssue] {
        var issues: [FieldIssue] = []
        check(value, { pointer }, &issues)
        return issues
    }

    /// `pointer` makes the member's JSON pointer only for an issue: a body that fits builds none of them (this check
    /// runs on every declaration lodged).
    private func check(_ value: JSONValue, _ pointer: () -> String, _ issues: inout [FieldIssue]) {
        func wrong(_ expected: String) { issues.append(FieldIssue(pointer(), "wrong-type", "expected \(expected)")) }
        switch (self, value) {
        case (.string, .string), (.boolean, .bool): return
        case (.number, .number): return
        case (.integer, .number(let n)):
            if n.rounded() != n || abs(n) > 9_007_199_254_740_991 { wrong("a whole number") }
        case (.array(let element), .array(let items)):
            for (index, item) in items.enumerated() { element.check(item, { "\(pointer())/\(index)" }, &issues) }
        case (.map(let element), .object(let members)):
            for member in members { element.check(member.value, { "\(pointer())/\(member.key.jsonPointerEscaped)" }, &issues) }
        case (.object(let fields), .object(let members)):
            var requiredPresent = 0
            for member in members {
                func path() -> String { "\(pointer())/\(member.key.jsonPointerEscaped)" }
                guard let field = fields[member.key] else {
                    issues.append(FieldIssue(path(), "unknown-field", "'\(member.key)' is not a field of this request"))
                    continue
                }
                if field.required { requiredPresent += 1 }
                if case .null = member.value {
                    if field.required { issues.append(FieldIssue(path(), "required", "\(member.key) may not be null")) }
                    continue
                }
                field.shape.check(member.value, path, &issues)
            }
            // Counted rather than looked up, as names are unique (`JSONValue.parse` refuses a name given twice).
            if requiredPresent != fields.values.count(where: \.required) {
                let present = Set(members.map(\.key))
                for name in fields.compactMap({ $0.value.required && !present.contains($0.key) ? $0.key : nil }).sorted() {
                    issues.append(FieldIssue("\(pointer())/\(name.jsonPointerEscaped)", "required", "the field \(name) is required"))
                }
            }
        case (.string, _): wrong("a string")
        case (.integer, _): wrong("a whole number")
        case (.number, _): wrong("a number")
        case (.boolean, _): wrong("true or false")
        case (.array, _): wrong("an array")
        case (.object, _), (.map, _): wrong("an object")
        }
    }
}

extension DeclarationForm {
    /// The JSON shape of a declaration as lodged, amended or completed (openapi.yaml `DeclarationInput`).
    public static let shape = JSONShape.object([
        "direction": .required(.string), "procedure": .optional(.string), "supervisionMode": .required(.string),
        "declarant": .required(.string), "tradingParty": .required(.string), "overseasParty": .optional(.string),
        "declarationOffice": .required(.string), "entryExitOffice": .required(.string), "destinationOffice": .optional(.string), "producer": .optional(.string),
        "transport": .required(.object([
            "mode": .required(.string), "means": .optional(.string), "voyage": .optional(.string),
        ])),
        "billOfLading": .optional(.string), "incoterm": .required(.string),
        "containers": .optional(.array(.object([
            "number": .required(.string), "seals": .optional(.array(.string)), "sizeType": .optional(.string), "imdgClass": .optional(.string),
        ]))),
        "items": .required(.array(.object([
            "commodityCode": .required(.string), "description": .required(.string), "quantity": .required(.string),
            "unit": .required(.string), "value": .required(.string), "currency": .required(.string),
            "origin": .required(.string),
        ]))),
    ])
}
