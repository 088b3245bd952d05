using System.Text;
using BenchmarkDotNet.Attributes;
using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;

namespace GridEdge.Benchmarks;

/// <summary>
/// The HJ 212 parser per frame: framing + CRC + header + walking every pollutant of the CP area (target: 0 bytes), and the
/// same plus conversion into protocol readings (allocates the readings only).
///   dotnet run -c Release --project tests/GridEdge.Benchmarks -- --filter '*Hj212*'
/// </summary>
[MemoryDiagnoser]
public class Hj212Benchmarks
{
    // A 2017 minute-data frame of a dust monitor: 10 pollutants with Avg/Min/Max/Flag, 462 data bytes.
    private const string MinuteFrame = "##0462QN=20250301080100123;ST=22;CN=2051;PW=123456;MN=GE0001DUST00000000000001;Flag=5;CP=&&DataTime=20250301080000;a34004-Avg=35.2,a34004-Min=30.1,a34004-Max=40.8,a34004-Flag=N;a34002-Avg=61.0,a34002-Min=55.0,a34002-Max=70.5,a34002-Flag=N;a34001-Avg=120,a34001-Flag=N;LA-Avg=55.3,LA-Flag=N;a01001-Avg=12.5,a01001-Flag=N;a01002-Avg=45.0,a01002-Flag=N;a01006-Avg=101.3,a01006-Flag=N;a01007-Avg=2.4,a01007-Flag=N;a01008-Avg=225,a01008-Flag=N;a05024-Avg=63,a05024-Flag=C&&F6C1\r\n";

    private readonly byte[] _frame = Encoding.ASCII.GetBytes(MinuteFrame);
    private readonly Hj212MonitorProfile _profile = new("GE0001DUST00000000000001", TimeSpan.FromHours(8), ClockQuality.NetworkSynced);
    private readonly List<Reading> _readings = new(16);

    [Benchmark(Baseline = true, Description = "frame + CRC + header + CP walk")]
    public double Parse()
    {
        Hj212Framing.TryReadFrame(_frame, 4096, out var frame, out _, out _, out _);
        Hj212Packet.TryParse(frame.Data(_frame), out var packet, out _);
        var reader = new Hj212CpReader(packet.Cp);
        var sum = 0.0;
        while (reader.Read(out var p, out _)) sum += p.Avg + p.Min + p.Max;
        Hj212CpReader.TryParseTime(Hj212CpReader.FindAttribute(packet.Cp, "DataTime"u8), out var at);
        return sum + at.Minute;
    }

    [Benchmark(Description = "... + readings")]
    public int ParseAndConvert()
    {
        Hj212Framing.TryReadFrame(_frame, 4096, out var frame, out _, out _, out _);
        Hj212Packet.TryParse(frame.Data(_frame), out var packet, out _);
        _readings.Clear();
        Hj212Readings.TryConvert(packet.Cn, packet.Cp, _profile, _readings, out _, out _);
        return _readings.Count;
    }
}
