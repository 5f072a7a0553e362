import Crypto
import Foundation

/// Canonical XML 1.0 (inclusive, without comments; W3C REC-xml-c14n-20010315) of a parsed document, optionally
/// leaving out elements such as an enveloped `ds:Signature`: the bytes XML signatures digest.
public enum XMLCanonical {
    public static func canonicalize(_ root: XMLElement, omitting omit: (XMLElement) -> Bool = { _ in false }) -> Data {
        var out = ""
        write(root, inScope: ["": ""], omit: omit, into: &out)
        return Data(out.utf8)
    }

    /// The SHA-1 digest, Base64, that a CEB signature's Reference (URI "", enveloped) carries.
    public static func envelopedDigest(_ root: XMLElement) -> String {
        let bytes = canonicalize(root) { $0.hasLocalName("Signature") && isSignatureNamespace($0) }
        return Data(Insecure.SHA1.hash(data: bytes)).base64EncodedString()
    }

    static func isSignatureNamespace(_ element: XMLElement) -> Bool {
        let prefix = element.prefix.map { "xmlns:\($0)" } ?? "xmlns"
        return element.attribute(prefix) == "http://www.w3.org/2000/09/xmldsig#" || element.prefix == "ds"
    }

    static func write(_ element: XMLElement, inScope: [String: String], omit: (XMLElement) -> Bool, into out: inout String) {
        var scope = inScope
        var namespaces: [(prefix: String, uri: String)] = []
        var attributes: [(uri: String, local: String, name: String, value: String)] = []
        for attribute in element.attributes {
            if attribute.name == "xmlns" || attribute.name.hasPrefix("xmlns:") {
                let prefix = attribute.name == "xmlns" ? "" : String(attribute.name.dropFirst(6))
                // A declaration that only repeats what the nearest output ancestor already declared is superfluous.
                if inScope[prefix] != attribute.value { namespaces.append((prefix, attribute.value)) }
                scope[prefix] = attribute.value
            }
        }
        for attribute in element.attributes where !(attribute.name == "xmlns" || attribute.name.hasPrefix("xmlns:")) {
            let parts = attribute.name.split(separator: ":", maxSplits: 1).map(String.init)
            let uri = parts.count == 2 ? scope[parts[0]] ?? "" : ""
            attributes.append((uri, parts.last ?? attribute.name, attribute.name, attribute.value))
        }
        namespaces.sort { $0.prefix < $1.prefix }
        attributes.sort { ($0.uri, $0.local) < ($1.uri, $1.local) }
        out += "<" + element.name
        for namespace in namespaces {
            out += namespace.prefix.isEmpty ? " xmlns=\"" : " xmlns:\(namespace.prefix)=\""
            out += escapeAttribute(namespace.uri) + "\""
        }
        for attribute in attributes { out += " \(attribute.name)=\"\(escapeAttribute(attribute.value))\"" }
        out += ">"
        for child in element.children {
            switch child {
            case .text(let text): out += escapeText(text)
            case .element(let inner): if !omit(inner) { write(inner, inScope: scope, omit: omit, into: &out) }
            }
        }
        out += "</" + element.name + ">"
    }

    static func escapeText(_ text: String) -> String {
        // Most text has nothing to escape and is written as it is.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == 0x0D })
        else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#xD;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func escapeAttribute(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "\"") || (0x09...0x0D).contains($0) })
        else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case "\"": out += "&quot;"
            case "\t": out += "&#x9;"
            case "\n": out += "&#xA;"
            case "\r": out += "&#xD;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
