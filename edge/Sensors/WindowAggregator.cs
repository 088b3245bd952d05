using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Sensors;

/// <summary>Collects samples of one series and turns them into a window aggregate rounded to a fixed number of decimals.</summary>
/// <param name="decimals">What the instrument resolves: 1 for µg/m³ and °C, 2 for a smoke ratio, 3 for volts.</param>
public sealed class WindowAggregator(int decimals = 1)
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
        // Rounded to what the instrument resolves: exact short decimals also keep the binary codec compact.
        var min = Math.Round(_min, decimals);
        var max = Math.Round(_max, decimals);
        var avg = Math.Clamp(Math.Round(_sum / _count, decimals), min, max);
        var aggregate = new Aggregate(min, avg, max, _count, windowSeconds);
        _min = double.MaxValue;
        _max = double.MinValue;
        _sum = 0;
        _count = 0;
        return aggregate;
    }
}
