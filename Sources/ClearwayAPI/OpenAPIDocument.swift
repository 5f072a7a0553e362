import Foundation

/// The contract this server implements, as shipped in the bundle, served verbatim at `/openapi.yaml`.
public enum OpenAPIDocument {
    public static func yaml() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
