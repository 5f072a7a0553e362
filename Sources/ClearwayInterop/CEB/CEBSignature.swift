import Foundation

/// The enveloped XML signature CEB messages carry (`ds:Signature` after BaseTransfer).
public enum CEBSignature {
    /// Adds a `ds:Signature` before the root's end tag.
    public static func envelop(_ message: Data) -> Data {
        var text = String(decoding: message, as: UTF8.self)
        guard let close = text.range(of: "</", options: .backwards) else { return message }
        text.insert(contentsOf: signatureElement(digest: ""), at: close.lowerBound)
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
