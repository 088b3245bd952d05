using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Simulation;

/// <summary>Collects samples of one series and turns them into a window aggregate rounded to one decimal.</summary>
public sealed class WindowAggregator
{
    private double _min = double.MaxValue, _max = double.MinValue, _sum;
    private int _count;

    public int Count => _count;

    public void Add(double value)
    {
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        _sum += value;
        _count++;
    }

    /// <summary>The aggregate of what was added since the last call, or null when nothing was; starts a new window.</summary>
    public Aggregate? Take(int windowSeconds)
    {
        if (_count == 0) return null;
        // One decimal is what these instruments resolve, and exact decimals keep the binary codec compact.
        var min = Math.Round(_min, 1);
        var max = Math.Round(_max, 1);
        var avg = Math.Clamp(Math.Round(_sum / _count, 1), min, max);
        var aggregate = new Aggregate(min, avg, max, _count, windowSeconds);
        _min = double.MaxValue;
        _max = double.MinValue;
        _sum = 0;
        _count = 0;
        return aggregate;
    }
}
