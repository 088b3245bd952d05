using System.CommandLine;
using System.CommandLine.Parsing;

namespace GridEdge.Protocol.Hosting;

/// <summary>
/// The configuration keys a host takes on its command line, in every form Microsoft.Extensions.Configuration's
/// command-line provider reads (<c>--Edge:GatewayId=x</c>, <c>--Edge:GatewayId x</c>, <c>/Edge:GatewayId=x</c>,
/// <c>Edge:GatewayId=x</c>), limited to the host's own sections so that a mistyped option is an error, not a key
/// nobody reads.
/// </summary>
public sealed class ConfigurationOverrides
{
    private readonly string[] _keys;

    /// <param name="keys">Sections (<c>Edge</c> accepts <c>Edge:…</c>) and single keys (<c>urls</c>), matched as configuration matches them: ignoring case.</param>
    public ConfigurationOverrides(params string[] keys)
    {
        _keys = keys;
        Argument = new Argument<string[]>("configuration overrides")
        {
            Arity = ArgumentArity.ZeroOrMore,
            // Shown in the help's own paragraph (Help), not as an argument with a name nobody types.
            Hidden = true,
        };
        Argument.Validators.Add(Validate);
    }

    /// <summary>The catch-all argument of the host's root command; its tokens go to the host configuration unchanged.</summary>
    public Argument<string[]> Argument { get; }

    /// <summary>The help paragraph saying which keys can be overridden and how, with <paramref name="example"/>.</summary>
    public string Help(string example)
    {
        var sections = _keys.Where(k => !char.IsLower(k[0])).ToList();
        var single = _keys.Where(k => char.IsLower(k[0])).Select(k => "--" + k).ToList();
        return $"""
            Configuration:
              --Section:Key=value (or --Section:Key value) overrides any configuration key of the sections
              {string.Join(", ", sections[..^1])} and {sections[^1]}{(single.Count > 0 ? $" (also {string.Join(", ", single)})" : "")}, over appsettings.json and environment variables.
              e.g. {example}

            """;
    }

    /// <summary>Whether <paramref name="key"/> (without its leading dashes) is one this host reads.</summary>
    public bool Accepts(string key) => _keys.Any(k =>
        key.Equals(k, StringComparison.OrdinalIgnoreCase)
        || (key.Length > k.Length + 1 && key[k.Length] == ':' && key.StartsWith(k, StringComparison.OrdinalIgnoreCase)));

    /// <summary>One message per argument that is not a configuration override of this host, naming it; empty when all are.</summary>
    public IReadOnlyList<string> Problems(IReadOnlyList<string> args)
    {
        var forms = string.Join(", ", _keys.Select(k => $"--{k}{(char.IsLower(k[0]) ? "" : ":Key")}=value"));
        var problems = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            // The provider's forms: --key, /key (as --key) and, only with '=', a bare key; a single dash needs a switch mapping, which no host has.
            var prefix = arg.StartsWith("--", StringComparison.Ordinal) ? 2 : arg.StartsWith('/') ? 1 : arg.StartsWith('-') ? -1 : 0;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var key = prefix < 0 || (equals < 0 && prefix == 0) ? null : equals >= 0 ? arg[prefix..equals] : arg[prefix..];
            if (key is null || !Accepts(key))
                problems.Add($"unknown argument '{arg}': expected an option shown by --help or a configuration override ({forms})");
            else if (equals < 0 && ++i >= args.Count) // --Key value: the next argument is the value, whatever it looks like.
                problems.Add($"'{arg}' has no value: expected {arg}=value or {arg} value");
        }
        return problems;
    }

    private void Validate(ArgumentResult result)
    {
        foreach (var problem in Problems(result.Tokens.Select(t => t.Value).ToList())) result.AddError(problem);
    }
}
