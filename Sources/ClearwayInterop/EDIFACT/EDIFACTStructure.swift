import Foundation

/// A message laid out on its segment table: each segment in its group, and every place the message departs from the
/// table — a segment where another is expected, a segment or group repeated too often, a mandatory one missing,
/// a data element too long, of the wrong characters, missing or in excess. Validation messages name groups
/// `SegGrp-n` and word the first kinds as XML Schema validators do, so they read like the EDIFACT-to-XML tools'.
public struct EDIFACTStructuredMessage: Sendable {
    /// A segment in place (with its index in the message, UNH being 0, and its group), or the instances of a group.
    public indirect enum Node: Sendable {
        case segment(EDIFACT.Segment, index: Int, group: String)
        case group(name: String, instances: [[Node]])
    }

    public var message: EDIFACTInterchange.Message
    public var structure: EDIFACTDirectory.MessageStructure
    public var nodes: [Node]
    public var failures: [EDIFACT.Failure]

    /// Lays `message` out on `structure` and checks each segment's data elements against the directory.
    public init(_ message: EDIFACTInterchange.Message, structure: EDIFACTDirectory.MessageStructure, directory: EDIFACTDirectory) {
        var matcher = Matcher(segments: message.segments, type: structure.type)
        let nodes = matcher.level(structure.entries, group: "", top: true)
        self.message = message
        self.structure = structure
        self.nodes = nodes
        // Element checks need the directory's segments; a directory given only as message structures has none.
        let checked = directory.segments[structure.directory] != nil
        failures = matcher.failures + (checked ? message.segments.flatMap {
            Self.elementFailures($0, definition: directory.definition(of: $0.tag, in: structure.directory))
        } : [])
    }

    struct Matcher {
        let segments: [EDIFACT.Segment]
        let type: String
        var position = 0
        var failures: [EDIFACT.Failure] = []

        mutating func fail(_ reason: String) {
            let segment = segments.isEmpty ? 0 : segments[min(position, segments.count - 1)].number
            failures.append(.init(segment: segment, position: 0, reason: reason))
        }

        /// What may come next at a level: the current entry if it may repeat, then the following ones up to and
        /// including the first that is mandatory.
        static func expected(_ entries: [EDIFACTDirectory.Entry], current: Int, count: Int) -> String {
            var names: [String] = []
            for index in max(current, 0)..<entries.count {
                let entry = entries[index]
                let used = index == current ? count : 0
                if used < entry.repeats { names.append(entry.displayName) }
                if entry.mandatory && used == 0 { break }
            }
            return "{" + names.joined(separator: ", ") + "}"
        }

        /// The entry at or after `current` that `tag` opens, passing only entries that may be left out — unless
        /// `lenient`, which passes missing mandatory ones too.
        static func find(_ tag: String, _ entries: [EDIFACTDirectory.Entry], current: Int, count: Int, lenient: Bool) -> Int? {
            for index in max(current, 0)..<entries.count {
                let entry = entries[index]
                let used = index == current ? count : 0
                if entry.trigger == tag && used < entry.repeats { return index }
                if entry.mandatory && used == 0 && !lenient { return nil }
            }
            return nil
        }

        mutating func level(_ entries: [EDIFACTDirectory.Entry], group: String, top: Bool) -> [Node] {
            var nodes: [Node] = []
            var current = 0, count = 0
            func leave(_ matcher: inout Matcher) {
                guard current < entries.count, count > entries[current].repeats else { return }
                let entry = entries[current]
                matcher.fail("\(entry.displayName) occurred '\(count)' times when it was expected to be a minimum of '\(entry.mandatory ? 1 : 0)' and a maximum of '\(entry.repeats)' times.")
            }
            while position < segments.count {
                let tag = segments[position].tag
                var target = Self.find(tag, entries, current: current, count: count, lenient: false)
                // A group's own trigger again opens its next instance, which is the enclosing level's to place.
                if target == nil, current < entries.count, entries[current].trigger == tag, count >= entries[current].repeats,
                   top || current > 0 {
                    // Repeated beyond its maximum: reported once, kept in place.
                    if count == entries[current].repeats {
                        fail("Invalid content was found starting with element '\(entries[current].displayName)'. One of '\(Self.expected(entries, current: current, count: count))' is expected.")
                    }
                    target = current
                } else if target == nil, top {
                    fail("Invalid content was found starting with element '\(tag)'. One of '\(Self.expected(entries, current: current, count: count))' is expected.")
                    target = Self.find(tag, entries, current: current, count: count, lenient: true)
                    if target == nil {
                        position += 1
                        continue
                    }
                }
                guard let target else { break }
                if target != current {
                    leave(&self)
                    current = target
                    count = 0
                }
                switch entries[current] {
                case .segment:
                    nodes.append(.segment(segments[position], index: position, group: group))
                    position += 1
                case .group(let name, _, _, let inner):
                    let instance = level(inner, group: name, top: false)
                    if case .group(name, let instances)? = nodes.last {
                        nodes[nodes.count - 1] = .group(name: name, instances: instances + [instance])
                    } else {
                        nodes.append(.group(name: name, instances: [instance]))
                    }
                }
                count += 1
            }
            leave(&self)
            if entries.indices.contains(where: { $0 >= current && entries[$0].mandatory && ($0 == current ? count : 0) == 0 }) {
                let name = top ? type : "SegGrp-" + group.dropFirst(2)
                fail("The content of element '\(name)' is not complete. One of '\(Self.expected(entries, current: current, count: count))' is expected.")
            }
            return nodes
        }
    }

    /// A segment's data elements against its definition: count, mandatory elements and components, characters, length.
    static func elementFailures(_ segment: EDIFACT.Segment, definition: EDIFACTDirectory.SegmentDefinition?) -> [EDIFACT.Failure] {
        guard let definition else {
            return [.init(segment: segment.number, position: 0, reason: "\(segment.tag) is not a segment of this directory")]
        }
        var failures: [EDIFACT.Failure] = []
        func fail(_ position: Int, _ reason: String) { failures.append(.init(segment: segment.number, position: position, reason: reason)) }
        if segment.elements.count > definition.elements.count {
            fail(definition.elements.count + 1, "\(segment.tag) has \(segment.elements.count) data elements; the directory defines \(definition.elements.count)")
        }
        for (index, spec) in definition.elements.enumerated() {
            let element = index < segment.elements.count ? segment.elements[index] : []
            let present = element.contains { !$0.isEmpty }
            if !present {
                if spec.mandatory { fail(index + 1, "\(spec.code) \(spec.name) is mandatory in \(segment.tag)") }
                continue
            }
            if spec.isComposite {
                if element.count > spec.components.count {
                    fail(index + 1, "\(spec.code) has \(element.count) components; the directory defines \(spec.components.count)")
                }
                for (offset, component) in spec.components.enumerated() {
                    let value = offset < element.count ? element[offset] : ""
                    if let problem = Self.check(value, component) { fail(index + 1, "\(spec.code) component \(offset + 1): \(problem)") }
                }
            } else {
                if element.count > 1 { fail(index + 1, "\(spec.code) \(spec.name) is a simple data element but has components") }
                if let problem = Self.check(element[0], spec) { fail(index + 1, problem) }
            }
        }
        return failures
    }

    /// Whether a value fits its element: present if mandatory, of its characters, within its length.
    static func check(_ value: String, _ spec: EDIFACTDirectory.Element) -> String? {
        if value.isEmpty { return spec.mandatory ? "\(spec.code) \(spec.name) is mandatory" : nil }
        guard let format = spec.format else { return nil }
        var length = value.count
        switch format.characters {
        case .numeric:
            // ISO 9735: a sign and the decimal mark do not count towards a numeric element's length.
            let digits = value.filter(\.isNumber)
            let marks = value.filter { $0 == "." || $0 == "," }
            let valid = !digits.isEmpty && digits.allSatisfy(\.isASCII) && marks.count <= 1
                && value.drop(while: { $0 == "-" }).allSatisfy { $0.isNumber || $0 == "." || $0 == "," }
                && value.filter({ $0 == "-" }).count <= 1 && (value.first == "-" || !value.contains("-"))
            guard valid else { return "\(spec.code) \(spec.name) is numeric (\(format)), not '\(value)'" }
            length = digits.count
        case .alphabetic:
            if value.contains(where: \.isNumber) { return "\(spec.code) \(spec.name) is alphabetic (\(format)), not '\(value)'" }
        case .alphanumeric:
            break
        }
        if length > format.length || (format.fixed && length != format.length) {
            return "\(spec.code) \(spec.name) is \(format), '\(value)' has \(length)"
        }
        return nil
    }
}
