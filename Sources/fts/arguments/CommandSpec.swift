/// What a command takes, declared once: the parser reads arguments by it and `--help` lists it.
///
/// fts parses its own arguments rather than through swift-argument-parser: that library finds a
/// command's options by reflection, and each type it casts costs the Swift runtime a scan of every
/// protocol conformance in the program, about half the time of a one-shot `fts search` (BENCHMARKS.md,
/// "One-shot searches in half the time").
struct CommandSpec: Sendable {
    var name: String
    var abstract: String
    var discussion: String?
    var options: [OptionSpec] = []
    var arguments: [ArgumentSpec] = []
    /// Arguments starting with a dash that name no option are arguments too (`fts search jardin
    /// -potager`), but for `--word`, a mistyped option more likely than a query.
    var unknownDashesAreArguments = false

    func option(long: String) -> OptionSpec? { options.first { $0.long == long } }
    func option(short: Character) -> OptionSpec? { options.first { $0.short == short } }
}

struct OptionSpec: Sendable {
    var long: String
    var short: Character?
    /// nil for a flag, which takes no value.
    var valueName: String?
    var defaultValue: String?
    var help: String

    static func flag(_ long: String, help: String) -> OptionSpec {
        OptionSpec(long: long, valueName: nil, help: help)
    }

    static func option(_ long: String, short: Character? = nil, value: String? = nil, default defaultValue: String? = nil,
                       help: String) -> OptionSpec {
        OptionSpec(long: long, short: short, valueName: value ?? long, defaultValue: defaultValue, help: help)
    }

    var isFlag: Bool { valueName == nil }

    /// `--limit <limit>`, as usage lines and errors name it.
    var synopsis: String { "--\(long)" + (valueName.map { " <\($0)>" } ?? "") }
}

struct ArgumentSpec: Sendable {
    var name: String
    var help: String
    /// Takes every argument left.
    var repeats = false
    var required = false
}

/// The arguments given to a command, read by its `CommandSpec`: an option's value is the one given
/// last, else its default. Arrays, not dictionaries: a few entries, and the first use of a dictionary
/// type costs a one-shot command a scan of the program's protocol conformances.
struct ParsedArguments {
    let spec: CommandSpec
    var values: [(option: String, value: String)] = []
    var flags: [String] = []
    var positionals: [(argument: String, values: [String])] = []

    func flag(_ long: String) -> Bool {
        precondition(spec.option(long: long)?.isFlag == true, "no flag --\(long)")
        return flags.contains(long)
    }

    func string(_ long: String) -> String? {
        guard let option = spec.option(long: long), !option.isFlag else { preconditionFailure("no option --\(long)") }
        return values.last { $0.option == long }?.value ?? option.defaultValue
    }

    /// The value as a number, or nil when it was not given and has no default.
    func number<Number: LosslessStringConvertible>(_ long: String) throws -> Number? {
        guard let text = string(long) else { return nil }
        guard let value = Number(text) else {
            let kind = Number.self is any BinaryInteger.Type ? "an integer" : "a number"
            throw UsageError("invalid value '\(text)' for \(spec.option(long: long)!.synopsis): \(kind) is expected")
        }
        return value
    }

    /// Whether the option was given, rather than left to its default.
    func isGiven(_ long: String) -> Bool { values.contains { $0.option == long } }

    func argument(_ name: String) -> String? { arguments(name).first }
    func arguments(_ name: String) -> [String] { positionals.first { $0.argument == name }?.values ?? [] }
}

/// Arguments a command cannot take: reported with the usage line, exit status 2 (grep's).
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Ends the program with this status, its message (if any) already printed.
struct ExitStatus: Error {
    let code: Int32
    init(_ code: Int32) { self.code = code }
}
