namespace GridEdge.Edge.Simulation;

/// <summary>
/// One simulated monitoring point: PM2.5 and PM10 following a daily cycle (morning and evening peaks), smooth random
/// noise and now and then a construction-dust burst (several minutes at several times the baseline, mostly coarse
/// dust, so PM10 rises more than PM2.5); an MQ-2 smoke ratio near 1.0; temperature and humidity; and, when given
/// <see cref="Episodes"/>, the scheduled dust episodes and straw fires on top.
/// </summary>
public sealed class DustModel
{
    private readonly Random _random;
    private readonly double _basePm25;
    private readonly double _coarseRatio;
    private double _noise;
    private DateTimeOffset _burstUntil = DateTimeOffset.MinValue;
    private double _burstFactor = 1;

    /// <summary>A burst starts on average this often.</summary>
    public TimeSpan MeanTimeBetweenBursts { get; init; } = TimeSpan.FromHours(3);

    /// <summary>Scheduled dust episodes and straw fires laid over the air (the demo's); null for none.</summary>
    public PollutionEpisodes? Episodes { get; init; }

    public DustModel(int seed)
    {
        _random = new Random(seed);
        _basePm25 = 22 + _random.NextDouble() * 20;
        _coarseRatio = 1.5 + _random.NextDouble() * 0.6;
    }

    public bool InBurst(DateTimeOffset at) => at < _burstUntil;

    /// <summary>Takes one sample at a moment; successive calls should move forward in time by the sample interval.</summary>
    public DustSample Sample(DateTimeOffset at, TimeSpan interval)
    {
        var hour = at.ToOffset(TimeSpan.FromHours(8)).TimeOfDay.TotalHours; // the township's local time (UTC+8)
        var daily = 0.75 + 0.55 * Bump(hour, 8, 1.5) + 0.65 * Bump(hour, 19, 2.0);

        // AR(1) noise: neighbouring samples are related, as real ones are.
        _noise = 0.97 * _noise + 0.03 * Gaussian() * 2.5;
        var noise = Math.Exp(0.12 * _noise + 0.03 * Gaussian());

        if (at >= _burstUntil && _random.NextDouble() < interval.TotalSeconds / MeanTimeBetweenBursts.TotalSeconds)
        {
            _burstUntil = at + TimeSpan.FromMinutes(3 + _random.NextDouble() * 9);
            _burstFactor = 3 + _random.NextDouble() * 4;
        }
        var burst = at < _burstUntil ? _burstFactor : 1;

        var pm25 = _basePm25 * daily * noise * (1 + (burst - 1) * 0.35);
        var pm10 = pm25 * _coarseRatio * (1 + (burst - 1) * 0.8) + 2 + _random.NextDouble() * 3;
        var smoke = 1.0 + 0.02 * Gaussian();
        if (Episodes?.At(at) is { } episode)
        {
            pm25 += episode.Pm2_5;
            pm10 += episode.Pm10;
            smoke += episode.Smoke;
        }
        var temperature = 16 + 6 * Math.Sin((hour - 9) / 24 * 2 * Math.PI) + 0.2 * Gaussian();
        var humidity = Math.Clamp(65 - 15 * Math.Sin((hour - 9) / 24 * 2 * Math.PI) + Gaussian(), 5, 100);
        return new DustSample(Math.Max(0, pm25), Math.Max(pm10, pm25 + 0.5), Math.Max(0, smoke), temperature, humidity);
    }

    private static double Bump(double hour, double centre, double width) => Math.Exp(-(hour - centre) * (hour - centre) / (2 * width * width));

    private double Gaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}

/// <summary>One sample of every quantity a simulated point measures.</summary>
public readonly record struct DustSample(double Pm2_5, double Pm10, double Smoke, double Temperature, double Humidity);
