import Foundation
import NIOCore
import NIOPosix
import PinganKit

/// A minimal SMTP client (RFC 5321) for one message per connection to a relay: EHLO (HELO if refused), MAIL FROM,
/// RCPT TO, DATA, QUIT. No authentication and no TLS: it is meant for the district's relay or a local MTA on the same
/// network, which takes the message onwards (docs/notifications.md).
enum SMTPClient {
    struct Failure: Error, CustomStringConvertible {
        /// A 5xx answer: retrying the same message will not help.
        var permanent: Bool
        var description: String
    }

    /// Sends the message and returns the relay's answer to the end of DATA (its queue id, usually).
    static func send(_ message: MailMessage, via s: NotifyChannels.SMTP, group: any EventLoopGroup) async throws -> String {
        try await withTimeout(s.timeout) {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(Int64(max(1, s.timeout))))
                .connect(host: s.host, port: s.port) { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(CRLFLineDecoder()))
                        return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: ch)
                    }
                }
            return try await channel.executeThenClose { inbound, outbound in
                var lines = inbound.makeAsyncIterator()
                func reply() async throws -> (Int, String) {
                    var text: [String] = []
                    while let raw = try await lines.next() {
                        guard let line = SMTPReplyLine(raw) else { throw Failure(permanent: false, description: "not an SMTP reply: \(raw.prefix(80))") }
                        text.append(line.text)
                        if line.isLast { return (line.code, text.joined(separator: " ")) }
                    }
                    throw Failure(permanent: false, description: "the server closed the connection")
                }
                func command(_ line: String, label: String? = nil, expect: ClosedRange<Int>) async throws -> String {
                    try await outbound.write(ByteBuffer(string: line + "\r\n"))
                    let (code, text) = try await reply()
                    guard expect.contains(code) else {
                        throw Failure(permanent: code >= 500, description: "\(label ?? String(line.prefix { $0 != ":" })) → \(code) \(text)")
                    }
                    return "\(code) \(text)"
                }
                let (greeting, text) = try await reply()
                guard greeting == 220 else { throw Failure(permanent: false, description: "greeting \(greeting) \(text)") }
                do { _ = try await command("EHLO " + s.helo, expect: 250...250) } catch let f as Failure where f.permanent {
                    _ = try await command("HELO " + s.helo, expect: 250...250)
                }
                _ = try await command("MAIL FROM:<\(s.from)>", expect: 250...250)
                _ = try await command("RCPT TO:<\(message.to)>", expect: 250...251)
                _ = try await command("DATA", expect: 354...354)
                let done = try await command(message.rendered() + ".", label: "end of DATA", expect: 250...250)
                try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
                return done
            }
        }
    }

    static func withTimeout<T: Sendable>(_ seconds: TimeInterval, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw Failure(permanent: false, description: "no answer within \(Int(seconds)) s")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

/// Splits the stream into lines at CRLF (a lone LF is accepted too) and hands each on as text without its line end.
struct CRLFLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let lf = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPClient.Failure(permanent: false, description: "reply line too long") }
            return .needMoreData
        }
        let length = lf - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
