import Foundation
import PinganKit

/// Two-factor helpers: a TOTP code from a base32 secret (what an authenticator app shows; the demo's enrolled
/// accounts need one), and the QR encoder's output for the peer check (Tests/peer/qr_totp_check.py).
extension LabCommands {
    static var auth: [LabCommand] { [
        LabCommand(name: "totp", summary: "the current TOTP code for a base32 secret (--time T, --digits N, --algorithm SHA1|SHA256|SHA512)") { args in
            let o = LabOptions(args)
            guard let secretText = args.first, !secretText.hasPrefix("--"),
                  let secret = Base32.decode(secretText), !secret.isEmpty else { throw LabUsageError("usage: pingan-lab totp BASE32SECRET [--time UNIX] [--digits 6] [--algorithm SHA1]") }
            guard let algorithm = OTPAlgorithm(rawValue: (o.value("algorithm") ?? "SHA1").uppercased()) else { throw LabUsageError("--algorithm must be SHA1, SHA256 or SHA512") }
            let digits = try o.int("digits", default: 6)
            guard (6...9).contains(digits) else { throw LabUsageError("--digits must be 6 to 9") }
            let time = try o.double("time", default: Date().timeIntervalSince1970)
            print(TOTP(secret: secret, digits: digits, algorithm: algorithm).code(at: time))
        },
        LabCommand(name: "qr", summary: "encode text as a QR code (byte mode, level M): --svg, or the module rows (--mask 0-7, --version N)") { args in
            let o = LabOptions(args)
            guard let text = o.value("text") else { throw LabUsageError("usage: pingan-lab qr --text TEXT [--svg] [--mask M] [--version V]") }
            let mask = try o.value("mask").map { _ in try o.int("mask", default: 0) }
            let code = try QRCode.encode(text, minVersion: try o.int("version", default: 1), mask: mask)
            if o.flag("svg") { print(code.svg()) } else { print("version \(code.version) mask \(code.mask)"); print(code.text) }
        },
    ] }
}
