extension CommandSpec {
    /// Reads `arguments` as getopt_long does: `--name value`, `--name=value`, `-o value` (and `-ovalue`
    /// where no argument starts with a dash but options), flags, short ones bundled (`-lq`), and
    /// `--` before arguments that start with a dash. Throws `HelpRequest` for `-h` and `--help`.
    func parse(_ arguments: [String]) throws -> ParsedArguments {
        var parsed = ParsedArguments(spec: self)
        var loose: [String] = []
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                loose.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "-h" || argument == "--help" { throw HelpRequest() }
            var inline: String?
            let option: OptionSpec?
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name = body.prefix { $0 != "=" }
                if name.endIndex < body.endIndex { inline = String(body[body.index(after: name.endIndex)...]) }
                option = self.option(long: String(name))
            } else if argument.count == 2 {
                option = self.option(short: argument.last!)
            } else if let flags = shortFlags(argument) {
                // `-lq`: short flags bundled, as getopt reads them (never a word to exclude).
                parsed.flags += flags
                continue
            } else if dashedArgumentsHint == nil, let first = self.option(short: argument.dropFirst().first!), !first.isFlag {
                // `-oINDEX`: a short option's value joined to it.
                option = first
                inline = String(argument.dropFirst(2))
            } else {
                option = nil
            }
            guard let option else {
                let looksLikeAnOption = argument.hasPrefix("--") && argument.dropFirst(2).first?.isLetter == true
                if dashedArgumentsHint != nil && !looksLikeAnOption {
                    loose.append(argument)
                    continue
                }
                throw UsageError("unknown option '\(argument)'" + (dashedArgumentsHint.map { " (\($0))" } ?? ""))
            }
            if option.isFlag {
                guard inline == nil else { throw UsageError("--\(option.long) takes no value") }
                parsed.flags.append(option.long)
            } else if let inline {
                parsed.values.append((option.long, inline))
            } else {
                guard index < arguments.count else { throw UsageError("missing value for \(option.synopsis)") }
                parsed.values.append((option.long, arguments[index]))
                index += 1
                while option.takesSeveral, index < arguments.count, !arguments[index].hasPrefix("-") || arguments[index] == "-" {
                    parsed.values.append((option.long, arguments[index]))
                    index += 1
                }
            }
        }
        var rest = loose[...]
        for spec in self.arguments {
            let taken = spec.repeats ? Array(rest) : Array(rest.prefix(1))
            rest = rest.dropFirst(taken.count)
            if taken.isEmpty && spec.required { throw UsageError("missing <\(spec.name)>") }
            parsed.positionals.append((spec.name, taken))
        }
        if let extra = rest.first { throw UsageError("unexpected argument '\(extra)'") }
        return parsed
    }
}

extension CommandSpec {
    /// The long names of the flags `-lq` bundles, when every letter after the dash is a short flag.
    fileprivate func shortFlags(_ argument: String) -> [String]? {
        var flags: [String] = []
        for letter in argument.dropFirst() {
            guard let option = option(short: letter), option.isFlag else { return nil }
            flags.append(option.long)
        }
        return flags
    }
}

/// `-h` or `--help` among a command's arguments.
public struct HelpRequest: Error {}
