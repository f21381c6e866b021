/// What a command takes, declared once: the parser reads arguments by it and `--help` lists it.
///
/// fts and searchd parse their own arguments rather than through swift-argument-parser: that library
/// finds a command's options by reflection, and each type it casts costs the Swift runtime a scan of
/// every protocol conformance in the program, about half the time of a one-shot `fts search`
/// (Benchmarks/HISTORY.md, "One-shot searches in half the time").
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    public var discussion: String?
    public var options: [OptionSpec]
    public var arguments: [ArgumentSpec]
    /// Set for a command whose arguments may start with a dash (`fts search jardin -potager`): those
    /// that name no option are arguments, but for `--word`, a mistyped option more likely than an
    /// argument, reported with this hint.
    public var dashedArgumentsHint: String?

    public init(name: String, abstract: String, discussion: String? = nil, options: [OptionSpec] = [],
                arguments: [ArgumentSpec] = [], dashedArgumentsHint: String? = nil) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.arguments = arguments
        self.dashedArgumentsHint = dashedArgumentsHint
    }

    func option(long: String) -> OptionSpec? { options.first { $0.long == long } }
    func option(short: Character) -> OptionSpec? { options.first { $0.short == short } }
}

public struct OptionSpec: Sendable {
    var long: String
    var short: Character?
    /// nil for a flag, which takes no value.
    var valueName: String?
    var defaultValue: String?
    /// Takes the arguments after it up to the next option (`--corpus a b`), and may be repeated.
    var takesSeveral = false
    var help: String

    public static func flag(_ long: String, short: Character? = nil, help: String) -> OptionSpec {
        OptionSpec(long: long, short: short, valueName: nil, help: help)
    }

    public static func option(_ long: String, short: Character? = nil, value: String? = nil, default defaultValue: String? = nil,
                              several: Bool = false, help: String) -> OptionSpec {
        OptionSpec(long: long, short: short, valueName: value ?? long, defaultValue: defaultValue, takesSeveral: several, help: help)
    }

    var isFlag: Bool { valueName == nil }

    /// `--limit <limit>`, as usage lines and errors name it.
    var synopsis: String { "--\(long)" + (valueName.map { " <\($0)>" + (takesSeveral ? " ..." : "") } ?? "") }
}

public struct ArgumentSpec: Sendable {
    var name: String
    var help: String
    /// Takes every argument left.
    var repeats: Bool
    var required: Bool

    public init(name: String, help: String, repeats: Bool = false, required: Bool = false) {
        self.name = name
        self.help = help
        self.repeats = repeats
        self.required = required
    }
}

/// The arguments given to a command, read by its `CommandSpec`: an option's value is the one given
/// last, else its default. Arrays, not dictionaries: a few entries, and the first use of a dictionary
/// type costs a one-shot command a scan of the program's protocol conformances.
public struct ParsedArguments {
    let spec: CommandSpec
    var values: [(option: String, value: String)] = []
    var flags: [String] = []
    var positionals: [(argument: String, values: [String])] = []

    public func flag(_ long: String) -> Bool {
        precondition(spec.option(long: long)?.isFlag == true, "no flag --\(long)")
        return flags.contains(long)
    }

    public func string(_ long: String) -> String? {
        guard let option = spec.option(long: long), !option.isFlag else { preconditionFailure("no option --\(long)") }
        return values.last { $0.option == long }?.value ?? option.defaultValue
    }

    /// The value as a number, or nil when it was not given and has no default.
    public func number<Number: LosslessStringConvertible>(_ long: String) throws -> Number? {
        guard let text = string(long) else { return nil }
        guard let value = Number(text) else {
            let kind = Number.self is any BinaryInteger.Type ? "an integer" : "a number"
            throw UsageError("invalid value '\(text)' for \(spec.option(long: long)!.synopsis): \(kind) is expected")
        }
        return value
    }

    /// A size in bytes, written as a number with an optional `K`, `M` or `G` (`256M`, `1.5G`, `64KB`):
    /// nil when the option has no value, an error unless it is at least `minimum` bytes.
    public func bytes(_ long: String, minimum: Int, example: String) throws -> Int? {
        guard let text = string(long) else { return nil }
        guard let value = Self.bytes(text), value >= minimum else {
            throw UsageError("--\(long) takes a size of at least \(example), such as 64M or 2G")
        }
        return value
    }

    /// `text` read as a size in bytes (`256M`), nil when it is not one.
    private static func bytes(_ text: String) -> Int? {
        let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30]
        let upper = text.uppercased().replacingOccurrences(of: "B", with: "")
        if let last = upper.last, let unit = units[last], let value = Double(upper.dropLast()), value >= 0, value * unit < 0x1p62 {
            return Int(value * unit)
        }
        return Int(upper)
    }

    /// Whether the option was given, rather than left to its default.
    public func isGiven(_ long: String) -> Bool { values.contains { $0.option == long } }

    /// Every value given to an option that takes several, in order (none given: its default, if any).
    public func strings(_ long: String) -> [String] {
        let given = values.filter { $0.option == long }.map(\.value)
        return given.isEmpty ? spec.option(long: long)?.defaultValue.map { [$0] } ?? [] : given
    }

    public func argument(_ name: String) -> String? { arguments(name).first }
    public func arguments(_ name: String) -> [String] { positionals.first { $0.argument == name }?.values ?? [] }
}

/// Arguments a command cannot take: reported with the usage line, exit status 2 (grep's).
public struct UsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

/// Ends the program with this status, its message (if any) already printed.
public struct ExitStatus: Error {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }
}
