using BenchmarkDotNet.Attributes;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Benchmarks;

/// <summary>Encoding and decoding a batch of 500 minute aggregates in each codec; JSON is the baseline.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private Batch _batch = null!;
    private byte[] _json = [], _binary = [];

    [GlobalSetup]
    public void Setup()
    {
        var at = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        var random = new Random(7);
        var records = new List<Record>();
        for (var i = 0; i < 500; i++)
        {
            var avg = Math.Round(30 + 40 * random.NextDouble(), 1);
            records.Add(Reading.OfWindow($"s{i % 50:00}", i % 2 == 0 ? Quantities.Pm2_5 : Quantities.Pm10,
                new Aggregate(Math.Round(avg * 0.9, 1), avg, Math.Round(avg * 1.1, 1), 60, 60), at.AddMinutes(i / 50), ClockQuality.NetworkSynced));
        }
        _batch = new Batch("gw-370102-001", Streams.Readings, 1, records);
        _json = WireCodec.Encode(_batch, WireFormat.Json);
        _binary = WireCodec.Encode(_batch, WireFormat.Binary);
    }

    [Benchmark(Baseline = true)] public byte[] EncodeJson() => WireCodec.Encode(_batch, WireFormat.Json);
    [Benchmark] public byte[] EncodeBinary() => WireCodec.Encode(_batch, WireFormat.Binary);
    [Benchmark] public bool DecodeJson() => WireCodec.Decode(_json).Ok;
    [Benchmark] public bool DecodeBinary() => WireCodec.Decode(_binary).Ok;
}
