using GridEdge.Server.Periods;

namespace GridEdge.Server.Compliance;

/// <summary>
/// What counts as a patrol and a visit (Server:Compliance), or one county's overrides (Server:Compliance:Counties:&lt;code&gt;); a key
/// left out takes the value above it.
/// </summary>
public class CountingSettings
{
    /// <summary>A patrol shorter than this does not count (default 20 minutes: the seeds give no duration; a local engineering choice).</summary>
    public int? MinPatrolMinutes { get; set; }

    /// <summary>A key point or enterprise visit counts only with a track point or check-in of the patrol within this distance of the place's registered position (default 200 m: local choice, a site's extent plus GNSS error).</summary>
    public double? PlaceDistanceMeters { get; set; }

    /// <summary>Whether a patrol accepted by a gateway whose clock was unsynchronised counts (default false: its times cannot be placed in a period).</summary>
    public bool? TrustUnsynchronisedClock { get; set; }

    /// <summary>An enterprise with a problem reported or a complaint received near it has its visit window multiplied by this (default 0.5; 004 asks only 视情况加大检查频次).</summary>
    public double? ShortenedVisitFactor { get; set; }

    /// <summary>Problems and complaints within this distance of an enterprise are about it (default 200 m, local choice: neither record names an enterprise).</summary>
    public double? ViolationDistanceMeters { get; set; }
}

/// <summary>Server:Compliance: the counting rules for every county and the overrides per county, keyed by the county's code.</summary>
public sealed class ComplianceOptions : CountingSettings
{
    public const string Section = "Server:Compliance";

    public Dictionary<string, CountingSettings> Counties { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every wrong value, named by its key.</summary>
    public IReadOnlyList<string> Check() => CountyKey.CheckSection(Section, (CountingSettings)this, Counties, (prefix, s, errors) =>
        {
            if (s.MinPatrolMinutes is { } m && m is < 0 or > 1440) errors.Add($"{prefix}:MinPatrolMinutes is '{m}': expected minutes from 0 to 1440");
            if (s.PlaceDistanceMeters is { } d && d is <= 0 or > 100_000) errors.Add($"{prefix}:PlaceDistanceMeters is '{d}': expected metres above 0 and at most 100000");
            if (s.ViolationDistanceMeters is { } v && v is <= 0 or > 100_000) errors.Add($"{prefix}:ViolationDistanceMeters is '{v}': expected metres above 0 and at most 100000");
            if (s.ShortenedVisitFactor is { } f && f is <= 0 or > 1) errors.Add($"{prefix}:ShortenedVisitFactor is '{f}': expected a factor above 0 and at most 1");
        });
}

/// <summary>The resolved counting rules of one county.</summary>
public sealed record CountingRules(int MinPatrolMinutes, double PlaceDistanceMeters, bool TrustUnsynchronisedClock, double ShortenedVisitFactor, double ViolationDistanceMeters)
{
    public static readonly CountingRules Default = new(20, 200, false, 0.5, 200);

    public CountingRules With(CountingSettings? s) => s is null ? this : new(s.MinPatrolMinutes ?? MinPatrolMinutes, s.PlaceDistanceMeters ?? PlaceDistanceMeters,
        s.TrustUnsynchronisedClock ?? TrustUnsynchronisedClock, s.ShortenedVisitFactor ?? ShortenedVisitFactor, s.ViolationDistanceMeters ?? ViolationDistanceMeters);
}

/// <summary>The counting rules in force for a grid: its county's overrides of Server:Compliance, else the defaults.</summary>
public sealed class CountingRuleBook
{
    private readonly CountingRules _defaults;
    private readonly Dictionary<string, CountingRules> _counties = new(StringComparer.Ordinal);

    public CountingRuleBook(Microsoft.Extensions.Options.IOptions<ComplianceOptions> options) : this(options.Value)
    {
    }

    public CountingRuleBook(ComplianceOptions options)
    {
        _defaults = CountingRules.Default.With(options);
        foreach (var (code, settings) in options.Counties)
            if (CountyKey.Normalize(code) is { } county) _counties[county] = _defaults.With(settings);
    }

    public CountingRules For(string gridCode) =>
        CountyKey.Normalize(gridCode) is { } county && _counties.TryGetValue(county, out var rules) ? rules : _defaults;
}
