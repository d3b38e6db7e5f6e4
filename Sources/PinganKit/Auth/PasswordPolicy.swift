import Foundation

/// What a new password must satisfy (OWASP ASVS 5.0 § 6.2; 等保三级 身份鉴别: 口令复杂度). Checked wherever a password is
/// set: account creation (web, API, `pingan user create`), a user's own change and an administrator's reset.
///
/// - at least 10 characters (and at most 72 UTF-8 bytes: bcrypt ignores everything after that);
/// - not one of the most common passwords (SecLists' top 100,000, `CommonPasswords/SOURCE.md`), compared without case;
/// - not containing the username, in any case;
/// - not one character repeated.
public struct PasswordPolicy: Sendable {
    public enum Problem: Equatable, Sendable {
        case tooShort(minimum: Int)
        case tooLong(maximumBytes: Int)
        case repeatedCharacter
        case containsUsername
        case common
    }

    public var minimumLength: Int
    public var maximumBytes: Int
    let common: Set<String>

    public init(minimumLength: Int = 10, maximumBytes: Int = 72, common: Set<String> = CommonPasswords.all) {
        self.minimumLength = minimumLength; self.maximumBytes = maximumBytes; self.common = common
    }

    public static let standard = PasswordPolicy()

    /// Every rule the password breaks, most basic first (the first one is what a form shows).
    public func problems(_ password: String, username: String) -> [Problem] {
        var out: [Problem] = []
        if password.count < minimumLength { out.append(.tooShort(minimum: minimumLength)) }
        if password.utf8.count > maximumBytes { out.append(.tooLong(maximumBytes: maximumBytes)) }
        if let first = password.first, password.allSatisfy({ $0 == first }) { out.append(.repeatedCharacter) }
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        if !name.isEmpty, password.lowercased().contains(name) { out.append(.containsUsername) }
        if isCommon(password) { out.append(.common) }
        return out
    }

    public func isCommon(_ password: String) -> Bool { common.contains(password.lowercased()) }
}

/// The shipped list of common passwords, lower-cased for a case-blind lookup.
public enum CommonPasswords {
    public static let all: Set<String> = {
        let text = String(decoding: PackageResources.common_passwords_txt, as: UTF8.self)
        return Set(text.split(separator: "\n").map { $0.lowercased() }.filter { !$0.isEmpty })
    }()
}
