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

    /// <summary>Answers 500-599.</summary>
    public long ServerErrors => _counts.Where(c => c.Key.Length == 3 && c.Key[0] == '5' && char.IsAsciiDigit(c.Key[1])).Sum(c => c.Value);

    public long Total => _counts.Values.Sum();

    public void Example(string what)
    {
        if (_examples.Count < MaxExamples) _examples.Enqueue(what);
    }

    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    public IReadOnlyList<string> Examples => [.. _examples];
}
