import Foundation

/// Just enough ISO-BMFF (HEIC/HEIF/AVIF) box parsing to read the primary image's size (`ispe`) and
/// find the EXIF item: the pixels themselves are HEVC/AV1 and are not decoded here.
struct HEIFBoxes {
    struct Box { var type: String; var body: Range<Int> }

    let v: ByteView
    init(_ bytes: [UInt8]) { v = ByteView(bytes) }

    /// The child boxes in `range` (at most 4096, so a hostile file cannot make us loop long).
    func children(_ range: Range<Int>) -> [Box] {
        var out: [Box] = []
        var pos = range.lowerBound
        while pos + 8 <= range.upperBound, out.count < 4096 {
            guard var size = v.u32(pos), let type = v.ascii(pos + 4, 4) else { break }
            var header = 8
            if size == 1 { guard let big = v.u64(pos + 8) else { break }; size = big; header = 16 }
            if size == 0 { size = range.upperBound - pos }
            guard size >= header, size <= range.upperBound - pos else { break }
            out.append(Box(type: type, body: pos + header..<pos + size))
            pos += size
        }
        return out
    }

    func child(_ type: String, in range: Range<Int>) -> Box? { children(range).first { $0.type == type } }

    /// The `meta` box's children (a FullBox: 4 bytes of version and flags precede them).
    var meta: [Box] {
        guard let m = child("meta", in: 0..<v.count), m.body.count >= 4 else { return [] }
        return children(m.body.lowerBound + 4..<m.body.upperBound)
    }

    var primaryItem: Int? {
        guard let p = meta.first(where: { $0.type == "pitm" }), let version = v.u8(p.body.lowerBound) else { return nil }
        return version == 0 ? v.u16(p.body.lowerBound + 4) : v.u32(p.body.lowerBound + 4)
    }

    /// The primary item's `ispe` (image spatial extent): the size before `irot`/`imir`. Falls back to
    /// the largest `ispe` when the item associations cannot be read.
    func primarySize() -> (width: Int, height: Int)? {
        let m = meta
        guard let iprp = m.first(where: { $0.type == "iprp" }), let ipco = child("ipco", in: iprp.body) else { return nil }
        let props = children(ipco.body)
        func ispe(_ b: Box) -> (width: Int, height: Int)? {
            guard b.type == "ispe", let w = v.u32(b.body.lowerBound + 4), let h = v.u32(b.body.lowerBound + 8), w > 0, h > 0 else { return nil }
            return (w, h)
        }
        if let item = primaryItem, let ipma = child("ipma", in: iprp.body) {
            for index in associations(ipma, item: item) where index >= 1 && index <= props.count {
                if let s = ispe(props[index - 1]) { return s }
            }
        }
        return props.compactMap(ispe).max { $0.width * $0.height < $1.width * $1.height }
    }

    /// Property indices (1-based) associated with `item` in an `ipma` box.
    func associations(_ ipma: Box, item: Int) -> [Int] {
        guard let version = v.u8(ipma.body.lowerBound), let flags = v.u8(ipma.body.lowerBound + 3),
              let count = v.u32(ipma.body.lowerBound + 4) else { return [] }
        var pos = ipma.body.lowerBound + 8
        for _ in 0..<min(count, 65_536) {
            guard let id = version < 1 ? v.u16(pos) : v.u32(pos) else { return [] }
            pos += version < 1 ? 2 : 4
            guard let n = v.u8(pos) else { return [] }
            pos += 1
            var found: [Int] = []
            for _ in 0..<Int(n) {
                if flags & 1 == 1 { guard let x = v.u16(pos) else { return [] }; found.append(x & 0x7FFF); pos += 2 }
                else { guard let x = v.u8(pos) else { return [] }; found.append(Int(x & 0x7F)); pos += 1 }
            }
            if id == item { return found }
        }
        return []
    }

    /// The bytes of the first item of type `Exif`, from the TIFF header on (the item starts with a
    /// 4-byte offset to it). Only file-offset extents (construction method 0) are followed.
    func exifTIFF() -> [UInt8]? {
        let m = meta
        guard let iinf = m.first(where: { $0.type == "iinf" }), let iloc = m.first(where: { $0.type == "iloc" }),
              let iinfVersion = v.u8(iinf.body.lowerBound) else { return nil }
        let entriesStart = iinf.body.lowerBound + (iinfVersion == 0 ? 6 : 8)
        var exifID: Int?
        for infe in children(entriesStart..<iinf.body.upperBound) where infe.type == "infe" {
            guard let ver = v.u8(infe.body.lowerBound), ver >= 2 else { continue }
            let idSize = ver == 2 ? 2 : 4
            guard let id = ver == 2 ? v.u16(infe.body.lowerBound + 4) : v.u32(infe.body.lowerBound + 4),
                  let type = v.ascii(infe.body.lowerBound + 4 + idSize + 2, 4) else { continue }
            if type == "Exif" { exifID = id; break }
        }
        guard let exifID, let (offset, length) = extent(iloc, item: exifID), offset <= v.count, length <= v.count - offset,
              let tiffOffset = v.u32(offset), length > 4 + tiffOffset else { return nil }
        return Array(v.bytes[offset + 4 + tiffOffset..<offset + length])
    }

    /// The first extent of `item` in an `iloc` box, as (file offset, length).
    func extent(_ iloc: Box, item: Int) -> (Int, Int)? {
        var pos = iloc.body.lowerBound
        guard let version = v.u8(pos), let sizes = v.u16(pos + 4) else { return nil }
        let offsetSize = sizes >> 12, lengthSize = (sizes >> 8) & 15, baseSize = (sizes >> 4) & 15
        let indexSize = version >= 1 ? sizes & 15 : 0
        pos += 6
        func read(_ size: Int) -> Int? {
            defer { pos += size }
            switch size { case 0: return 0; case 4: return v.u32(pos); case 8: return v.u64(pos); default: return nil }
        }
        guard let count = version < 2 ? v.u16(pos) : v.u32(pos) else { return nil }
        pos += version < 2 ? 2 : 4
        for _ in 0..<min(count, 65_536) {
            guard let id = version < 2 ? v.u16(pos) : v.u32(pos) else { return nil }
            pos += version < 2 ? 2 : 4
            var method = 0
            if version >= 1 { guard let x = v.u16(pos) else { return nil }; method = x & 15; pos += 2 }
            pos += 2 // data reference index
            guard let base = read(baseSize), let extents = v.u16(pos) else { return nil }
            pos += 2
            var first: (Int, Int)?
            for _ in 0..<extents {
                _ = read(indexSize)
                guard let off = read(offsetSize), let len = read(lengthSize) else { return nil }
                let (start, overflow) = base.addingReportingOverflow(off)
                if first == nil, !overflow { first = (start, len) }
            }
            if id == item { return method == 0 ? first : nil }
        }
        return nil
    }
}
