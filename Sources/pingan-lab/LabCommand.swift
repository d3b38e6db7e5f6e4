import Foundation

/// One sub-command of pingan-lab. Each feature adds its commands in its own file
/// (an extension of `LabCommands` with a static list) and names that list in `all`.
struct LabCommand {
    let name: String
    let summary: String
    let run: ([String]) throws -> Void
}

struct LabUsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

enum LabCommands {
    static var all: [LabCommand] { hotspot + forecast + staffing + auth }
}

/// `--name value` options, shared by every command.
struct LabOptions {
    let arguments: [String]
    init(_ arguments: [String]) { self.arguments = arguments }
    func value(_ name: String) -> String? {
        guard let i = arguments.firstIndex(of: "--" + name), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }
    func values(_ name: String) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            if arguments[i] == "--" + name, i + 1 < arguments.count { out.append(arguments[i + 1]); i += 2 } else { i += 1 }
        }
        return out
    }
    func flag(_ name: String) -> Bool { arguments.contains("--" + name) }
    func int(_ name: String, default value: Int) throws -> Int {
        guard let raw = self.value(name) else { return value }
        guard let n = Int(raw) else { throw LabUsageError("--\(name) must be a whole number, got \(raw)") }
        return n
    }
    func double(_ name: String, default value: Double) throws -> Double {
        guard let raw = self.value(name) else { return value }
        guard let n = Double(raw) else { throw LabUsageError("--\(name) must be a number, got \(raw)") }
        return n
    }
}
