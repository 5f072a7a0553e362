import Foundation

/// The part of W3C XML Schema that message schemas such as China's CEB XSDs use: global and local elements, sequences
/// with occurrence bounds, required attributes, and string/decimal/int restrictions (length, minLength, maxLength,
/// totalDigits, fractionDigits). Elements of other namespaces (the XML signature) are accepted without checking.
///
/// Validation reports one issue per element whose content does not fit and does not descend further into it, so a
/// document's issue count is the number of places that are wrong, as schema validators count them.
public struct XMLSchema: Sendable {
    public let targetNamespace: String
    var elements: [String: Element] = [:]
    var complexTypes: [String: Complex] = [:]
    var simpleTypes: [String: Simple] = [:]

    /// A problem found, with the element path (`/CEB311Message/Order[2]/OrderHead/orderNo`).
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    struct Simple: Sendable {
        var base = "string"
        var length: Int?
        var minLength: Int?
        var maxLength: Int?
        var totalDigits: Int?
        var fractionDigits: Int?
    }

    struct Particle: Sendable {
        /// nil for `xs:any`.
        var element: Element?
        var min: Int
        var max: Int?
    }

    struct Complex: Sendable {
        var particles: [Particle] = []
        var requiredAttributes: [String] = []
        var text: Simple?
    }

    indirect enum Content: Sendable {
        case simple(Simple)
        case complex(Complex)
        case named(String)
        /// A global element, resolved when used.
        case reference(String)
        /// Another namespace's element (the XML signature): not checked.
        case foreign
    }

    struct Element: Sendable {
        var name: String
        var content: Content
    }

    /// Reads schema documents of one target namespace; imported namespaces are left unchecked.
    public init(documents: [Data]) throws(XMLFailure) {
        var namespace: String?
        var elements: [String: Element] = [:], complexTypes: [String: Complex] = [:], simpleTypes: [String: Simple] = [:]
        for data in documents {
            let root = try XMLTree.parse(data, maxDepth: 64, maxBytes: 8 << 20)
            let target = root.attribute("targetNamespace") ?? ""
            guard namespace == nil || namespace == target else {
                throw XMLFailure(line: 0, reason: "schemas of two target namespaces (\(namespace!), \(target))")
            }
            namespace = target
            let prefixes = Self.prefixes(root)
            for child in root.elements() {
                guard let name = child.attribute("name") else { continue }
                switch child.localName {
                case "element": elements[name] = Self.element(child, prefixes: prefixes, target: target)
                case "complexType": complexTypes[name] = Self.complex(child, prefixes: prefixes, target: target)
                case "simpleType": simpleTypes[name] = Self.simple(child)
                default: break
                }
            }
        }
        self.targetNamespace = namespace ?? ""
        self.elements = elements
        self.complexTypes = complexTypes
        self.simpleTypes = simpleTypes
    }

    /// The global element declared for a root name, if any.
    public func declares(_ localName: String) -> Bool { elements[localName] != nil }

    static func prefixes(_ element: XMLElement) -> [String: String] {
        var map: [String: String] = [:]
        for attribute in element.attributes where attribute.name.hasPrefix("xmlns") {
            map[attribute.name == "xmlns" ? "" : String(attribute.name.dropFirst(6))] = attribute.value
        }
        return map
    }

    static func split(_ qualified: String) -> (prefix: String, local: String) {
        let parts = qualified.split(separator: ":", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : ("", qualified)
    }

    static func element(_ node: XMLElement, prefixes: [String: String], target: String) -> Element {
        if let ref = node.attribute("ref") {
            let (prefix, local) = split(ref)
            return Element(name: local, content: prefixes[prefix] == target ? .reference(local) : .foreign)
        }
        let name = node.attribute("name") ?? ""
        if let type = node.attribute("type") {
            let (prefix, local) = split(type)
            if prefixes[prefix] == "http://www.w3.org/2001/XMLSchema" { return Element(name: name, content: .simple(Simple(base: local))) }
            return Element(name: name, content: prefixes[prefix] == target ? .named(local) : .foreign)
        }
        if let simple = node.element("simpleType") { return Element(name: name, content: .simple(Self.simple(simple))) }
        if let complex = node.element("complexType") {
            return Element(name: name, content: .complex(Self.complex(complex, prefixes: prefixes, target: target)))
        }
        return Element(name: name, content: .simple(Simple()))
    }

    static func simple(_ node: XMLElement) -> Simple {
        var simple = Simple()
        guard let restriction = node.element("restriction") ?? node.element("extension") else { return simple }
        simple.base = split(restriction.attribute("base") ?? "xs:string").local
        for facet in restriction.elements() {
            let value = facet.attribute("value").flatMap { Int($0) }
            switch facet.localName {
            case "length": simple.length = value
            case "minLength": simple.minLength = value
            case "maxLength": simple.maxLength = value
            case "totalDigits": simple.totalDigits = value
            case "fractionDigits": simple.fractionDigits = value
            default: break
            }
        }
        return simple
    }

    static func complex(_ node: XMLElement, prefixes: [String: String], target: String) -> Complex {
        var complex = Complex()
        if let content = node.element("simpleContent") {
            complex.text = simple(content)
            if let ext = content.element("extension") {
                complex.requiredAttributes = ext.elements("attribute").filter { $0.attribute("use") == "required" }
                    .compactMap { $0.attribute("name") }
            }
            return complex
        }
        if let sequence = node.element("sequence") {
            for item in sequence.elements() {
                let min = item.attribute("minOccurs").flatMap { Int($0) } ?? 1
                let maxText = item.attribute("maxOccurs") ?? "1"
                let max = maxText == "unbounded" ? nil : Int(maxText) ?? 1
                switch item.localName {
                case "element": complex.particles.append(Particle(element: element(item, prefixes: prefixes, target: target), min: min, max: max))
                case "any": complex.particles.append(Particle(element: nil, min: min, max: max))
                default: break
                }
            }
        }
        complex.requiredAttributes = node.elements("attribute").filter { $0.attribute("use") == "required" }.compactMap { $0.attribute("name") }
        return complex
    }

    /// Checks a document against the schema; an empty list means it is valid.
    public func validate(_ root: XMLElement) -> [Issue] {
        var issues: [Issue] = []
        let scope = Self.prefixes(root)
        let (prefix, local) = Self.split(root.name)
        guard scope[prefix] == targetNamespace, let declaration = elements[local] else {
            return [Issue(path: "/\(root.localName)", reason: "no schema declares the root element \(root.localName) in \(targetNamespace)")]
        }
        var path = [local]
        check(root, against: declaration, path: &path, scope: scope, issues: &issues)
        return issues
    }

    /// An issue at the element `path` leads to (`Order[2]` for the second of its name): the path is written out only
    /// for an issue, since every message crosses the check and few have one.
    private static func issue(_ path: [String], _ reason: String) -> Issue {
        Issue(path: "/" + path.joined(separator: "/"), reason: reason)
    }

    /// The index of the first element among `children` from `start`, or their count.
    private static func nextElement(_ children: [XMLNode], from start: Int) -> Int {
        var index = start
        while index < children.count {
            if case .element = children[index] { return index }
            index += 1
        }
        return index
    }

    func check(_ node: XMLElement, against declaration: Element, path: inout [String], scope: [String: String], issues: inout [Issue]) {
        var content = declaration.content
        for _ in 0..<8 {
            switch content {
            case .reference(let name): content = elements[name]?.content ?? .foreign
            case .named(let name):
                if let complex = complexTypes[name] { content = .complex(complex) } else { content = simpleTypes[name].map(Content.simple) ?? .foreign }
            default: break
            }
        }
        let children = node.children
        switch content {
        case .foreign, .reference, .named: return
        case .simple(let simple):
            if Self.nextElement(children, from: 0) < children.count {
                issues.append(Self.issue(path, "text expected, found child elements"))
                return
            }
            if let reason = Self.violation(rawText(node), simple) { issues.append(Self.issue(path, reason)) }
        case .complex(let complex):
            for name in complex.requiredAttributes where node.attribute(name) == nil {
                issues.append(Self.issue(path, "attribute \(name) is required"))
                return
            }
            if let text = complex.text {
                if let reason = Self.violation(rawText(node), text) { issues.append(Self.issue(path, reason)) }
                return
            }
            var scope = scope
            if !node.attributes.isEmpty {
                for (key, value) in Self.prefixes(node) { scope[key] = value }
            }
            var index = Self.nextElement(children, from: 0)
            // How many children of each name so far, for the path's `[n]`: a parent has few names, so a list.
            var counts: [(name: String, count: Int)] = []
            for particle in complex.particles {
                var taken = 0
                while index < children.count, particle.max.map({ taken < $0 }) ?? true {
                    guard case .element(let child) = children[index] else { break }
                    if let element = particle.element {
                        guard child.hasLocalName(element.name) else { break }
                    }
                    let name = child.localName
                    let ordinal: Int
                    if let known = counts.firstIndex(where: { $0.name == name }) {
                        counts[known].count += 1
                        ordinal = counts[known].count
                    } else {
                        counts.append((name, 1))
                        ordinal = 1
                    }
                    if let element = particle.element {
                        path.append(ordinal > 1 ? "\(name)[\(ordinal)]" : name)
                        check(child, against: element, path: &path, scope: scope, issues: &issues)
                        path.removeLast()
                    }
                    taken += 1
                    index = Self.nextElement(children, from: index + 1)
                }
                if taken < particle.min {
                    var found = "found the end of \(declaration.name)"
                    if index < children.count, case .element(let next) = children[index] { found = "found \(next.localName)" }
                    issues.append(Self.issue(path, "expected \(particle.element?.name ?? "an element"), \(found)"))
                    return
                }
            }
            if index < children.count, case .element(let extra) = children[index] {
                issues.append(Self.issue(path, "unexpected element \(extra.localName) after the content \(declaration.name) allows"))
            }
        }
    }

    func rawText(_ node: XMLElement) -> String {
        if node.children.isEmpty { return "" }
        if node.children.count == 1, case .text(let only) = node.children[0] { return only }
        return node.children.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined()
    }

    /// `text` without the white space around it, as Foundation's `whitespacesAndNewlines` trims it; ASCII text (nearly
    /// every value) without a trip through `NSString`.
    static func trimmed(_ text: String, isASCII: Bool) -> String {
        let bytes = text.utf8
        guard isASCII else { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        if first == bytes.startIndex, last == bytes.index(before: bytes.endIndex) { return text }
        return String(text[first...last])
    }

    /// Why a text value breaks a simple type, or nil.
    static func violation(_ raw: String, _ type: Simple) -> String? {
        // ASCII text (nearly every value) is trimmed and counted by its bytes, read once here to know it is ASCII.
        let isASCII = raw.utf8.allSatisfy { $0 < 0x80 }
        let collapsed = type.base == "string" ? raw : trimmed(raw, isASCII: isASCII)
        let length = isASCII ? collapsed.utf8.count : collapsed.count
        if let exact = type.length, length != exact { return "'\(collapsed)' has \(length) characters; exactly \(exact) required" }
        if let min = type.minLength, length < min { return "'\(collapsed)' has \(length) characters; at least \(min) required" }
        if let max = type.maxLength, length > max { return "\(length) characters; at most \(max) allowed" }
        switch type.base {
        case "decimal", "int", "integer", "long":
            var text = Substring(collapsed)
            if text.first == "-" || text.first == "+" { text = text.dropFirst() }
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            let integral = type.base == "decimal" ? parts.count <= 2 : parts.count == 1
            guard integral, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), parts.contains(where: { !$0.isEmpty }) else {
                return "'\(collapsed)' is not \(type.base == "decimal" ? "a decimal number" : "an integer")"
            }
            let whole = parts[0].drop { $0 == "0" }
            let fraction = parts.count == 2 ? parts[1].reversed().drop { $0 == "0" } : []
            if let digits = type.totalDigits, whole.count + fraction.count > digits {
                return "'\(collapsed)' has more than \(digits) digits"
            }
            if let digits = type.fractionDigits, fraction.count > digits {
                return "'\(collapsed)' has more than \(digits) decimal places"
            }
        default: break
        }
        return nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
