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

/// The program's arguments after its name. `CommandLine.arguments` replaces bytes that are not UTF-8
/// with U+FFFD, which would search for, or open, something other than what was typed: such an
/// argument is a usage error that says which it is.
public func programArguments() throws -> [String] {
    try (1..<Int(CommandLine.argc)).map { position in
        let argument = UnsafeRawPointer(CommandLine.unsafeArgv[position]!)
        let bytes = UnsafeBufferPointer(start: argument.assumingMemoryBound(to: UInt8.self), count: strlen(argument))
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw UsageError("argument \(position) is not valid UTF-8: \(String(decoding: bytes, as: UTF8.self))")
        }
        return text
    }
}

/// `text` on standard output as it is, in one write: `print` casts its arguments at run time, and
/// `Data` from a string is a generic path, each costing a one-shot command a scan of the program's
/// protocol conformances the first time.
public func writeStandardOutput(_ text: String) {
    write(text, to: STDOUT_FILENO)
}

public func writeStandardError(_ text: String) {
    write(text, to: STDERR_FILENO)
}

private func write(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            // A closed pipe or a full disk: nothing more can be said there.
            guard written > 0 else { return }
            offset += written
        }
    }
}
