import Foundation

/// A QR Code (ISO/IEC 18004) in byte mode, encoded here so the printable certificate needs no outside service.
///
/// Medium error correction (about 15% of the symbol may be damaged), the smallest version 1–40 that holds the
/// text, and the mask with the lowest penalty score. `modules[y][x]` is true for a dark module.
public struct QRCode: Sendable, Equatable {
    public let version: Int
    public let size: Int
    public private(set) var mask = 0
    public private(set) var modules: [[Bool]]
    private var isFunction: [[Bool]]

    /// Text too long for the largest symbol.
    public struct TooLong: Error, Sendable, Equatable {
        public var bytes: Int
    }

    // Error correction level M (ISO/IEC 18004 Table 9), indexed by version.
    static let eccPerBlock = [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26,
                              28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28]
    static let blocks = [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25,
                         26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49]
    /// The format bits of level M.
    static let levelBits = 0

    public init(text: String) throws(TooLong) {
        let bytes = Array(text.utf8)
        var chosen = 0
        for version in 1...40 {
            let countBits = version <= 9 ? 8 : 16
            if 4 + countBits + bytes.count * 8 <= Self.dataCodewords(version) * 8 && bytes.count < 1 << countBits {
                chosen = version
                break
            }
        }
        guard chosen > 0 else { throw TooLong(bytes: bytes.count) }
        version = chosen
        size = chosen * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
        drawFunctionPatterns()
        draw(codewords: Self.withErrorCorrection(Self.dataBits(bytes, version: chosen), version: chosen))
        var best = (penalty: Int.max, mask: 0)
        for candidate in 0..<8 {
            applyMask(candidate)
            drawFormatBits(candidate)
            let penalty = penaltyScore()
            if penalty < best.penalty { best = (penalty, candidate) }
            applyMask(candidate)  // XOR twice undoes it
        }
        mask = best.mask
        applyMask(mask)
        drawFormatBits(mask)
        isFunction = []
    }

    // MARK: - Capacity

    static func rawDataModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let align = version / 7 + 2
            result -= (25 * align - 10) * align - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewords(_ version: Int) -> Int {
        rawDataModules(version) / 8 - eccPerBlock[version] * blocks[version]
    }

    // MARK: - Codewords

    static func dataBits(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(bytes.count, version <= 9 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = dataCodewords(version) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count < capacity / 8 {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }

    /// Splits data into blocks, appends each block's Reed–Solomon remainder and interleaves them.
    static func withErrorCorrection(_ data: [UInt8], version: Int) -> [UInt8] {
        let count = blocks[version], ecc = eccPerBlock[version]
        let raw = rawDataModules(version) / 8
        let shortBlocks = count - raw % count
        let shortLength = raw / count
        let divisor = reedSolomonDivisor(ecc)
        var blocksData: [[UInt8]] = []
        var offset = 0
        for i in 0..<count {
            let length = shortLength - ecc + (i < shortBlocks ? 0 : 1)
            let chunk = Array(data[offset..<offset + length])
            offset += length
            var block = chunk + (i < shortBlocks ? [0] : [])
            block += reedSolomonRemainder(chunk, divisor)
            blocksData.append(block)
        }
        var result: [UInt8] = []
        for i in 0..<blocksData[0].count {
            for (j, block) in blocksData.enumerated() where i != shortLength - ecc || j >= shortBlocks {
                result.append(block[i])
            }
        }
        return result
    }

    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z)
    }

    static func reedSolomonDivisor(_ degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func reedSolomonRemainder(_ data: [UInt8], _ divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }

    // MARK: - Drawing

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y][x] = dark
        isFunction[y][x] = true
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(x + dx) && (0..<size).contains(y + dy) {
                    let distance = max(abs(dx), abs(dy))
                    set(x + dx, y + dy, distance != 2 && distance != 4)
                }
            }
        }
        let positions = alignmentPositions()
        for (i, x) in positions.enumerated() {
            for (j, y) in positions.enumerated() {
                let corner = (i == 0 && j == 0) || (i == 0 && j == positions.count - 1) || (i == positions.count - 1 && j == 0)
                guard !corner else { continue }
                for dy in -2...2 { for dx in -2...2 { set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) } }
            }
        }
        drawFormatBits(0)  // reserves the format areas; redrawn with the chosen mask
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3, b = i / 3
                set(a, b, dark)
                set(b, a, dark)
            }
        }
    }

    private func alignmentPositions() -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var result: [Int] = []
        var position = size - 7
        for _ in 0..<(count - 1) {
            result.insert(position, at: 0)
            position -= step
        }
        return [6] + result
    }

    private mutating func drawFormatBits(_ mask: Int) {
        let data = Self.levelBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    private mutating func draw(codewords: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    if !isFunction[y][x] && i < codewords.count * 8 {
                        modules[y][x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    private mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] {
                let invert: Bool = switch mask {
                case 0: (x + y) % 2 == 0
                case 1: y % 2 == 0
                case 2: x % 3 == 0
                case 3: (x + y) % 3 == 0
                case 4: (x / 3 + y / 2) % 2 == 0
                case 5: x * y % 2 + x * y % 3 == 0
                case 6: (x * y % 2 + x * y % 3) % 2 == 0
                default: ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { modules[y][x].toggle() }
            }
        }
    }

    /// The standard's penalty: runs of one colour, 2×2 blocks, finder-like patterns and imbalance.
    private func penaltyScore() -> Int {
        var penalty = 0
        func lines(_ horizontal: Bool) -> [[Bool]] {
            horizontal ? modules : (0..<size).map { x in (0..<size).map { modules[$0][x] } }
        }
        let finderLike: [Bool] = [true, false, true, true, true, false, true]
        for horizontal in [true, false] {
            for line in lines(horizontal) {
                var run = 1
                for i in 1..<size {
                    if line[i] == line[i - 1] {
                        run += 1
                    } else {
                        if run >= 5 { penalty += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { penalty += run - 2 }
                for i in 0...(size - 7) where Array(line[i..<i + 7]) == finderLike {
                    let before = i >= 4 && !line[(i - 4)..<i].contains(true)
                    let after = i + 11 <= size && !line[(i + 7)..<(i + 11)].contains(true)
                    if before || after { penalty += 40 }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = modules[y][x]
                if c == modules[y][x + 1] && c == modules[y + 1][x] && c == modules[y + 1][x + 1] { penalty += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        // Each 5% step away from half dark costs 10 (total is odd, so the step count is never negative).
        penalty += max(0, (abs(dark * 20 - total * 10) + total - 1) / total - 1) * 10
        return penalty
    }
}

extension QRCode {
    /// An SVG drawing with a four-module quiet zone, for pages and printable certificates.
    public func svg(moduleSize: Int = 4) -> String {
        let border = 4
        let dimension = (size + 2 * border) * moduleSize
        var path = ""
        for y in 0..<size {
            for x in 0..<size where modules[y][x] {
                path += "M\((x + border) * moduleSize),\((y + border) * moduleSize)h\(moduleSize)v\(moduleSize)h-\(moduleSize)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(dimension)" height="\(dimension)" viewBox="0 0 \(dimension) \(dimension)" \
            role="img" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }

    /// A greyscale PNG with a four-module quiet zone; its deflate stream uses stored blocks, which every reader takes.
    public func png(moduleSize: Int = 4) -> [UInt8] {
        let border = 4
        let dimension = (size + 2 * border) * moduleSize
        var raw: [UInt8] = []
        raw.reserveCapacity((dimension + 1) * dimension)
        for py in 0..<dimension {
            raw.append(0)  // filter: none
            let y = py / moduleSize - border
            for px in 0..<dimension {
                let x = px / moduleSize - border
                let dark = (0..<size).contains(x) && (0..<size).contains(y) && modules[y][x]
                raw.append(dark ? 0 : 255)
            }
        }
        func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8((value >> (8 * $0)) & 0xFF) } }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + body + bigEndian(GZip.crc32(body))
        }
        var adlerA: UInt32 = 1, adlerB: UInt32 = 0
        for byte in raw {
            adlerA = (adlerA + UInt32(byte)) % 65_521
            adlerB = (adlerB + adlerA) % 65_521
        }
        let zlib = [0x78, 0x01] + GZip.storedBlocks(raw) + bigEndian(adlerB << 16 | adlerA)
        let header = bigEndian(UInt32(dimension)) + bigEndian(UInt32(dimension)) + [8, 0, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
    }
}
