import Foundation

/// One marker segment of a JPEG file, located by offsets into the file's bytes.
struct JPEGSegment: Equatable {
    /// The marker byte after 0xFF (0xE1 = APP1, 0xDA = SOS, …).
    var marker: UInt8
    /// Offset of the segment's 0xFF.
    var start: Int
    /// The payload after the two length bytes (empty for standalone markers such as RSTn or EOI).
    var payload: Range<Int>
    /// Offset just past the segment. For SOS this includes the entropy-coded data (with its RSTn
    /// markers) up to the next real marker, so copying `start..<end` copies the whole scan.
    var end: Int

    var isSOF: Bool { (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC }
}

/// The segment structure of a JPEG file: what the sniffer, the EXIF reader and the stripper walk.
struct JPEGLayout {
    var segments: [JPEGSegment] = []
    /// Offset just past EOI; bytes after it (phone "motion photo" videos, MPF secondary images,
    /// Samsung trailers) are not part of the image.
    var endOfImage: Int?
    /// The file ended (or turned to garbage) before EOI.
    var truncated = false

    /// Walks the markers. `stopAtSOF` ends the walk at the first frame header (enough for sizes).
    /// Never traps and always advances, so hostile input can only end the walk early.
    static func parse(_ b: [UInt8], stopAtSOF: Bool = false) -> JPEGLayout? {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var layout = JPEGLayout()
        layout.segments.append(JPEGSegment(marker: 0xD8, start: 0, payload: 2..<2, end: 2))
        let n = b.count
        var pos = 2
        while true {
            // Find the next marker; libjpeg also tolerates (and skips) stray bytes here.
            while pos < n, b[pos] != 0xFF { pos += 1 }
            while pos + 1 < n, b[pos + 1] == 0xFF { pos += 1 } // fill bytes
            guard pos + 1 < n else { layout.truncated = true; return layout }
            let m = b[pos + 1]
            if m == 0x00 { pos += 2; continue } // stuffed zero outside a scan: garbage, skip
            if m == 0xD9 {
                layout.segments.append(JPEGSegment(marker: m, start: pos, payload: pos + 2..<pos + 2, end: pos + 2))
                layout.endOfImage = pos + 2
                return layout
            }
            if m == 0x01 || (0xD0...0xD8).contains(m) {
                layout.segments.append(JPEGSegment(marker: m, start: pos, payload: pos + 2..<pos + 2, end: pos + 2))
                pos += 2
                continue
            }
            guard pos + 4 <= n else { layout.truncated = true; return layout }
            let length = Int(b[pos + 2]) << 8 | Int(b[pos + 3])
            guard length >= 2, pos + 2 + length <= n else { layout.truncated = true; return layout }
            var seg = JPEGSegment(marker: m, start: pos, payload: pos + 4..<pos + 2 + length, end: pos + 2 + length)
            if m == 0xDA {
                seg.end = scanEnd(b, from: seg.payload.upperBound)
            }
            layout.segments.append(seg)
            if stopAtSOF && seg.isSOF { return layout }
            if seg.end >= n { layout.truncated = true; return layout }
            pos = seg.end
        }
    }

    /// The end of entropy-coded data: the first 0xFF that starts a marker other than a stuffed
    /// zero or a restart marker (fill bytes 0xFF 0xFF… belong to the following marker).
    static func scanEnd(_ b: [UInt8], from start: Int) -> Int {
        b.withUnsafeBufferPointer { p in
            let n = p.count
            var i = start
            while i + 1 < n {
                if p[i] != 0xFF { i += 1; continue }
                let c = p[i + 1]
                if c == 0x00 || (0xD0...0xD7).contains(c) { i += 2; continue }
                return i
            }
            return n
        }
    }
}
