import Foundation

/// UN/EDIFACT syntax (ISO 9735): service string advice, release character, segments of data elements of
/// components, and the UNB/UNZ and UNH/UNT envelopes with their counts and control references.
public enum EDIFACT {
    /// The separators an interchange uses: ISO 9735 defaults unless a UNA segment says otherwise.
    public struct Delimiters: Sendable, Equatable {
        public var component: UInt8 = UInt8(ascii: ":")
        public var element: UInt8 = UInt8(ascii: "+")
        public var decimal: UInt8 = UInt8(ascii: ".")
        public var release: UInt8 = UInt8(ascii: "?")
        public var segment: UInt8 = UInt8(ascii: "'")
        public init() {}

        var specials: Set<UInt8> { [component, element, release, segment] }
        /// The UNA segment that announces these delimiters.
        public var una: String {
            String(decoding: [UInt8(ascii: "U"), UInt8(ascii: "N"), UInt8(ascii: "A"), component, element, decimal, release,
                              UInt8(ascii: " "), segment], as: UTF8.self)
        }
    }

    /// One segment: its tag and data elements, each a list of components; numbered from 1 in the interchange.
    public struct Segment: Sendable, Equatable {
        public var tag: String
        public var elements: [[String]]
        public var number: Int
        public var line: Int

        public init(_ tag: String, _ elements: [[String]], number: Int = 0, line: Int = 0) {
            self.tag = tag
            self.elements = elements
            self.number = number
            self.line = line
        }

        /// Component `component` of data element `element` (both from 0, after the tag), or nil.
        public subscript(element: Int, component: Int = 0) -> String? {
            guard element < elements.count, component < elements[element].count else { return nil }
            let value = elements[element][component]
            return value.isEmpty ? nil : value
        }

        public static func == (a: Segment, b: Segment) -> Bool { a.tag == b.tag && a.elements == b.elements }
    }

    /// A problem with an interchange, located by segment number and data element position.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based segment number in the interchange (0 when not tied to one segment).
        public var segment: Int
        /// 1-based data element position within the segment (0 for the segment as a whole).
        public var position: Int
        public var reason: String
        public init(segment: Int, position: Int, reason: String) {
            self.segment = segment
            self.position = position
            self.reason = reason
        }
        public var description: String {
            segment == 0 ? reason : "segment \(segment)\(position > 0 ? " element \(position)" : ""): \(reason)"
        }
    }

    /// Splits an interchange into segments; problems with release characters are collected, not fatal.
    public static func segments(_ data: Data) -> (delimiters: Delimiters, segments: [Segment], failures: [Failure]) {
        let bytes = Array(data)
        var delimiters = Delimiters()
        var index = 0
        if bytes.count >= 9, bytes[0] == UInt8(ascii: "U"), bytes[1] == UInt8(ascii: "N"), bytes[2] == UInt8(ascii: "A") {
            delimiters.component = bytes[3]
            delimiters.element = bytes[4]
            delimiters.decimal = bytes[5]
            delimiters.release = bytes[6]
            delimiters.segment = bytes[8]
            index = 9
        }
        var segments: [Segment] = []
        var failures: [Failure] = []
        var elements: [[String]] = []
        var components: [String] = []
        var current: [UInt8] = []
        var raw: [UInt8] = []  // the element as written, for error messages
        var line = 1
        var segmentLine = 1
        var releaseProblem = false
        func endComponent() {
            components.append(String(decoding: current, as: UTF8.self))
            current.removeAll(keepingCapacity: true)
        }
        func endElement() {
            endComponent()
            if releaseProblem {
                failures.append(Failure(
                    segment: segments.count + 1, position: elements.count,
                    reason: "There's a character not escaped with \(Character(UnicodeScalar(delimiters.release))) in the data; string \(String(decoding: raw, as: UTF8.self))"))
                releaseProblem = false
            }
            elements.append(components)
            components.removeAll(keepingCapacity: true)
            raw.removeAll(keepingCapacity: true)
        }
        var atSegmentStart = true
        while index < bytes.count {
            let byte = bytes[index]
            if atSegmentStart && (byte == 0x0A || byte == 0x0D) {
                if byte == 0x0A { line += 1 }
                index += 1
                continue
            }
            if atSegmentStart { segmentLine = line }
            atSegmentStart = false
            if byte == 0x0A { line += 1 }
            if byte == delimiters.release {
                guard index + 1 < bytes.count else {
                    failures.append(Failure(segment: segments.count + 1, position: elements.count, reason: "release character at the end of the interchange"))
                    index += 1
                    continue
                }
                let next = bytes[index + 1]
                if !delimiters.specials.contains(next) { releaseProblem = true }
                current.append(next)
                raw += [byte, next]
                index += 2
                continue
            }
            if byte == delimiters.segment {
                endElement()
                let tag = elements.first?.first ?? ""
                segments.append(Segment(tag, Array(elements.dropFirst()), number: segments.count + 1, line: segmentLine))
                elements.removeAll(keepingCapacity: true)
                atSegmentStart = true
            } else if byte == delimiters.element {
                endElement()
            } else if byte == delimiters.component {
                endComponent()
                raw.append(byte)
            } else {
                current.append(byte)
                raw.append(byte)
            }
            index += 1
        }
        let trailing = String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if !trailing.isEmpty || !elements.isEmpty || !components.isEmpty {
            failures.append(Failure(segment: segments.count + 1, position: 0, reason: "the last segment has no terminator"))
        }
        return (delimiters, segments, failures)
    }

    /// Writes segments with `delimiters`, escaping every special character with the release character.
    public static func write(_ segments: [Segment], delimiters: Delimiters = Delimiters(), una: Bool = false,
                             lineBreaks: Bool = true) -> String {
        var out: [UInt8] = una ? Array(delimiters.una.utf8) + (lineBreaks ? [0x0A] : []) : []
        let specials = delimiters.specials
        for segment in segments {
            out += segment.tag.utf8
            for element in segment.elements {
                out.append(delimiters.element)
                for (i, component) in element.enumerated() {
                    if i > 0 { out.append(delimiters.component) }
                    for byte in component.utf8 {
                        if specials.contains(byte) { out.append(delimiters.release) }
                        out.append(byte)
                    }
                }
            }
            // Trailing empty elements are not written (ISO 9735 truncation).
            while out.last == delimiters.element || out.last == delimiters.component {
                let count = out.count
                if count >= 2, out[count - 2] == delimiters.release { break }
                out.removeLast()
            }
            out.append(delimiters.segment)
            if lineBreaks { out.append(0x0A) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
