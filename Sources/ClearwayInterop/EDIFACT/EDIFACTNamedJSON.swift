import ClearwayCore
import Foundation

extension EDIFACTStructuredMessage {
    /// The message as JSON named by the directory, in php-edifact's layout (its `Interpreter`): each segment an object
    /// under its segment name with `segmentIdx`, `segmentCode`, `segmentGroup` and its data elements by name; a
    /// composite with one component given by that component's name; a segment repeated at one level becomes an array;
    /// each group an array of its instances under `SGn`. For partners and tools that read EDIFACT that way.
    public func namedJSON(_ directory: EDIFACTDirectory) -> JSONValue {
        Self.object(nodes, directory: directory, in: structure.directory)
    }

    static func object(_ nodes: [Node], directory: EDIFACTDirectory, in name: String) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        func add(_ key: String, _ value: JSONValue) {
            guard let index = members.firstIndex(where: { $0.key == key }) else {
                members.append((key, value))
                return
            }
            if case .array(let items) = members[index].value, members[index].value["segmentCode"] == nil, key != "UnrecognisedType" {
                members[index].value = .array(items + [value])
            } else {
                members[index].value = .array([members[index].value, value])
            }
        }
        for node in nodes {
            switch node {
            case .segment(let segment, let index, let group):
                let (key, value) = Self.segment(segment, index: index, group: group, definition: directory.definition(of: segment.tag, in: name))
                add(key, value)
            case .group(let group, let instances):
                members.append((group, .array(instances.map { object($0, directory: directory, in: name) })))
            }
        }
        return .object(members)
    }

    static func segment(_ segment: EDIFACT.Segment, index: Int, group: String,
                        definition: EDIFACTDirectory.SegmentDefinition?) -> (String, JSONValue) {
        func text(_ element: [String]) -> JSONValue {
            element.count == 1 ? .string(element[0]) : .array(element.map { .string($0) })
        }
        guard let definition else {
            return ("UnrecognisedType", .array([.string(segment.tag)] + segment.elements.map(text)))
        }
        var members: [(key: String, value: JSONValue)] = [
            ("segmentIdx", .number(Double(index))), ("segmentCode", .string(segment.tag)), ("segmentGroup", .string(group)),
        ]
        for (position, element) in segment.elements.enumerated() {
            guard position < definition.elements.count else {
                members.append(("Extension\(position)", text(element)))
                continue
            }
            let spec = definition.elements[position]
            var value = text(element)
            if spec.isComposite, element != [""] {
                var parts: [(key: String, value: JSONValue)] = []
                for (offset, component) in element.enumerated() {
                    let name = offset < spec.components.count ? spec.components[offset].name : "CompositeExtension\(offset)"
                    if let existing = parts.firstIndex(where: { $0.key == name }) {
                        if case .array(let items) = parts[existing].value {
                            parts[existing].value = .array(items + [.string(component)])
                        } else {
                            parts[existing].value = .array([parts[existing].value, .string(component)])
                        }
                    } else {
                        parts.append((name, .string(component)))
                    }
                }
                value = .object(parts)
            }
            let key = members.contains { $0.key == spec.name } ? "\(spec.name)\(position)" : spec.name
            members.append((key, value))
        }
        return (definition.name, .object(members))
    }
}
