import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML element as written: qualified names with their prefixes, attributes (namespace declarations included) in
/// document order, and children, so a document is written back with its namespaces intact.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [(name: String, value: String)]
    public var children: [XMLNode]

    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.children == rhs.children && lhs.attributes.count == rhs.attributes.count
            && zip(lhs.attributes, rhs.attributes).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var prefix: String? {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return String(name[..<colon])
    }

    public var localName: String {
        guard let colon = name.utf8.lastIndex(of: UInt8(ascii: ":")) else { return name }
        return String(name[name.utf8.index(after: colon)...])
    }

    /// Whether the element's name is `localName`, with or without a prefix; no allocation, as readers ask it often.
    public func hasLocalName(_ localName: String) -> Bool {
        let whole = name.utf8, local = localName.utf8
        guard whole.count >= local.count else { return false }
        if whole.count == local.count { return name == localName }
        let start = whole.index(whole.endIndex, offsetBy: -local.count)
        return whole[whole.index(before: start)] == UInt8(ascii: ":") && whole[start...].elementsEqual(local)
    }

    public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

    /// Child elements, optionally with a local name.
    public func elements(_ localName: String? = nil) -> [XMLElement] {
        children.compactMap { node in
            if case .element(let element) = node, localName.map(element.hasLocalName) ?? true { return element }
            return nil
        }
    }

    public func element(_ localName: String) -> XMLElement? {
        for node in children {
            if case .element(let element) = node, element.hasLocalName(localName) { return element }
        }
        return nil
    }

    /// The text of each child element by local name (the first of each), read in one pass: what message readers
    /// look fields up in.
    public var fields: [String: String] {
        var result: [String: String] = [:]
        result.reserveCapacity(children.count)
        for node in children {
            if case .element(let element) = node {
                let key = element.localName
                if result[key] == nil { result[key] = element.text }
            }
        }
        return result
    }

    /// The text content, whitespace collapsed.
    public var text: String {
        if children.count == 1, case .text(let only) = children[0],
           !only.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        {
            return only
        }
        return children.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined()
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// A node of an XML tree.
public indirect enum XMLNode: Sendable, Equatable {
    case element(XMLElement)
    case text(String)
}

/// Why an XML document was refused.
public struct XMLFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

public enum XMLTree {
    /// Parses a document without resolving external entities, refusing DTDs, deeper nesting than `maxDepth` and
    /// documents larger than `maxBytes`.
    public static func parse(_ data: Data, maxDepth: Int = 64, maxBytes: Int = 4 << 20) throws(XMLFailure) -> XMLElement {
        guard data.count <= maxBytes else { throw XMLFailure(line: 0, reason: "document larger than \(maxBytes) bytes") }
        if Self.declaresDocumentType(data.prefix(4096)) {
            throw XMLFailure(line: 1, reason: "document type declarations and entities are not accepted")
        }
        let parser = XMLParser(data: data)
        let builder = Builder(maxDepth: maxDepth)
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if let failure = builder.failure { throw failure }
        guard ok, let root = builder.root else {
            throw XMLFailure(line: parser.lineNumber, reason: parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed")
        }
        return root
    }

    /// Whether the bytes hold `<!DOCTYPE` or `<!ENTITY` (a byte search: no string is made of the head).
    static func declaresDocumentType(_ head: Data) -> Bool {
        let bytes = [UInt8](head)
        guard bytes.count >= 9 else { return false }
        for i in 0..<(bytes.count - 8) where bytes[i] == UInt8(ascii: "<") && bytes[i + 1] == UInt8(ascii: "!") {
            let word = bytes[(i + 2)..<min(i + 9, bytes.count)]
            if word.elementsEqual("DOCTYPE".utf8) || word.prefix(6).elementsEqual("ENTITY".utf8) { return true }
        }
        return false
    }

    /// Writes a tree back with an XML declaration; text and attribute values escaped.
    public static func write(_ root: XMLElement) -> Data {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        write(root, into: &out)
        return Data(out.utf8)
    }

    static func write(_ element: XMLElement, into out: inout String) {
        out += "<\(element.name)"
        for attribute in element.attributes { out += " \(attribute.name)=\"\(escape(attribute.value, quotes: true))\"" }
        if element.children.isEmpty {
            out += "/>"
            return
        }
        out += ">"
        for child in element.children {
            switch child {
            case .element(let e): write(e, into: &out)
            case .text(let t): out += escape(t, quotes: false)
            }
        }
        out += "</\(element.name)>"
    }

    static func escape(_ text: String, quotes: Bool) -> String {
        // Most text has nothing to escape and is written as it is.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || (quotes && $0 == UInt8(ascii: "\"")) })
        else { return text }
        var out = ""
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.append(char)
            }
        }
        return out
    }

    final class Builder: NSObject, XMLParserDelegate {
        static let maxAttributeBytes = 64 * 1024

        let maxDepth: Int
        var stack: [XMLElement] = []
        var root: XMLElement?
        var failure: XMLFailure?

        init(maxDepth: Int) { self.maxDepth = maxDepth }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            guard stack.count < maxDepth else {
                failure = XMLFailure(line: parser.lineNumber, reason: "nested deeper than \(maxDepth)")
                parser.abortParsing()
                return
            }
            // No message format needs long attributes; a huge one is an attack on memory, refused at the first.
            if let long = attributes.first(where: { $0.value.utf8.count > Self.maxAttributeBytes }) {
                failure = XMLFailure(line: parser.lineNumber, reason: "attribute \(long.key) longer than \(Self.maxAttributeBytes) bytes")
                parser.abortParsing()
                return
            }
            // XMLParser hands attributes as a dictionary; sorting makes the order stable (namespace declarations first).
            let ordered = attributes.sorted { a, b in
                let ax = a.key.hasPrefix("xmlns"), bx = b.key.hasPrefix("xmlns")
                return ax != bx ? ax : a.key < b.key
            }.map { (name: $0.key, value: $0.value) }
            stack.append(XMLElement(name: elementName, attributes: ordered, children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            if case .text(let previous)? = stack[stack.count - 1].children.last {
                stack[stack.count - 1].children[stack[stack.count - 1].children.count - 1] = .text(previous + string)
            } else {
                stack[stack.count - 1].children.append(.text(string))
            }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            self.parser(parser, foundCharacters: String(decoding: CDATABlock, as: UTF8.self))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let done = stack.popLast() else { return }
            if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(.element(done)) }
        }

        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            failure = XMLFailure(line: parser.lineNumber, reason: "entity declarations are not accepted")
            parser.abortParsing()
        }
    }
}
