/// A customs office in the tree GAC → 42 direct customs offices → subordinate offices.
public struct CustomsOffice: Sendable, Equatable, Codable, Identifiable {
    public var code: OfficeCode
    public var name: String
    public var nameZh: String
    /// The office above this one; nil only for the General Administration.
    public var parent: OfficeCode?
    public var id: OfficeCode { code }

    public init(code: OfficeCode, name: String, nameZh: String, parent: OfficeCode?) {
        self.code = code
        self.name = name
        self.nameZh = nameZh
        self.parent = parent
    }
}

/// The whole office tree, answering "is this office under that one".
public struct OfficeTree: Sendable {
    public let offices: [OfficeCode: CustomsOffice]
    private let children: [OfficeCode: [OfficeCode]]

    public init(_ offices: [CustomsOffice]) {
        self.offices = Dictionary(offices.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
        var children: [OfficeCode: [OfficeCode]] = [:]
        for office in offices { if let parent = office.parent { children[parent, default: []].append(office.code) } }
        self.children = children
    }

    public func contains(_ code: OfficeCode) -> Bool { offices[code] != nil }

    /// The office itself and every office below it.
    public func subtree(of root: OfficeCode) -> Set<OfficeCode> {
        var result: Set<OfficeCode> = [root]
        var queue = [root]
        while let next = queue.popLast() {
            for child in children[next] ?? [] where result.insert(child).inserted { queue.append(child) }
        }
        return result
    }

    /// The office and every office above it, nearest first: the offices `office` lies within (none when the tree does
    /// not know it).
    public func lineage(of office: OfficeCode) -> [OfficeCode] {
        var result: [OfficeCode] = []
        var current: OfficeCode? = office
        while let code = current, let known = offices[code], result.count < 16 {
            result.append(code)
            current = known.parent
        }
        return result
    }

    /// True when `office` is `ancestor` or lies below it.
    public func isWithin(_ office: OfficeCode, _ ancestor: OfficeCode) -> Bool {
        var current: OfficeCode? = office
        var steps = 0
        while let code = current, steps < 16 {
            if code == ancestor { return true }
            current = offices[code]?.parent
            steps += 1
        }
        return false
    }
}
