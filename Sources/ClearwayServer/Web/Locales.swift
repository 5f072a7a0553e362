import Foundation

/// The pages' labels in each language, from `Resources/Locales/<code>.json`; a person's language comes from the
/// `lang` cookie they chose, else their browser's Accept-Language, else Chinese.
struct Locales: Sendable {
    static let codes = ["zh-CN", "en"]
    let tables: [String: [String: String]]

    static func load() throws -> Locales {
        guard let directory = Bundle.module.url(forResource: "Locales", withExtension: nil) else { throw CocoaError(.fileNoSuchFile) }
        var tables: [String: [String: String]] = [:]
        for code in codes {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(code).json"))
            tables[code] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Locales(tables: tables)
    }

    /// The language to answer in.
    static func choose(cookie: String?, acceptLanguage: String?) -> String {
        if let cookie, codes.contains(cookie) { return cookie }
        guard let acceptLanguage else { return "zh-CN" }
        // "en-GB,en;q=0.9,zh;q=0.8": the best-weighted tag we have a table for.
        var best: (code: String, weight: Double)?
        for part in acceptLanguage.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            let weight = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let code = tag.hasPrefix("zh") ? "zh-CN" : tag.hasPrefix("en") ? "en" : nil
            if let code, weight > 0, weight > (best?.weight ?? -1) { best = (code, weight) }
        }
        return best?.code ?? "zh-CN"
    }

    func table(_ code: String) -> [String: String] { tables[code] ?? tables["zh-CN"]! }

    /// One label; a key missing from a table shows itself, which the tests forbid.
    func text(_ key: String, _ code: String) -> String { table(code)[key] ?? key }
}
