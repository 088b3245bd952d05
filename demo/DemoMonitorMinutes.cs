using System.Globalization;
using GridEdge.Protocol.Hj212;

namespace GridEdge.Demo;

/// <summary>
/// What the demo's HJ 212 monitor measures: a sample at each call, folded into the minute it falls in (Beijing time);
/// when a sample opens a new minute, the minute before is returned once, as a CN 2051 minute-data frame whose DataTime
/// is that minute and whose Min, Avg and Max are its samples'. The minute the monitor starts in is incomplete and not sent.
/// </summary>
internal sealed class DemoMonitorMinutes(string mn, string pw, Random random)
{
    private static readonly string[] Codes = ["a34004", "a34002", "a34001", "LA", "a01001", "a01002", "a01006", "a01007", "a01008"];
    private readonly Statistic[] _stats = Codes.Select(_ => new Statistic()).ToArray();
    private DateTimeOffset? _minute;
    private bool _switchedOnIn = true;
    private double _pm25 = 35;

    /// <summary>Takes a sample at <paramref name="now"/>; returns the frame of the minute before when this sample is the first of a new minute.</summary>
    public byte[]? Sample(DateTimeOffset now)
    {
        var local = now.ToOffset(Hj212MonitorProfile.ChinaStandardTime);
        var minute = new DateTimeOffset(local.Ticks - local.Ticks % TimeSpan.TicksPerMinute, local.Offset);
        byte[]? finished = null;
        if (_minute is { } open && minute > open)
        {
            // The minute the monitor was switched on in is not a whole minute's average: it is not sent, as a real monitor does.
            if (!_switchedOnIn) finished = Frame(open, local);
            _switchedOnIn = false;
            foreach (var stat in _stats) stat.Reset();
        }
        // A clock stepped back keeps adding to the open minute rather than reopening one already sent.
        if (_minute is null || minute > _minute) _minute = minute;
        Measure();
        return finished;
    }

    private void Measure()
    {
        _pm25 = Math.Clamp(_pm25 + (random.NextDouble() - 0.5) * 6, 5, 250);
        var pm10 = _pm25 * (1.6 + random.NextDouble() * 0.2);
        double[] values =
        [
            _pm25, pm10, pm10 * (1.35 + random.NextDouble() * 0.1),
            52 + random.NextDouble() * 8, 12 + random.NextDouble() * 2, 45 + random.NextDouble() * 5,
            101.2 + (random.NextDouble() - 0.5) * 0.1, 2 + random.NextDouble(), 200 + random.NextDouble() * 40,
        ];
        for (var i = 0; i < values.Length; i++) _stats[i].Add(values[i]);
    }

    private byte[] Frame(DateTimeOffset minute, DateTimeOffset sentAt)
    {
        static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        var fields = Codes.Select((code, i) =>
        {
            var s = _stats[i];
            return $"{code}-Min={F(s.Min)},{code}-Avg={F(s.Sum / s.Count)},{code}-Max={F(s.Max)},{code}-Flag=N";
        });
        var cp = string.Join(';', fields.Prepend($"DataTime={minute:yyyyMMddHHmm}00"));
        return Hj212Encoder.Frame(Hj212Encoder.Segment(sentAt.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture), "22", Hj212Commands.MinuteData, pw, mn, 5, cp));
    }

    private sealed class Statistic
    {
        public double Min { get; private set; } = double.MaxValue;
        public double Max { get; private set; } = double.MinValue;
        public double Sum { get; private set; }
        public int Count { get; private set; }

        public void Add(double value)
        {
            Min = Math.Min(Min, value);
            Max = Math.Max(Max, value);
            Sum += value;
            Count++;
        }

        public void Reset() => (Min, Max, Sum, Count) = (double.MaxValue, double.MinValue, 0, 0);
    }
}
