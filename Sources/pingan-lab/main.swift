import Foundation
import PinganKit

/// pingan-lab — the pure computations of PinganKit from the command line, without the server:
/// forecasts in the forecast-eval CSV format, Gi* hotspots, the staffing planner and their benches.
/// It links PinganKit only, so it builds in seconds and benches measure the computation alone.
let usage = """
Usage:
  pingan-lab <command> [options]
Commands:
\(LabCommands.all.map { "  \($0.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n"))
"""

var arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let command = LabCommands.all.first(where: { $0.name == name }) else {
    print(usage)
    exit(arguments.isEmpty || arguments.first == "help" || arguments.first == "--help" ? 0 : 2)
}
arguments.removeFirst()
do {
    try command.run(arguments)
} catch {
    FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
    exit(1)
}
