import Foundation

/// The SM3 hash (GB/T 32905-2016), the digest China E-port's 2022 CEB signatures use (`xmldsig#sm3`).
public enum SM3 {
    static let iv: [UInt32] = [0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E]

    public static func hash(_ data: Data) -> Data {
        var message = [UInt8](data)
        let bitLength = UInt64(message.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var v = iv
        var w = [UInt32](repeating: 0, count: 68), w1 = [UInt32](repeating: 0, count: 64)
        for block in stride(from: 0, to: message.count, by: 64) {
            for j in 0..<16 {
                let i = block + j * 4
                w[j] = UInt32(message[i]) << 24 | UInt32(message[i + 1]) << 16 | UInt32(message[i + 2]) << 8 | UInt32(message[i + 3])
            }
            for j in 16..<68 {
                let x = w[j - 16] ^ w[j - 9] ^ rotl(w[j - 3], 15)
                w[j] = p1(x) ^ rotl(w[j - 13], 7) ^ w[j - 6]
            }
            for j in 0..<64 { w1[j] = w[j] ^ w[j + 4] }
            var (a, b, c, d, e, f, g, h) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])
            for j in 0..<64 {
                let t: UInt32 = j < 16 ? 0x79CC4519 : 0x7A879D8A
                let ss1 = rotl(rotl(a, 12) &+ e &+ rotl(t, UInt32(j % 32)), 7)
                let ss2 = ss1 ^ rotl(a, 12)
                let ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c)
                let gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g)
                let tt1 = ff &+ d &+ ss2 &+ w1[j]
                let tt2 = gg &+ h &+ ss1 &+ w[j]
                d = c; c = rotl(b, 9); b = a; a = tt1
                h = g; g = rotl(f, 19); f = e; e = p0(tt2)
            }
            v = [a ^ v[0], b ^ v[1], c ^ v[2], d ^ v[3], e ^ v[4], f ^ v[5], g ^ v[6], h ^ v[7]]
        }
        var out = Data(capacity: 32)
        for word in v { out.append(contentsOf: [UInt8(word >> 24), UInt8(word >> 16 & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word & 0xFF)]) }
        return out
    }

    static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { n == 0 ? x : (x << n) | (x >> (32 - n)) }
    static func p0(_ x: UInt32) -> UInt32 { x ^ rotl(x, 9) ^ rotl(x, 17) }
    static func p1(_ x: UInt32) -> UInt32 { x ^ rotl(x, 15) ^ rotl(x, 23) }
}
