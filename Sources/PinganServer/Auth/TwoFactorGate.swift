import Vapor

/// A signed-in user whose role must have two factors (`PINGAN_2FA_ROLES`) and who has not set them up reaches
/// nothing but the set-up page (`/account/2fa`, registered outside this gate) and signing out: pages redirect there,
/// everything else answers 403. API tokens are not affected (issue 22: they stay listed and revocable instead).
struct TwoFactorGate: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = req.auth.get(User.self), !req.viaBearerToken, TwoFactor.required(user, req.config), !user.hasTwoFactor else {
            return try await next.respond(to: req)
        }
        if req.method == .GET, !req.url.path.hasPrefix("/api/") {
            let here = req.url.path + (req.url.query.map { "?" + $0 } ?? "")
            return req.redirect(to: "/account/2fa?next=" + (here.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F"))
        }
        throw Abort(.forbidden, reason: req.t("您的角色须先开启两步验证：请打开 /account/2fa。", "Your role needs two-step verification first: open /account/2fa."))
    }
}
