import Foundation

/// Streaming RFC 4180 reader over bytes: same rules as `CSVReader` (quotes, doubled quotes, CR LF or
/// LF, a leading UTF-8 BOM, blank lines skipped) but fed in chunks, so a two-million-row file is read
/// with a buffer's worth of memory. Delimiters are ASCII, so splitting UTF-8 bytes is safe.
public struct CSVByteParser {
    private var field: [UInt8] = []
    private var row: [String] = []
    private var inQuotes = false
    private var quoteSeen = false   // a quote inside a quoted field: either "" or the closing quote
    private var pendingCR = false
    private var atStart = true
    private var bomCheck: [UInt8] = []

    public init() { field.reserveCapacity(256) }

    /// Feeds bytes; `emit` receives every complete row.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: ([String]) throws -> Void) rethrows {
        for b in bytes { try consume(b, emit) }
    }

    /// Ends the input; emits the last row if the file did not end with a newline.
    public mutating func finish(_ emit: ([String]) throws -> Void) rethrows {
        if atStart, !bomCheck.isEmpty { let pending = bomCheck; bomCheck = []; atStart = false; for b in pending { try consume(b, emit) } }
        if quoteSeen { quoteSeen = false; inQuotes = false }
        if !field.isEmpty || !row.isEmpty { try endRow(emit) }
    }

    private mutating func endField() {
        row.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRow(_ emit: ([String]) throws -> Void) rethrows {
        endField()
        let r = row
        row = []
        if !(r.count == 1 && r[0].isEmpty) { try emit(r) }
    }

    private mutating func consume(_ b: UInt8, _ emit: ([String]) throws -> Void) rethrows {
        if atStart {
            // Hold back up to three bytes to drop a UTF-8 BOM (EF BB BF).
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            if bomCheck.count < 3, b == bom[bomCheck.count] {
                bomCheck.append(b)
                if bomCheck.count == 3 { bomCheck = []; atStart = false }
                return
            }
            atStart = false
            let pending = bomCheck; bomCheck = []
            for p in pending { try consume(p, emit) }
        }
        if pendingCR {
            pendingCR = false
            if b == 0x0A { return } // CR LF: the row already ended at CR
        }
        if inQuotes {
            if quoteSeen {
                quoteSeen = false
                if b == 0x22 { field.append(0x22); return }
                inQuotes = false // the quote closed the field; handle b below as unquoted
            } else if b == 0x22 { quoteSeen = true; return } else { field.append(b); return }
        }
        switch b {
        case 0x22 where field.isEmpty: inQuotes = true
        case 0x2C: endField()
        case 0x0D: pendingCR = true; try endRow(emit)
        case 0x0A: try endRow(emit)
        default: field.append(b)
        }
    }
}

/// Reads a CSV file row by row through `CSVByteParser`, reporting bytes read for progress.
public enum CSVFile {
    public static func forEachRow(path: String, chunkSize: Int = 1 << 20, progress: (Int) -> Void = { _ in },
                                  _ body: ([String]) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        var parser = CSVByteParser()
        var read = 0
        while true {
            let data = handle.readData(ofLength: chunkSize)
            if data.isEmpty { break }
            read += data.count
            try data.withUnsafeBytes { raw in try parser.feed(raw.bindMemory(to: UInt8.self), body) }
            progress(read)
        }
        try parser.finish(body)
    }

    /// The same rows from text already in memory (web uploads).
    public static func forEachRow(text: String, _ body: ([String]) throws -> Void) throws {
        var parser = CSVByteParser()
        var copy = text
        try copy.withUTF8 { try parser.feed($0, body) }
        try parser.finish(body)
    }
}
