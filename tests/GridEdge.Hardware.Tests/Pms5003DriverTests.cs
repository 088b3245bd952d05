using GridEdge.Hardware.Pms5003;
using GridEdge.Hardware.Simulation;

namespace GridEdge.Hardware.Tests;

public sealed class Pms5003DriverTests
{
    private static readonly byte[] Good = Captures.Pms[0].Bytes;
    private static readonly byte[] Other = Captures.Pms[2].Bytes;
    private static readonly byte[] WarmingUp = Captures.Pms.Single(c => c.Expect.Contains("every data word is 0", StringComparison.Ordinal)).Bytes;
    private static readonly byte[] BadChecksum = Captures.Pms.First(c => c.Expect.StartsWith("invalid checksum", StringComparison.Ordinal)).Bytes;

    /// <summary>A serial line with nothing on the other end: reads wait until cancelled.</summary>
    private sealed class SilentStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => 0;
        public override long Position { get => 0; set { } }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task An_unplugged_sensor_becomes_a_no_data_fault_after_the_timeout_and_never_a_zero_reading()
    {
        var time = new ManualTimeProvider();
        var pms = new Pms5003Sensor(new SilentStream(), new Pms5003Options { NoFrameTimeout = TimeSpan.FromSeconds(10) }, time);
        var readings = 0;
        var statuses = new List<SensorStatus>();
        pms.ReadingReceived += _ => readings++;
        pms.StatusChanged += s => { lock (statuses) statuses.Add(s); };
        using var cts = new CancellationTokenSource();
        var run = pms.RunAsync(cts.Token);

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(SensorHealth.Starting, pms.Status.Health);
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(SensorHealth.NoData, pms.Status.Health);
        Assert.True(pms.Status.IsFault);
        Assert.Contains("timeout 10 s", pms.Status.Message);
        Assert.Equal(0, readings);
        Assert.False(pms.TryGetLatest(out _));
        lock (statuses) Assert.Equal(SensorHealth.NoData, Assert.Single(statuses).Health);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public void A_sensor_that_stops_sending_is_a_fault_and_recovers_when_frames_return()
    {
        var time = new ManualTimeProvider();
        var pms = new Pms5003Sensor(Stream.Null, null, time);
        pms.Process(Good);
        Assert.Equal(SensorHealth.Ok, pms.Status.Health);

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(SensorHealth.NoData, pms.EvaluateHealth().Health);

        pms.Process(Other);
        Assert.Equal(SensorHealth.Ok, pms.Status.Health);
    }

    [Fact]
    public void Repeated_checksum_errors_are_a_bad_frames_fault_that_a_good_frame_clears()
    {
        var pms = new Pms5003Sensor(Stream.Null, new Pms5003Options { MaxConsecutiveBadFrames = 3 }, new ManualTimeProvider());
        pms.Process(Good);
        pms.Process(BadChecksum);
        pms.Process(BadChecksum);
        Assert.Equal(SensorHealth.Ok, pms.Status.Health);
        pms.Process(BadChecksum);

        Assert.Equal(SensorHealth.BadFrames, pms.Status.Health);
        Assert.Contains("3 consecutive bad frames", pms.Status.Message);
        Assert.Contains("checksum mismatch", pms.Status.Message);
        Assert.Equal(3, pms.Counters.ChecksumErrors);

        pms.Process(Good);
        Assert.Equal(SensorHealth.Ok, pms.Status.Health);
    }

    [Fact]
    public void Identical_frames_for_longer_than_the_limit_are_a_stuck_fault()
    {
        var time = new ManualTimeProvider();
        var pms = new Pms5003Sensor(Stream.Null, new Pms5003Options { StuckAfter = TimeSpan.FromMinutes(5) }, time);
        for (var i = 0; i < 5 * 60; i++)
        {
            pms.Process(Good);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(SensorHealth.Ok, pms.Status.Health);
        pms.Process(Good);
        Assert.Equal(SensorHealth.Stuck, pms.Status.Health);
        Assert.Contains("limit 5 min", pms.Status.Message);

        pms.Process(Other);
        Assert.Equal(SensorHealth.Ok, pms.Status.Health);
    }

    [Fact]
    public void All_zero_warm_up_frames_are_a_status_not_readings()
    {
        var pms = new Pms5003Sensor(Stream.Null, null, new ManualTimeProvider());
        var readings = new List<PmsReading>();
        pms.ReadingReceived += readings.Add;

        pms.Process(WarmingUp);
        Assert.Equal(SensorHealth.WarmingUp, pms.Status.Health);
        Assert.Empty(readings);

        pms.Process(Good);
        Assert.Equal(SensorHealth.Ok, pms.Status.Health);
        Assert.Equal(8, Assert.Single(readings).Frame.Pm2_5Atmospheric);
        Assert.Equal(1, pms.Counters.WarmingUpFrames);
    }

    [Fact]
    public void An_implausible_frame_is_counted_and_not_reported_as_a_reading()
    {
        var implausible = Captures.Pms.Single(c => c.Expect.Contains("inconsistent obs", StringComparison.Ordinal)).Bytes;
        var pms = new Pms5003Sensor(Stream.Null, null, new ManualTimeProvider());
        var readings = 0;
        pms.ReadingReceived += _ => readings++;
        pms.Process(implausible);
        Assert.Equal(0, readings);
        Assert.Equal(1, pms.Counters.ImplausibleFrames);
    }

    [Fact]
    public void Readings_within_the_settling_time_are_flagged()
    {
        var time = new ManualTimeProvider();
        var pms = new Pms5003Sensor(Stream.Null, new Pms5003Options { SettlingTime = TimeSpan.FromSeconds(30) }, time);
        var readings = new List<PmsReading>();
        pms.ReadingReceived += readings.Add;
        pms.Process(Good);
        time.Advance(TimeSpan.FromSeconds(31));
        pms.Process(Other);
        Assert.Equal([true, false], readings.Select(r => r.Settling));
        Assert.Equal(time.GetUtcNow(), readings[1].Timestamp);
    }

    [Fact]
    public async Task Commands_go_out_as_the_datasheet_frames()
    {
        var written = new MemoryStream();
        var pms = new Pms5003Sensor(written, null, new ManualTimeProvider());
        await pms.SetModeAsync(PmsMode.Passive, TestContext.Current.CancellationToken);
        await pms.RequestReadAsync(TestContext.Current.CancellationToken);
        await pms.SleepAsync(TestContext.Current.CancellationToken);
        await pms.WakeAsync(TestContext.Current.CancellationToken);
        await pms.SetModeAsync(PmsMode.Active, TestContext.Current.CancellationToken);

        string[] names = ["passive_mode", "passive_read", "sleep", "wake", "active_mode"];
        var expected = names.SelectMany(n => Captures.Pms.Single(c => c.Expect.StartsWith("command " + n + " ", StringComparison.Ordinal) || c.Expect.StartsWith("command " + n + ";", StringComparison.Ordinal)).Bytes).ToArray();
        Assert.Equal(expected, written.ToArray());
    }

    [Fact]
    public async Task A_read_only_replay_refuses_commands_with_a_clear_message()
    {
        var pms = new Pms5003Sensor(new ReplaySerialStream(Good), null, new ManualTimeProvider());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => pms.SleepAsync(TestContext.Current.CancellationToken));
        Assert.Contains("read-only", e.Message);
    }

    [Fact]
    public async Task Sleep_is_not_a_fault_and_passive_mode_expects_frames_only_when_asked()
    {
        var time = new ManualTimeProvider();
        var sensor = new SimulatedPms5003Stream(() => PmsFrameWriter.FromMass(5, 9, 14), TimeSpan.FromSeconds(1), time);
        var pms = new Pms5003Sensor(sensor, null, time);
        var ct = TestContext.Current.CancellationToken;

        await pms.SleepAsync(ct);
        Assert.True(sensor.IsSleeping);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SensorHealth.Sleeping, pms.EvaluateHealth().Health);

        await pms.WakeAsync(ct);
        await pms.SetModeAsync(PmsMode.Passive, ct);
        Assert.True(sensor.IsPassive);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SensorHealth.Starting, pms.EvaluateHealth().Health);

        var buffer = new byte[64];
        var ack = await sensor.ReadAsync(buffer, ct);
        pms.Process(buffer.AsSpan(0, ack));
        Assert.Equal(1, pms.Counters.Acknowledgements);

        await pms.RequestReadAsync(ct);
        var n = await sensor.ReadAsync(buffer, ct);
        pms.Process(buffer.AsSpan(0, n));
        Assert.True(pms.TryGetLatest(out var reading));
        Assert.Equal(9, reading.Frame.Pm2_5Atmospheric);

        sensor.Unplugged = true;
        await pms.RequestReadAsync(ct);
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(SensorHealth.NoData, pms.EvaluateHealth().Health);
    }

    [Fact]
    public async Task A_simulated_series_flows_through_the_real_parser_in_RunAsync()
    {
        var time = new ManualTimeProvider();
        var series = new Queue<double>([10, 20, 30, 40, 50]);
        var sensor = new SimulatedPms5003Stream(() => PmsFrameWriter.FromMass(1, series.Count > 0 ? series.Dequeue() : 0, 60), TimeSpan.FromSeconds(1), time);
        var pms = new Pms5003Sensor(sensor, null, time);
        var values = new List<int>();
        pms.ReadingReceived += r => { lock (values) values.Add(r.Frame.Pm2_5Atmospheric); };
        using var cts = new CancellationTokenSource();
        var run = pms.RunAsync(cts.Token);

        for (var i = 0; i < 5; i++)
        {
            var expected = i + 1;
            await Eventually.True(() => time.ActiveTimers >= 2, "the simulated sensor waits for its next frame");
            time.Advance(TimeSpan.FromSeconds(1));
            await Eventually.True(() => { lock (values) return values.Count == expected; }, $"reading {expected}");
        }

        lock (values) Assert.Equal([10, 20, 30, 40, 50], values);
        Assert.Equal(SensorHealth.Ok, pms.Status.Health);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_replayed_capture_ends_with_a_no_data_status()
    {
        var bytes = Captures.Pms.Take(10).SelectMany(c => c.Bytes).ToArray();
        var pms = new Pms5003Sensor(new ReplaySerialStream(bytes, chunkSize: 17), null, new ManualTimeProvider());
        var readings = 0;
        pms.ReadingReceived += _ => readings++;
        await pms.RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(10, readings);
        Assert.Equal(SensorHealth.NoData, pms.Status.Health);
        Assert.Contains("ended", pms.Status.Message);
    }

    [Fact]
    public void Options_out_of_range_are_refused_naming_the_setting()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Pms5003Sensor(Stream.Null, new Pms5003Options { MaxConsecutiveBadFrames = 0 }));
        Assert.Equal("MaxConsecutiveBadFrames", e.ParamName);
    }
}
