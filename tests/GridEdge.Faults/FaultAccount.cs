using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridEdge.Faults;

/// <summary>One invariant of a mode, whether it held in this run, and the figures that say so.</summary>
public sealed record FaultCheck(string Name, bool Held, string Figures);

/// <summary>
/// What one fault mode did and what it found: records answered (201), acknowledged (9014) and appended, how many of them
/// the ledger holds, lost and duplicated ones, answers by status, 5xx, crashes, hangs, memory before and after, and the
/// invariants checked. Printed as one readable block and one JSON line starting with <c>FAULT-ACCOUNT </c>.
/// </summary>
public sealed record FaultAccount(string Mode)
{
    public const string JsonPrefix = "FAULT-ACCOUNT ";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Why the mode did not run (e.g. no filesystem could be mounted); null when it ran.</summary>
    public string? Skipped { get; init; }
    public double Seconds { get; init; }
    public string? Attack { get; init; }
    public long Answered201 { get; init; }
    public long Acked9014 { get; init; }
    public long Appended { get; init; }
    public long Stored { get; init; }
    public long Lost { get; init; }
    public long Duplicated { get; init; }
    public long ServerErrors { get; init; }
    public long Crashes { get; init; }
    public long Hangs { get; init; }
    public long? RssBeforeKb { get; init; }
    public long? RssAfterKb { get; init; }
    public long? RssPeakKb { get; init; }
    public IReadOnlyDictionary<string, long> Answers { get; init; } = new Dictionary<string, long>();
    public IReadOnlyList<FaultCheck> Checks { get; init; } = [];
    /// <summary>The first few failures seen, word for word, to start the diagnosis from.</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    public bool Held => Checks.All(c => c.Held);

    /// <summary>The check of that name; throws naming the mode when there is none.</summary>
    public FaultCheck Check(string name) =>
        Checks.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"mode {Mode} has no check named '{name}'");

    public static FaultAccount Skip(string mode, string reason) => new(mode) { Skipped = reason };

    public void Print(TextWriter output)
    {
        output.WriteLine(Readable());
        output.WriteLine(JsonPrefix + JsonSerializer.Serialize(this, Json));
    }

    public string Readable()
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"== {Mode}");
        if (Skipped is not null) return b.Append(CultureInfo.InvariantCulture, $": SKIPPED, {Skipped}").ToString();
        b.AppendLine(CultureInfo.InvariantCulture, $" ({Seconds:F0} s){(Attack is null ? "" : ": " + Attack)}");
        b.AppendLine(CultureInfo.InvariantCulture, $"  answered 201 {Answered201:N0}   acked 9014 {Acked9014:N0}   appended {Appended:N0}   stored in the ledger {Stored:N0}");
        b.AppendLine(CultureInfo.InvariantCulture, $"  lost {Lost:N0}   duplicated {Duplicated:N0}   5xx {ServerErrors:N0}   crashes {Crashes:N0}   hangs {Hangs:N0}");
        b.AppendLine(CultureInfo.InvariantCulture, $"  memory (RSS) before {Mb(RssBeforeKb)}, after {Mb(RssAfterKb)}, peak {Mb(RssPeakKb)}");
        if (Answers.Count > 0)
            b.AppendLine("  answers: " + string.Join(", ", Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} × {a.Value:N0}")));
        foreach (var check in Checks)
            b.AppendLine(CultureInfo.InvariantCulture, $"  [{(check.Held ? "held" : "FAILED")}] {check.Name}: {check.Figures}");
        foreach (var example in Examples) b.AppendLine("  e.g. " + example);
        return b.ToString().TrimEnd();
    }

    private static string Mb(long? kb) => kb is { } k ? (k / 1024.0).ToString("F0", CultureInfo.InvariantCulture) + " MB" : "-";
}
