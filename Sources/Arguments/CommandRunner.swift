import Foundation

/// Runs a command on its arguments and returns the exit status: its help page for `-h`/`--help` (0),
/// what is wrong with the arguments and its usage line (2, grep's status for a usage error), the
/// status it ends with, or its error (1).
public func runCommand(_ spec: CommandSpec, invokedAs: String, arguments: [String], _ body: (ParsedArguments) throws -> Void) -> Int32 {
    do {
        try body(spec.parse(arguments))
        return 0
    } catch is HelpRequest {
        writeStandardOutput(HelpText.page(for: spec, invokedAs: invokedAs))
        return 0
    } catch let usage as UsageError {
        writeStandardError("\(invokedAs): \(usage)\nUsage: \(HelpText.usage(for: spec, invokedAs: invokedAs))\n"
                           + "  See '\(invokedAs) --help' for more information.\n")
        return 2
    } catch let status as ExitStatus {
        return status.code
    } catch {
        writeStandardError("\(invokedAs): \(error)\n")
        return 1
    }
}

/// `text` on standard output as it is: `print` casts its arguments at run time, which costs a one-shot
/// command a scan of the program's protocol conformances.
public func writeStandardOutput(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

public func writeStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
