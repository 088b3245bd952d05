using GridEdge.Protocol.Codecs;

namespace GridEdge.Edge.Load;

/// <summary>Edge:Load: a load source for tests, appending Count readings as fast as it can and printing each one whose append returned.</summary>
public sealed class LoadOptions
{
    public const string Section = "Load";

    public long Count { get; set; }
    public string SensorId { get; set; } = "load";
    public int Concurrency { get; set; } = 64;
    public long StartValue { get; set; } = 1;
    /// <summary>Print an APPENDED line per returned append (off for throughput measurements).</summary>
    public bool Print { get; set; } = true;

    /// <summary>Every problem, each naming the key under <paramref name="section"/>, its value and what was expected.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (Count < 0) yield return $"{section}:Count is '{Count}'; expected 0 (off) or more";
        if (SensorId is not { Length: > 0 and <= Validation.MaxIdLength }) yield return $"{section}:SensorId is '{SensorId}'; expected 1-{Validation.MaxIdLength} characters";
        if (Concurrency is < 1 or > 100_000) yield return $"{section}:Concurrency is '{Concurrency}'; expected 1-100000";
    }
}
