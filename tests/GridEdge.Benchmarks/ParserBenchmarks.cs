using System.Text;
using BenchmarkDotNet.Attributes;
using GridEdge.Hardware.Nmea;
using GridEdge.Hardware.Pms5003;
using GridEdge.Hardware.Simulation;

namespace GridEdge.Benchmarks;

/// <summary>
/// Device parsers in steady state, per frame or sentence (OperationsPerInvoke): PMS5003 frames through the parser and
/// the driver, NMEA sentences through the parser and the receiver. Target: 0 B allocated per frame.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private const int Frames = 1000;
    private const int Sentences = 1000;

    private byte[] _pmsStream = [];
    private byte[] _pmsNoisy = [];
    private byte[][] _sentences = [];
    private byte[] _nmeaStream = [];
    private PmsFrameParser _parser = null!;
    private Pms5003 _driver = null!;
    private GnssReceiver _receiver = null!;
    private NmeaSentence _sentence;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var frames = new List<byte>();
        var noisy = new List<byte>();
        for (var i = 0; i < Frames; i++)
        {
            var frame = PmsFrameWriter.ToBytes(PmsFrameWriter.FromMass(5 + random.Next(20), 10 + random.Next(60), 20 + random.Next(90)));
            frames.AddRange(frame);
            // One frame in ten preceded by line noise (no start bytes in it), one in fifty torn.
            if (i % 10 == 0) noisy.AddRange(Enumerable.Range(0, 7).Select(_ => (byte)random.Next(0x50, 0x100)));
            if (i % 50 == 0) noisy.AddRange(frame.AsSpan(0, 12).ToArray());
            noisy.AddRange(frame);
        }
        _pmsStream = [.. frames];
        _pmsNoisy = [.. noisy];

        // A receiver's second: RMC, GGA, GSA and GSV sentences for a moving fix, as a BeiDou/GPS module sends them.
        var at = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        var lines = new List<string>();
        for (var i = 0; lines.Count < Sentences; i++)
        {
            var t = at.AddSeconds(i);
            lines.Add(NmeaSentenceWriter.Rmc(t, 36.0671 + i * 1e-6, 120.3826, true, "GN", 0.3, 41.5));
            lines.Add(NmeaSentenceWriter.Gga(t, 36.0671 + i * 1e-6, 120.3826, true, 14, 0.9, 56.2, "GN"));
            lines.Add("$GNGSA,A,3,02,07,14,15,17,20,22,30,,,,,1.5,0.9,1.2,1*3C\r\n");
            lines.Add("$BDGSV,3,1,12,02,33,240,35,03,51,201,37,04,35,123,42,01,42,130,45*6B\r\n");
        }
        _sentences = [.. lines.Take(Sentences).Select(Encoding.ASCII.GetBytes)];
        _nmeaStream = [.. _sentences.SelectMany(s => s)];

        _parser = new PmsFrameParser();
        _driver = new Pms5003(Stream.Null);
        _driver.ReadingReceived += _ => { };
        _receiver = new GnssReceiver();
        _receiver.FixUpdated += _ => { };
        _sentence = new NmeaSentence();
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "PMS5003 parser, per frame")]
    public int Pms5003Parser()
    {
        ReadOnlySpan<byte> input = _pmsStream;
        var sum = 0;
        while (_parser.Parse(ref input, out var frame) != PmsParseResult.NeedMoreData) sum += frame.Pm2_5Atmospheric;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "PMS5003 parser with noise and torn frames, per frame")]
    public int Pms5003ParserResync()
    {
        ReadOnlySpan<byte> input = _pmsNoisy;
        var sum = 0;
        while (_parser.Parse(ref input, out var frame) != PmsParseResult.NeedMoreData) sum += frame.Pm2_5Atmospheric;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "PMS5003 driver (parser + health + event), per frame")]
    public long Pms5003Driver()
    {
        // In 64-byte chunks, as a serial read hands them over.
        for (var at = 0; at < _pmsStream.Length; at += 64) _driver.Process(_pmsStream.AsSpan(at, Math.Min(64, _pmsStream.Length - at)));
        return _driver.Counters.Readings;
    }

    [Benchmark(OperationsPerInvoke = Sentences, Description = "NMEA parser, per sentence")]
    public int NmeaSentences()
    {
        var ok = 0;
        foreach (var line in _sentences)
            if (Hardware.Nmea.NmeaParser.Parse(line, ref _sentence) == NmeaParseResult.Ok) ok++;
        return ok;
    }

    [Benchmark(OperationsPerInvoke = Sentences, Description = "GNSS receiver (split + parse + fix), per sentence")]
    public long GnssReceiverStream()
    {
        for (var at = 0; at < _nmeaStream.Length; at += 64) _receiver.Process(_nmeaStream.AsSpan(at, Math.Min(64, _nmeaStream.Length - at)));
        return _receiver.Counters.Sentences;
    }
}
