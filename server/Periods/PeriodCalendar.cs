using Microsoft.Extensions.Options;

namespace GridEdge.Server.Periods;

/// <summary>The period rules in force for a grid: its county's overrides of Server:Periods, or the defaults for a city and for counties without overrides.</summary>
public sealed class PeriodCalendar
{
    private readonly PeriodRules _defaults;
    private readonly Dictionary<string, PeriodRules> _counties = new(StringComparer.Ordinal);

    public PeriodCalendar(IOptions<PeriodOptions> options) : this(options.Value)
    {
    }

    public PeriodCalendar(PeriodOptions options)
    {
        _defaults = PeriodRules.Default.With(options);
        foreach (var (code, settings) in options.Counties)
            if (CountyKey.Normalize(code) is { } county) _counties[county] = _defaults.With(settings);
    }

    /// <summary>The defaults (a city-wide report, response times of gateways).</summary>
    public PeriodRules Defaults => _defaults;

    /// <summary>The rules of the county <paramref name="gridCode"/> lies in (any level's code); the defaults for a city or an unknown county.</summary>
    public PeriodRules For(string? gridCode) =>
        CountyKey.Normalize(gridCode) is { } county && _counties.TryGetValue(county, out var rules) ? rules : _defaults;
}
