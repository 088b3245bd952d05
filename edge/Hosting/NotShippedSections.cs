using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Hosting;

/// <summary>
/// Refuses the settings of the simulated gateway (Edge:Simulation, Edge:Load) in a gateway that does not carry the
/// simulation, saying where it is, rather than calling them misspelt.
/// </summary>
internal sealed class NotShippedSections(IConfiguration configuration, IReadOnlyList<string> sections) : IValidateOptions<EdgeOptions>
{
    /// <summary>The sections of the simulated gateway (simulation/GridEdge.Edge.Simulation).</summary>
    public static readonly IReadOnlyList<string> Names = ["Simulation", "Load"];

    /// <summary>Takes any key, so the unknown-key check leaves these sections to this validator.</summary>
    public sealed class AnyKeys : Dictionary<string, AnyKeys>;

    /// <summary>Those of <see cref="Names"/> not among the sections a host binds.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> bound) => Names.Except(bound, StringComparer.OrdinalIgnoreCase).ToList();

    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        var failures = sections
            .SelectMany(s => configuration.GetSection($"{EdgeOptions.Section}:{s}").AsEnumerable().Where(k => k.Value is not null))
            .Select(k => $"{k.Key} is '{k.Value}'; expected no such key: this GridEdge.Edge carries no simulation or load source. " +
                         "They are in the simulated gateway, GridEdge.Edge.Simulated (dotnet run --project simulation/GridEdge.Edge.Simulated)")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
