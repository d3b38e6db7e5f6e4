import Vapor
import PinganKit

extension Request {
    /// The client's address: the TCP peer, or — when the peer is one of `PINGAN_TRUSTED_PROXIES` — what that proxy
    /// wrote in X-Forwarded-For (`ClientAddress`). Sign-in limits, sessions, the audit log and the portal's limits
    /// all key on this, so behind a proxy they see residents and officers, not the proxy.
    var clientAddress: String {
        ClientAddress.resolve(peer: remoteAddress?.ipAddress, forwardedFor: headers[.xForwardedFor], trusted: config.trustedProxies)
    }
}
