using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace GridEdge.Protocol.Hosting;

/// <summary>
/// A program's command line on System.CommandLine: <c>--help</c> (<c>-h</c>) on every command printing its description,
/// options and examples, and a usage error (an unknown argument, a missing option) that names the argument on stderr
/// and exits 2 before anything starts.
/// </summary>
public sealed class HostCommandLine
{
    /// <summary>The exit status of a usage error.</summary>
    public const int UsageError = 2;

    private readonly Dictionary<Command, string> _epilogues = [];

    public HostCommandLine(string description)
    {
        Root = new RootCommand(description);
        var help = Root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithEpilogue((HelpAction)help.Action!, _epilogues);
    }

    public RootCommand Root { get; }

    /// <summary>Adds text printed after <paramref name="command"/>'s help (examples, configuration); the root when null.</summary>
    public HostCommandLine Epilogue(string text, Command? command = null)
    {
        command ??= Root;
        _epilogues[command] = _epilogues.TryGetValue(command, out var before) ? before + Environment.NewLine + text : text;
        return this;
    }

    /// <summary>Adds a sub-command and its examples, one command line each.</summary>
    public HostCommandLine Add(Command command, params string[] examples)
    {
        Root.Add(command);
        if (examples.Length > 0) Epilogue(Examples(examples), command);
        return this;
    }

    /// <summary>The "Examples:" paragraph of a help text.</summary>
    public static string Examples(params string[] examples) =>
        "Examples:" + Environment.NewLine + string.Concat(examples.Select(e => "  " + e + Environment.NewLine));

    /// <summary>Parses <paramref name="args"/> and runs the command they name; <see cref="UsageError"/> when they are wrong.</summary>
    public int Invoke(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        // No response files: a configuration value may well start with '@'.
        var result = Root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Errors.Count > 0)
        {
            var path = PathOf(result.CommandResult.Command);
            foreach (var error in result.Errors) stderr.WriteLine($"{path}: {error.Message}");
            stderr.WriteLine($"Try '{path} --help'.");
            return UsageError;
        }
        return result.Invoke(new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // The hosts handle SIGTERM and Ctrl+C themselves (graceful shutdown, the outbox flushed); nothing else may.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        });
    }

    private static string PathOf(Command command) =>
        command.Parents.OfType<Command>().FirstOrDefault() is { } parent ? PathOf(parent) + " " + command.Name : command.Name;

    private sealed class HelpWithEpilogue(HelpAction standard, Dictionary<Command, string> epilogues) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            standard.Invoke(parseResult);
            if (epilogues.TryGetValue(parseResult.CommandResult.Command, out var text))
                parseResult.InvocationConfiguration.Output.Write(text.TrimEnd() + Environment.NewLine + Environment.NewLine);
            return 0;
        }
    }
}
