namespace GridEdge.Edge.Simulation;

/// <summary>What a scheduled episode does to the simulated air.</summary>
public enum PollutionEpisodeKind
{
    /// <summary>Construction dust: mostly coarse, so PM10 rises far more than PM2.5; no smoke.</summary>
    Dust,
    /// <summary>A straw fire upwind: smoke on the MQ-2 and PM2.5 climbing steeply, as the straw-burning rule looks for.</summary>
    StrawFire,
}

/// <summary>Edge:Simulation:Episodes: dust episodes and straw fires scheduled into the simulated air (the demo's), so alerts can be seen.</summary>
public sealed class EpisodeOptions
{
    /// <summary>Off unless set: a simulated gateway otherwise sees only the dust model's rare random bursts.</summary>
    public bool Enabled { get; set; }
    /// <summary>When the first episode starts, counted from the moment the simulated sensors start.</summary>
    public double FirstAfterSeconds { get; set; } = 120;
    /// <summary>From the start of one episode to the start of the next; the kind alternates from one to the next.</summary>
    public double EverySeconds { get; set; } = 600;
    /// <summary>How long each episode lasts, its rise and fall (30 s each, or a quarter of a shorter episode) included.</summary>
    public double DurationSeconds { get; set; } = 180;
    /// <summary>The kind of the first episode.</summary>
    public PollutionEpisodeKind FirstKind { get; set; } = PollutionEpisodeKind.Dust;

    /// <summary>Every problem, each naming the key under <paramref name="section"/>, its value and what was expected.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (!Enabled) yield break;
        if (!(FirstAfterSeconds >= 0) || !double.IsFinite(FirstAfterSeconds))
            yield return $"{section}:FirstAfterSeconds is '{FirstAfterSeconds}'; expected 0 or more seconds";
        if (!(DurationSeconds >= 1) || !double.IsFinite(DurationSeconds))
            yield return $"{section}:DurationSeconds is '{DurationSeconds}'; expected at least 1 second";
        if (!(EverySeconds >= DurationSeconds) || !double.IsFinite(EverySeconds))
            yield return $"{section}:EverySeconds is '{EverySeconds}'; expected at least DurationSeconds ({DurationSeconds}): episodes do not overlap";
        if (!Enum.IsDefined(FirstKind))
            yield return $"{section}:FirstKind is '{FirstKind}'; expected Dust or StrawFire";
    }
}

/// <summary>What an episode adds to the air at one moment.</summary>
/// <param name="Pm2_5">µg/m³ added to PM2.5.</param>
/// <param name="Pm10">µg/m³ added to PM10.</param>
/// <param name="Smoke">Added to the MQ-2's ratio to clean air (1.0).</param>
public readonly record struct EpisodeEffect(PollutionEpisodeKind Kind, double Pm2_5, double Pm10, double Smoke);

/// <summary>
/// A schedule of pollution episodes at one monitoring point, as a function of the time a sample is taken (the gateway
/// clock's, itself a <see cref="TimeProvider"/>), so a test replays it by passing times. Episode n starts at
/// <c>start + FirstAfter + n × Every</c>, lasts <c>Duration</c>, and alternates kinds from <c>FirstKind</c>.
/// The figures are made to cross the shipped alert thresholds clearly: a dust episode adds 220 µg/m³ of PM10
/// (above the 150 and 250 bands of the dust_pm10 rule on a normal baseline), a fire lifts the smoke ratio to about
/// 2.6 (the straw-burning rule raises at 1.5, clears below 1.2) while PM2.5 climbs 25 µg/m³ a minute (the rule wants 8).
/// </summary>
public sealed class PollutionEpisodes(EpisodeOptions options, DateTimeOffset start)
{
    /// <summary>Each episode rises and falls over this many seconds (a quarter of a shorter episode) rather than stepping.</summary>
    public const double RampSeconds = 30;

    private const double DustPm10 = 220, DustPm2_5 = 20, FireSmoke = 1.6, FirePm2_5PerMinute = 25, FirePm2_5Max = 100, FireCoarseRatio = 1.3;

    /// <summary>When the schedule counts from.</summary>
    public DateTimeOffset Start { get; } = start;

    /// <summary>Start and kind of episode <paramref name="n"/> (0-based).</summary>
    public (DateTimeOffset Start, PollutionEpisodeKind Kind) Episode(int n) =>
        (Start + TimeSpan.FromSeconds(options.FirstAfterSeconds + n * options.EverySeconds), n % 2 == 0 ? options.FirstKind : Other(options.FirstKind));

    /// <summary>How long each episode lasts.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds(options.DurationSeconds);

    /// <summary>The episode going on at <paramref name="at"/>, or null between episodes.</summary>
    public EpisodeEffect? At(DateTimeOffset at)
    {
        var since = (at - Start).TotalSeconds - options.FirstAfterSeconds;
        if (since < 0) return null;
        var n = (int)Math.Min(int.MaxValue, Math.Floor(since / options.EverySeconds));
        var into = since - n * options.EverySeconds;
        if (into >= options.DurationSeconds) return null;
        var kind = Episode(n).Kind;
        var ramp = Math.Min(RampSeconds, options.DurationSeconds / 4);
        var envelope = Math.Clamp(Math.Min(into, options.DurationSeconds - into) / ramp, 0, 1);
        if (kind == PollutionEpisodeKind.Dust) return new EpisodeEffect(kind, DustPm2_5 * envelope, DustPm10 * envelope, 0);
        // Fine smoke particles: PM2.5 climbs from the start of the fire and falls with it; PM10 carries them too.
        var pm2_5 = Math.Min(FirePm2_5PerMinute * into / 60, FirePm2_5Max) * Math.Clamp((options.DurationSeconds - into) / ramp, 0, 1);
        return new EpisodeEffect(kind, pm2_5, pm2_5 * FireCoarseRatio, FireSmoke * envelope);
    }

    private static PollutionEpisodeKind Other(PollutionEpisodeKind kind) =>
        kind == PollutionEpisodeKind.Dust ? PollutionEpisodeKind.StrawFire : PollutionEpisodeKind.Dust;
}
