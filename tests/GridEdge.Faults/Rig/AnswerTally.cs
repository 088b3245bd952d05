using System.Collections.Concurrent;

namespace GridEdge.Faults.Rig;

/// <summary>Answers counted by kind ("201", "507", "timeout", "refused", "ack", …) from many workers at once, with the first few oddities kept word for word.</summary>
public sealed class AnswerTally
{
    private const int MaxExamples = 5;
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _examples = new();

    public void Add(string kind, long count = 1) => _counts.AddOrUpdate(kind, count, (_, n) => n + count);

    public void Add(int status) => Add(status.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public long this[string kind] => _counts.GetValueOrDefault(kind);

    /// <summary>Answers 500-599, also under a phase's name ("quota: 500").</summary>
    public long ServerErrors => _counts.Where(c => IsServerError(c.Key)).Sum(c => c.Value);

    private static bool IsServerError(string kind)
    {
        var status = kind.Length > 3 && kind[^4] == ' ' ? kind[^3..] : kind;
        return status.Length == 3 && status[0] == '5' && char.IsAsciiDigit(status[1]) && char.IsAsciiDigit(status[2]);
    }

    public long Total => _counts.Values.Sum();

    public void Example(string what)
    {
        if (_examples.Count < MaxExamples) _examples.Enqueue(what);
    }

    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    public IReadOnlyList<string> Examples => [.. _examples];
}
