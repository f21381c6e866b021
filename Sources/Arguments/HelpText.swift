/// `--help` pages, laid out as swift-argument-parser laid them out before fts parsed its own
/// arguments: OVERVIEW, USAGE, ARGUMENTS and OPTIONS, wrapped at 80 columns. `invokedAs` is what a
/// user types before the arguments: `fts search`, `searchd`.
public enum HelpText {
    static let width = 80
    static let labelWidth = 24

    public static func page(for spec: CommandSpec, invokedAs: String) -> String {
        var text = "OVERVIEW: \(spec.abstract)\n\n"
        if let discussion = spec.discussion { text += wrapped(discussion, indent: 0) + "\n\n" }
        text += "USAGE: \(usage(for: spec, invokedAs: invokedAs))\n"
        if !spec.arguments.isEmpty {
            text += "\nARGUMENTS:\n"
            for argument in spec.arguments { text += entry("<\(argument.name)>", argument.help) }
        }
        text += "\nOPTIONS:\n"
        for option in spec.options {
            let label = (option.short.map { "-\($0), " } ?? "") + option.synopsis
            text += entry(label, option.help + (option.defaultValue.map { " (default: \($0))" } ?? ""))
        }
        text += entry("-h, --help", "Show help information.")
        return text
    }

    public static func usage(for spec: CommandSpec, invokedAs: String) -> String {
        var parts = [invokedAs]
        if !spec.options.isEmpty { parts.append("[<options>]") }
        for argument in spec.arguments {
            let name = "<\(argument.name)>" + (argument.repeats ? " ..." : "")
            parts.append(argument.required ? name : "[\(name)]")
        }
        return parts.joined(separator: " ")
    }

    public static func overview(program: String, abstract: String, commands: [CommandSpec]) -> String {
        var text = "OVERVIEW: \(abstract)\n\nUSAGE: \(program) <subcommand>\n\nOPTIONS:\n"
        text += entry("-h, --help", "Show help information.")
        text += entry("--version", "Show the version and the index format it reads.")
        text += "\nSUBCOMMANDS:\n"
        for command in commands { text += entry(command.name, command.abstract) }
        return text + "\n  See '\(program) help <subcommand>' for detailed help.\n"
    }

    /// `  label   help`, the help wrapped in its column; a label too long for it has the help below.
    private static func entry(_ label: String, _ help: String) -> String {
        let head = "  " + label
        let body = wrapped(help, indent: labelWidth)
        if head.count + 2 <= labelWidth {
            return head + String(repeating: " ", count: labelWidth - head.count) + body.dropFirst(labelWidth) + "\n"
        }
        return head + "\n" + body + "\n"
    }

    /// `text` in lines of at most `width` columns, each after `indent` spaces, cut between words.
    static func wrapped(_ text: String, indent: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty && indent + line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        let margin = String(repeating: " ", count: indent)
        return lines.map { margin + $0 }.joined(separator: "\n")
    }
}
