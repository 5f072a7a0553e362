import Foundation

/// What a UN/EDIFACT directory (D.96A, D.03B …) defines: each segment's data elements and each message's segment
/// table (segments and segment groups with their status and repeats). Loaded from text files, not code, so a
/// directory or message added is a data change.
///
/// A segment file lists segments by tag and name, their data elements indented below them (`code name M|C format`,
/// `format` as the directory writes it: `an..35`, `n..15`, `n3`), a composite's components indented below it, and
/// `*N` after a line repeating that element N more times. A message file lists the segment table: `TAG M|C repeats`,
/// a group as `SGn M|C repeats` with its segments indented below it, the first being its trigger.
public struct EDIFACTDirectory: Sendable {
    /// A simple or composite data element of a segment (a composite has components).
    public struct Element: Sendable, Equatable {
        public var code: String
        public var name: String
        public var mandatory: Bool
        public var format: Format?
        public var components: [Element]
        public var isComposite: Bool { !components.isEmpty }
    }

    /// A data element's representation: character class and length, e.g. `an..35` (up to 35) or `n3` (exactly 3).
    public struct Format: Sendable, Equatable, CustomStringConvertible {
        public enum Characters: String, Sendable { case alphabetic = "a", numeric = "n", alphanumeric = "an" }
        public var characters: Characters
        public var length: Int
        public var fixed: Bool

        public init?(_ text: String) {
            let kind = text.prefix { $0.isLetter }
            guard let characters = Characters(rawValue: String(kind)) else { return nil }
            var rest = text.dropFirst(kind.count)
            fixed = !rest.hasPrefix("..")
            if !fixed { rest = rest.dropFirst(2) }
            guard let length = Int(rest), length > 0 else { return nil }
            self.characters = characters
            self.length = length
        }

        public var description: String { "\(characters.rawValue)\(fixed ? "" : "..")\(length)" }
    }

    /// A segment as the directory defines it.
    public struct SegmentDefinition: Sendable {
        public var tag: String
        public var name: String
        public var elements: [Element]
    }

    /// One line of a message's segment table: a segment or a segment group, with its status and maximum repeats.
    public indirect enum Entry: Sendable {
        case segment(tag: String, mandatory: Bool, repeats: Int)
        case group(name: String, mandatory: Bool, repeats: Int, entries: [Entry])

        /// The segment tag that opens this entry: its own, or its group's first segment's.
        public var trigger: String {
            switch self {
            case .segment(let tag, _, _): tag
            case .group(_, _, _, let entries): entries.first?.trigger ?? ""
            }
        }
        public var mandatory: Bool {
            switch self {
            case .segment(_, let mandatory, _), .group(_, let mandatory, _, _): mandatory
            }
        }
        public var repeats: Int {
            switch self {
            case .segment(_, _, let repeats), .group(_, _, let repeats, _): repeats
            }
        }
        /// How validation messages name it: the tag, or a group as `SegGrp-n` (the EDIFACT-to-XML convention).
        public var displayName: String {
            switch self {
            case .segment(let tag, _, _): tag
            case .group(let name, _, _, _): "SegGrp-" + name.dropFirst(2)
            }
        }
    }

    /// A message type's segment table in one directory.
    public struct MessageStructure: Sendable {
        public var type: String
        public var directory: String
        public var entries: [Entry]
    }

    /// A line of a directory file that cannot be read.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var reason: String
        public var description: String { "\(file):\(line): \(reason)" }
    }

    /// Segment definitions by directory (e.g. `D96A`; `service` for UNH/UNT), then tag.
    public var segments: [String: [String: SegmentDefinition]] = [:]
    /// Message structures by `TYPE:directory`, e.g. `DESADV:D96A`.
    public var messages: [String: MessageStructure] = [:]

    public init() {}

    /// Reads directory files named `<directory>/segments.txt` and `<directory>/<MESSAGE>.txt`.
    public init(files: [(path: String, text: String)]) throws {
        for (path, text) in files {
            let parts = path.split(separator: "/")
            guard parts.count >= 2 else { throw Problem(file: path, line: 0, reason: "a directory file is <directory>/<file>.txt") }
            let directory = String(parts[parts.count - 2])
            let name = String(parts[parts.count - 1]).replacingOccurrences(of: ".txt", with: "")
            let lines = try Self.lines(text, file: path)
            if name == "segments" {
                segments[directory, default: [:]].merge(try Self.segments(lines, file: path)) { _, new in new }
            } else {
                let entries = try Self.entries(lines[...], depth: 0, file: path)
                messages["\(name):\(directory)"] = MessageStructure(type: name, directory: directory, entries: entries)
            }
        }
    }

    /// Reads every `*.txt` file one level below `folder`.
    public init(folder: URL) throws {
        try self.init(files: try Self.files(in: folder))
    }

    /// The directory files one level below `folder` (`<directory>/<name>.txt`), in a stable order; a file that is not
    /// UTF-8 is a `Problem` naming it.
    public static func files(in folder: URL) throws -> [(path: String, text: String)] {
        var files: [(path: String, text: String)] = []
        let manager = FileManager.default
        for directory in try manager.contentsOfDirectory(atPath: folder.path).sorted() {
            let sub = folder.appendingPathComponent(directory)
            guard let names = try? manager.contentsOfDirectory(atPath: sub.path) else { continue }
            for name in names.sorted() where name.hasSuffix(".txt") {
                let path = "\(directory)/\(name)"
                guard let text = try? String(contentsOf: sub.appendingPathComponent(name), encoding: .utf8) else {
                    throw Problem(file: path, line: 0, reason: "cannot read as UTF-8")
                }
                files.append((path, text))
            }
        }
        return files
    }

    /// The structure for a message's type and release (`DESADV`, `96A`: directory D.96A), if this directory has it.
    public func structure(type: String, release: String) -> MessageStructure? {
        messages["\(type):D\(release)"]
    }

    /// The structure for a message as its UNH names it.
    public func structure(of message: EDIFACTInterchange.Message) -> MessageStructure? {
        structure(type: message.type, release: message.release)
    }

    /// The departure of a message whose release this directory has no table for, naming the releases it reads.
    public func unreadRelease(_ message: EDIFACTInterchange.Message) -> EDIFACT.Failure {
        let known = messages.values.filter { $0.type == message.type }.map(\.directory).sorted()
        return .init(segment: message.segments.first?.number ?? 0, position: 2,
                     reason: "\(message.type) of release \(message.version):\(message.release) is not read here; send \(known.isEmpty ? "another message" : known.joined(separator: " or "))")
    }

    /// A segment's definition in a directory, service segments (UNH, UNT) from the syntax.
    public func definition(of tag: String, in directory: String) -> SegmentDefinition? {
        segments[directory]?[tag] ?? segments["service"]?[tag]
    }

    struct Line { var depth: Int; var fields: [String]; var number: Int }

    static func lines(_ text: String, file: String) throws -> [Line] {
        var result: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = raw.prefix { $0 == " " }.count
            guard indent % 2 == 0 else { throw Problem(file: file, line: index + 1, reason: "indent by two spaces per level") }
            result.append(Line(depth: indent / 2, fields: trimmed.split(separator: " ").map(String.init), number: index + 1))
        }
        return result
    }

    static func segments(_ lines: [Line], file: String) throws -> [String: SegmentDefinition] {
        var result: [String: SegmentDefinition] = [:]
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.depth == 0, line.fields.count == 2, line.fields[0].count == 3 else {
                throw Problem(file: file, line: line.number, reason: "a segment line is a three-letter tag and a name")
            }
            let end = lines[(index + 1)...].firstIndex { $0.depth == 0 } ?? lines.count
            let elements = try Self.elements(lines[(index + 1)..<end], depth: 1, file: file)
            result[line.fields[0]] = SegmentDefinition(tag: line.fields[0], name: line.fields[1], elements: elements)
            index = end
        }
        return result
    }

    static func elements(_ lines: ArraySlice<Line>, depth: Int, file: String) throws -> [Element] {
        var result: [Element] = []
        var index = lines.startIndex
        while index < lines.endIndex {
            let line = lines[index]
            guard line.depth == depth else { throw Problem(file: file, line: line.number, reason: "unexpected indent") }
            let end = lines[(index + 1)...].firstIndex { $0.depth <= depth } ?? lines.endIndex
            var fields = line.fields
            var copies = 1
            if let last = fields.last, last.hasPrefix("*") {
                guard let more = Int(last.dropFirst()), more > 0 else {
                    throw Problem(file: file, line: line.number, reason: "a repeat is written *N")
                }
                copies += more
                fields.removeLast()
            }
            let components = try Self.elements(lines[(index + 1)..<end], depth: depth + 1, file: file)
            let element: Element
            if components.isEmpty {
                guard fields.count == 4, let format = Format(fields[3]), ["M", "C"].contains(fields[2]) else {
                    throw Problem(file: file, line: line.number, reason: "a data element line is: code name M|C format (an..35, n3)")
                }
                element = Element(code: fields[0], name: fields[1], mandatory: fields[2] == "M", format: format, components: [])
            } else {
                guard fields.count == 3, ["M", "C"].contains(fields[2]) else {
                    throw Problem(file: file, line: line.number, reason: "a composite line is: code name M|C, its components indented below")
                }
                element = Element(code: fields[0], name: fields[1], mandatory: fields[2] == "M", format: nil, components: components)
            }
            result.append(element)
            // Repeated occurrences are optional whatever the first one's status.
            for _ in 1..<copies { result.append(Element(code: element.code, name: element.name, mandatory: false,
                                                        format: element.format, components: element.components)) }
            index = end
        }
        return result
    }

    static func entries(_ lines: ArraySlice<Line>, depth: Int, file: String) throws -> [Entry] {
        var result: [Entry] = []
        var index = lines.startIndex
        while index < lines.endIndex {
            let line = lines[index]
            guard line.depth == depth, line.fields.count == 3, ["M", "C"].contains(line.fields[1]),
                  let repeats = Int(line.fields[2]), repeats > 0
            else {
                throw Problem(file: file, line: line.number, reason: "a segment table line is: TAG|SGn M|C repeats, a group's segments indented below it")
            }
            let end = lines[(index + 1)...].firstIndex { $0.depth <= depth } ?? lines.endIndex
            let name = line.fields[0], mandatory = line.fields[1] == "M"
            if name.hasPrefix("SG"), Int(name.dropFirst(2)) != nil {
                let inner = try Self.entries(lines[(index + 1)..<end], depth: depth + 1, file: file)
                guard case .segment(_, true, 1)? = inner.first else {
                    throw Problem(file: file, line: line.number, reason: "a group opens with a mandatory segment that occurs once")
                }
                result.append(.group(name: name, mandatory: mandatory, repeats: repeats, entries: inner))
            } else {
                guard name.count == 3, end == index + 1 else {
                    throw Problem(file: file, line: line.number, reason: "a segment is a three-letter tag with nothing below it")
                }
                result.append(.segment(tag: name, mandatory: mandatory, repeats: repeats))
            }
            index = end
        }
        return result
    }
}
