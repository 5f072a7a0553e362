/// A government agency that takes part in clearance (tax, foreign exchange, market regulation …).
public struct Agency: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var nameZh: String
    public var kind: String
    public init(id: String, name: String, nameZh: String, kind: String) {
        self.id = id
        self.name = name
        self.nameZh = nameZh
        self.kind = kind
    }
}

/// A port of entry or exit (口岸): seaport, airport or land crossing, identified by UN/LOCODE, with the customs office that supervises it.
public struct BorderPort: Sendable, Equatable, Codable, Identifiable {
    public var locode: UNLocode
    public var name: String
    public var nameZh: String
    public var office: OfficeCode
    public var id: UNLocode { locode }
    public init(locode: UNLocode, name: String, nameZh: String, office: OfficeCode) {
        self.locode = locode
        self.name = name
        self.nameZh = nameZh
        self.office = office
    }
}

/// A container terminal inside a port.
public struct Terminal: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var port: UNLocode
    public init(id: String, name: String, port: UNLocode) {
        self.id = id
        self.name = name
        self.port = port
    }
}
