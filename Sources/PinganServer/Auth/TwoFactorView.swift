import Fluent
import Vapor
import PinganKit

/// `/account/2fa` in its three states: not set up (a button), being set up (QR code, the key as text, a code to
/// confirm), and on (recovery codes left, new ones, turning it off where the role allows). Recovery codes are shown
/// once, on the answer to the request that made them.
struct TwoFactorView {
    let req: Request
    var next: String?
    var errors = FieldErrors()
    var newCodes: [String]? = nil
    var notice: String? = nil

    func render() async throws -> Response {
        let L = req.lang
        let user = try req.user
        let required = TwoFactor.required(user, req.config)
        var body: [Node] = [.h1(.text(L.t("两步验证", "Two-step verification")))]
        if let notice { body.append(.div(.class("alert ok"), .attr("role", "status"), .text(notice))) }
        body.append(Form.errorSummary(req, errors))
        if let newCodes {
            body.append(recoveryCodesCard(newCodes))
        } else if user.hasTwoFactor {
            body.append(try await enabledCard(user, required: required))
        } else if let pending = user.totpPending {
            if required { body.append(requiredNotice()) }
            body.append(try enrolCard(user, sealed: pending))
        } else {
            if required { body.append(requiredNotice()) }
            body.append(startCard())
        }
        body.append(.p(.class("small"), .a(.href("/account"), .text(L.t("返回我的账号", "Back to my account")))))
        return .page(req, title: L.t("两步验证", "Two-step verification"), status: errors.isEmpty ? .ok : .unprocessableEntity, .div(.class("narrow"), .group(body)))
    }

    var nextField: Node { .input(.type("hidden"), .name("next"), .value(SafeRedirect.target(next))) }

    func requiredNotice() -> Node {
        .div(.class("alert warn"), .attr("role", "alert"), .text(req.t("您的角色须开启两步验证后才能继续使用平台。", "Your role must turn on two-step verification before going on.")))
    }

    func startCard() -> Node {
        let L = req.lang
        return .div(.class("card"),
            .p(.text(L.t("登录时除密码外，还需输入手机身份验证器应用（如 Microsoft Authenticator、Google 身份验证器、FreeOTP 等）生成的 6 位动态码。",
                         "Besides your password, signing in will ask for a 6-digit code from an authenticator app on your phone (Microsoft Authenticator, Google Authenticator, FreeOTP, …)."))),
            .form(.method("post"), .action("/account/2fa/setup"), Layout.csrfField(req), nextField,
                  .p(.button(.type("submit"), .text(L.t("开始设置", "Set it up"))))))
    }

    func enrolCard(_ user: User, sealed: String) throws -> Node {
        let L = req.lang
        let totp = try TwoFactor.totp(sealed: sealed, cipher: req.cipher)
        let secret = Base32.encode(totp.secret)
        let qr = try QRCode.encode(totp.uri(issuer: TwoFactor.issuer, account: user.username))
        let svg = qr.svg(pixelsPerModule: 4, label: L.t("用身份验证器应用扫描此二维码", "Scan this QR code with your authenticator app"))
        let confirm: Node = .form(.method("post"), .action("/account/2fa/confirm"), Layout.csrfField(req), nextField,
            .div(.class("form"),
                 Form.field(L.t("应用显示的 6 位验证码", "The 6-digit code the app shows"), "code", errors,
                            .input(.name("code"), .id("f-code"), .required(), .attr("inputmode", "numeric"), .attr("autocomplete", "one-time-code"),
                                   .attr("pattern", "[0-9 ]{6,7}"), .attr("maxlength", "7")))),
            .p(.button(.type("submit"), .text(L.t("确认开启", "Confirm and turn on")))))
        return .div(.class("card"),
            .h2(.text(L.t("1. 扫描二维码", "1. Scan the QR code"))),
            .div(.class("qr-box"), .raw(svg)),
            .p(.class("small muted"), .text(L.t("无法扫码时，在应用中手动添加账号，输入下面的密钥（基于时间，6 位，30 秒）：",
                                                 "Cannot scan? Add the account by hand with this key (time-based, 6 digits, 30 seconds):"))),
            .p(.code(.class("secret"), .text(TwoFactor.grouped(secret)))),
            .h2(.text(L.t("2. 输入验证码确认", "2. Confirm with a code"))), confirm,
            .form(.method("post"), .action("/account/2fa/setup"), .class("inline"), Layout.csrfField(req), nextField,
                  .button(.type("submit"), .class("link small"), .text(L.t("换一个新密钥", "Use a new key instead")))))
    }

    func enabledCard(_ user: User, required: Bool) async throws -> Node {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let left = try await TwoFactor.remainingRecoveryCodes(userID: user.id!, on: req.db)
        let codeField = Form.field(L.t("当前验证码", "Current code"), "code", errors,
            .input(.name("code"), .required(), .attr("inputmode", "numeric"), .attr("autocomplete", "one-time-code"), .attr("maxlength", "7")))
        let turnOff: Node = required
            ? .p(.class("small muted"), .text(L.t("您的角色必须使用两步验证。手机丢失时，请用恢复码登录，或请另一位系统管理员重置。",
                                                   "Your role requires two-step verification. If you lose your phone, sign in with a recovery code or ask another administrator to reset it.")))
            : .form(.method("post"), .action("/account/2fa/disable"), Layout.csrfField(req),
                    .h3(.text(L.t("关闭两步验证", "Turn it off"))), .div(.class("form"), codeField),
                    .p(.button(.type("submit"), .class("secondary"), .text(L.t("关闭", "Turn off")))))
        return .div(.class("card"),
            .p(.strong(.text(L.t("两步验证已开启", "Two-step verification is on"))), .text(user.totpEnabledAt.map { L.t("（自 ", " (since ") + cal.formatDate($0) + L.t("）", ")") } ?? "")),
            .p(.text(L.t("剩余恢复码：\(left) / \(TwoFactor.recoveryCodeCount)", "Recovery codes left: \(left) of \(TwoFactor.recoveryCodeCount)"))),
            .form(.method("post"), .action("/account/2fa/recovery"), Layout.csrfField(req),
                  .h3(.text(L.t("生成新的恢复码", "New recovery codes"))),
                  .p(.class("small muted"), .text(L.t("旧的恢复码将全部失效。", "The old ones stop working."))),
                  .div(.class("form"), codeField), .p(.button(.type("submit"), .text(L.t("生成", "Make new codes"))))),
            turnOff)
    }

    func recoveryCodesCard(_ codes: [String]) -> Node {
        let L = req.lang
        return .div(.class("card"),
            .h2(.text(L.t("恢复码", "Recovery codes"))),
            .p(.text(L.t("手机不在身边时，可用下面任意一个恢复码代替验证码登录，每个只能用一次。请现在抄下或打印并妥善保管：离开本页后将无法再次查看。",
                         "If your phone is not at hand, any one of these codes signs you in instead of a code, once each. Write them down or print them now: they are not shown again."))),
            .ol(.class("codes"), .forEach(codes) { .li(.code(.text($0))) }),
            .p(.a(.class("btn"), .href(SafeRedirect.target(next)), .text(L.t("我已保存，继续", "I have kept them — continue")))))
    }
}
