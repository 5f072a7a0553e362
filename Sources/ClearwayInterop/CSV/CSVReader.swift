/// RFC 4180 CSV: quoted fields with doubled quotes, commas and line breaks inside quotes, an optional UTF-8 BOM.
public enum CSVReader {
    /// A malformed CSV document, with the line the problem starts on.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// Parses `text` into rows of fields; blank lines are skipped.
    public static func rows(_ text: String) throws(Failure) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var quoteStartLine = 1
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        if let first = chars.next(), first != "\u{FEFF}" { pending = first }
        func endRow() {
            row.append(field)
            field = ""
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row = []
        }
        while let char = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if char == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else {
                            inQuotes = false
                            pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if char == "\n" { line += 1 }
                    field.unicodeScalars.append(char)
                }
                continue
            }
            switch char {
            case "\"":
                guard field.isEmpty else { throw Failure(line: line, reason: "a quote inside an unquoted field") }
                inQuotes = true
                quoteStartLine = line
            case ",":
                row.append(field)
                field = ""
            case "\r":
                continue
            case "\n":
                endRow()
                line += 1
            default:
                field.unicodeScalars.append(char)
            }
        }
        if inQuotes { throw Failure(line: quoteStartLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }

    /// Parses a CSV with a header row into one dictionary per record, keyed by column name.
    public static func records(_ text: String) throws(Failure) -> [[String: String]] {
        let all = try rows(text)
        guard let header = all.first else { return [] }
        var records: [[String: String]] = []
        for (index, row) in all.dropFirst().enumerated() {
            guard row.count == header.count else {
                throw Failure(line: index + 2, reason: "\(row.count) fields where the header has \(header.count)")
            }
            records.append(Dictionary(zip(header, row), uniquingKeysWith: { a, _ in a }))
        }
        return records
    }
}
