import ClearwayCore
import Foundation
import Testing

@Suite("Request shapes")
struct JSONShapeTests {
    static let shape = JSONShape.object([
        "name": .required(.string),
        "lines": .required(.array(.object(["count": .required(.integer), "tags": .optional(.array(.string))]))),
        "rates": .optional(.map(.number)),
    ])

    @Test("every departure from the shape is named by its JSON pointer, however deep, with names escaped")
    func pointers() throws {
        let body = try JSONValue.parse(Data("""
            {"lines": [{"count": 2}, {"count": 2.5, "tags": ["a", 1]}, {"tags": null}],
             "rates": {"a/b": 1, "c~d": "x"}, "extra": true, "name": null}
            """.utf8))
        let found = Self.shape.problems(in: body).map { "\($0.pointer) \($0.code)" }
        #expect(found.sorted() == [
            "/extra unknown-field", "/lines/1/count wrong-type", "/lines/1/tags/1 wrong-type", "/lines/2/count required",
            "/name required", "/rates/c~0d wrong-type",
        ])
    }

    @Test("a body that fits has no problems, and a pointer given is where they start")
    func fits() throws {
        let body = try JSONValue.parse(Data(#"{"name": "n", "lines": [{"count": 1, "tags": []}], "rates": {"x": 0.5}}"#.utf8))
        #expect(Self.shape.problems(in: body).isEmpty)
        let inner = Self.shape.problems(in: try JSONValue.parse(Data(#"{"lines": []}"#.utf8)), at: "/form")
        #expect(inner.map(\.pointer) == ["/form/name"])
    }
}
