import Crypto
import Foundation

/// The enveloped XML signature CEB messages carry (`ds:Signature` after BaseTransfer).
public enum CEBSignature {
    /// Adds a `ds:Signature` before the root's end tag whose Reference digests the message as it stands (the firm's
    /// SignatureValue, made with its E-port card, is left empty: this platform has no such card).
    public static func envelop(_ message: Data) -> Data {
        var text = String(decoding: message, as: UTF8.self)
        guard let close = text.range(of: "</", options: .backwards), let root = try? XMLTree.parse(message) else { return message }
        text.insert(contentsOf: signatureElement(digest: XMLCanonical.envelopedDigest(root)), at: close.lowerBound)
        return Data(text.utf8)
    }

    static func signatureElement(digest: String) -> String {
        """
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>\
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>\
        <ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/><ds:Reference URI=""><ds:Transforms>\
        <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms>\
        <ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue>\(digest)</ds:DigestValue>\
        </ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>
        """
    }
}

extension CEBSignature {
    /// What the enveloped signature of a message says about its content.
    public enum Check: Sendable, Equatable {
        case unsigned
        /// The content is what the signer digested.
        case digestMatches(String)
        case digestMismatch(stated: String, computed: String)
        case unsupported(String)
    }

    /// Recomputes the Reference digest (C14N 1.0, enveloped-signature transform, SHA-1) and compares it with the
    /// stated DigestValue. The SignatureValue itself (SM2 or RSA under the China E-port CA) is not verified here.
    public static func check(_ root: XMLElement) -> Check {
        guard let signature = root.elements().last(where: { $0.localName == "Signature" }),
              let reference = signature.element("SignedInfo")?.element("Reference")
        else { return .unsigned }
        let method = reference.element("DigestMethod")?.attribute("Algorithm") ?? ""
        let canonical = signature.element("SignedInfo")?.element("CanonicalizationMethod")?.attribute("Algorithm") ?? ""
        guard canonical == "http://www.w3.org/TR/2001/REC-xml-c14n-20010315" else { return .unsupported(canonical) }
        let bytes = XMLCanonical.canonicalize(root) { $0.localName == "Signature" && XMLCanonical.isSignatureNamespace($0) }
        let computed: String
        switch method {
        case "http://www.w3.org/2000/09/xmldsig#sha1": computed = Data(Insecure.SHA1.hash(data: bytes)).base64EncodedString()
        case "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3": computed = SM3.hash(bytes).base64EncodedString()
        default: return .unsupported(method)
        }
        let stated = reference.element("DigestValue")?.text ?? ""
        return stated == computed ? .digestMatches(computed) : .digestMismatch(stated: stated, computed: computed)
    }
}
