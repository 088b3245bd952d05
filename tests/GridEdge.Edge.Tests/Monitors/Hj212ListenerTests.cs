using System.Net.Sockets;
using System.Text;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Tests.Monitors;

public class Hj212ListenerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 30_000)]
    public async Task Minute_data_is_stored_once_and_only_then_acknowledged_even_when_the_monitor_resends()
    {
        await using var f = await ListenerFixture.StartAsync();
        await using var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        var frame = SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20250301080100123", "20250301080000");

        await monitor.SendAsync(frame);
        var ack = await monitor.ReceiveAsync(Wait);
        Assert.NotNull(ack);
        Assert.Contains("QN=20250301080100123;ST=91;CN=9014;", ack);
        // The ack came after the appends returned: the readings are in the outbox now.
        var stored = f.Stored();
        Assert.Equal(4, stored.Count);
        var pm = Assert.Single(stored, r => r.Quantity == Quantities.Pm2_5);
        Assert.Equal((ListenerFixture.Mn, 35.2, 60), (pm.SensorId, pm.Value, pm.Window!.WindowSeconds));
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(8)), pm.Timestamp);
        Assert.Equal(1013.0, Math.Round(Assert.Single(stored, r => r.Quantity == Quantities.Pressure).Value, 6));
        Assert.Equal(DataFlag.Calibration, Assert.Single(stored, r => r.Quantity == "hj212:a05024").Flag);

        // Our ack was "lost": the monitor sends the same QN again. Acknowledged again, stored once.
        await monitor.SendAsync(frame);
        Assert.Contains("CN=9014;", await monitor.ReceiveAsync(Wait));
        Assert.Equal(4, f.Stored().Count);
        // The reply is counted once its last byte is handed to the socket, which may be just after the monitor read it.
        await Eventually.True(() => f.Listener.Counters.Snapshot().AcksSent == 2, "the second reply to be counted");
        var counters = f.Listener.Counters.Snapshot();
        Assert.Equal((2L, 2L, 4L, 1L), (counters.FramesAccepted, counters.AcksSent, counters.ReadingsStored, counters.DuplicatesIgnored));
        Assert.NotNull(Assert.Single(f.Directory.Snapshot()!, m => m.Mn == ListenerFixture.Mn).LastContact);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_frame_resent_after_the_gateway_restarted_is_acknowledged_and_not_stored_again()
    {
        using var dir = new TempDirectory();
        var frame = SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20250301080100123", "20250301080000");
        // The gateway stored the readings and then died before its ack left (or the ack was lost): the monitor resends to the new process.
        await using (var before = await ListenerFixture.StartAsync(dataDirectory: dir.Path))
        {
            await using var monitor = await SimulatedMonitor.ConnectAsync(before.Endpoint);
            await monitor.SendAsync(frame);
            Assert.Contains("CN=9014;", await monitor.ReceiveAsync(Wait));
        }

        await using var f = await ListenerFixture.StartAsync(dataDirectory: dir.Path);
        await using (var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint))
        {
            await monitor.SendAsync(frame);
            Assert.Contains("QN=20250301080100123;ST=91;CN=9014;", await monitor.ReceiveAsync(Wait));
            // A new message (another QN) is stored as usual.
            await monitor.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20250301080200123", "20250301080100"));
            Assert.Contains("QN=20250301080200123;ST=91;CN=9014;", await monitor.ReceiveAsync(Wait));
        }

        Assert.Equal(8, f.Stored().Count);
        var counters = f.Listener.Counters.Snapshot();
        Assert.Equal((1L, 4L), (counters.DuplicatesIgnored, counters.ReadingsStored));
    }

    [Theory(Timeout = 30_000)]
    [InlineData("GE9999", ListenerFixture.Pw)]
    [InlineData(ListenerFixture.Mn, "wrong")]
    public async Task An_unknown_mn_or_a_wrong_password_stores_nothing_and_is_counted(string mn, string pw)
    {
        await using var f = await ListenerFixture.StartAsync();
        await using var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        await monitor.SendAsync(SimulatedMonitor.MinuteFrame(mn, pw, "20250301080100123", "20250301080000"));
        Assert.Null(await monitor.ReceiveAsync(Wait)); // closed, no ack
        Assert.Empty(f.Stored());
        var c = f.Listener.Counters.Snapshot();
        Assert.Equal(1, mn == ListenerFixture.Mn ? c.WrongPassword : c.UnknownMn);
        Assert.Null(Assert.Single(f.Directory.Snapshot()!, m => m.Mn == ListenerFixture.Mn).LastContact);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_full_outbox_keeps_a_monitors_readings_and_sends_no_acknowledgement_for_a_frame_it_cannot_store()
    {
        await using var f = await ListenerFixture.StartAsync(outboxQuotaBytes: 32 * 1024);
        await using var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        await monitor.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20250301080100123", "20250301080000"));
        Assert.Contains("CN=9014;", await monitor.ReceiveAsync(Wait));

        // Check-ins fill the rest; the monitor's readings are not evicted to make room for them.
        var ct = TestContext.Current.CancellationToken;
        await Assert.ThrowsAsync<GridEdge.Edge.Outbox.OutboxFullException>(async () =>
        {
            for (var i = 1; i < 5000; i++) await f.Outbox.AppendAsync(GridEdge.Protocol.Wire.Streams.CheckIns, OutboxQuotaTests.CheckIn(i), ct);
        });
        Assert.Equal(4, f.Stored().Count);

        await monitor.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20250301080200123", "20250301080100"));
        var reply = await monitor.ReceiveAsync(Wait);
        Assert.True(reply is null || !reply.Contains("CN=9014;", StringComparison.Ordinal), $"no acknowledgement expected, got '{reply}'");
        await Eventually.True(() => f.Listener.Counters.Snapshot().AppendFailures == 1, "the failed append to be counted");
        Assert.Equal(4, f.Stored().Count);
        Assert.Equal(0, f.Outbox.Counters.Evicted);
    }

    [Fact(Timeout = 30_000)]
    public async Task Stalled_oversized_and_garbage_clients_do_not_stall_a_good_monitor_and_are_closed()
    {
        await using var f = await ListenerFixture.StartAsync(o => { o.MaxGarbageBytes = 4096; o.FrameTimeoutSeconds = 20; });
        await using var stalled = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        await using var oversized = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        await using var garbage = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        await using var good = await SimulatedMonitor.ConnectAsync(f.Endpoint);

        await stalled.SendAsync(Encoding.ASCII.GetBytes("##0462QN=2025"));
        await oversized.SendAsync(Encoding.ASCII.GetBytes("##9999" + new string('x', 3000)));
        await garbage.SendAsync(new byte[8192]);

        for (var i = 0; i < 3; i++)
        {
            var started = TimeProvider.System.GetTimestamp();
            await good.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, $"2025030108010012{i}", $"2025030108{i:00}00"));
            Assert.Contains("CN=9014;", await good.ReceiveAsync(Wait));
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(2));
        }
        Assert.Null(await garbage.ReceiveAsync(Wait));   // closed after MaxGarbageBytes
        var c = f.Listener.Counters.Snapshot();
        Assert.True(c.LengthErrors >= 1, "the 9999 length field is counted");
        Assert.Equal(1, c.GarbageClosed);
        Assert.Equal(12, f.Stored().Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_frame_arriving_slower_than_MinBytesPerSecond_is_closed_once_the_grace_has_passed()
    {
        var time = new ManualTimeProvider();
        var frameTimeout = TimeSpan.FromSeconds(20);
        await using var f = await ListenerFixture.StartAsync(o => { o.MinBytesPerSecond = 32; o.FrameTimeoutSeconds = (int)frameTimeout.TotalSeconds; }, time: time);
        await using var trickle = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        var bytes = Encoding.ASCII.GetBytes("##0462QN=2025");

        // The first byte is read and the connection waits for the rest of the frame before the clock moves.
        await trickle.SendAsync(bytes[..1]);
        await Eventually.True(() => time.NextDueIn == frameTimeout, "the first byte to start a frame");
        Assert.Equal(0, f.Listener.Counters.Snapshot().TricklingClosed);

        time.Advance(TimeSpan.FromSeconds(3));
        await trickle.SendAsync(bytes[1..2]);   // 2 bytes in 3 s, past the 2 s grace: slower than 32 bytes/s
        Assert.Null(await trickle.ReceiveAsync(Wait));
        Assert.Equal((1L, 0L), (f.Listener.Counters.Snapshot().TricklingClosed, f.Listener.Counters.Snapshot().FrameTimeouts));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_partial_frame_is_closed_at_the_frame_timeout_on_the_listeners_clock()
    {
        var time = new ManualTimeProvider();
        await using var f = await ListenerFixture.StartAsync(o => o.FrameTimeoutSeconds = 20, time: time);
        await using var stalled = await SimulatedMonitor.ConnectAsync(f.Endpoint);

        await stalled.SendAsync(Encoding.ASCII.GetBytes("##0462QN=2025"));
        await Eventually.True(() => time.NextDueIn == TimeSpan.FromSeconds(20), "the partial frame to be read");
        time.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(0, f.Listener.Counters.Snapshot().FrameTimeouts);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await stalled.ReceiveAsync(Wait));
        Assert.Equal(1, f.Listener.Counters.Snapshot().FrameTimeouts);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_monitor_silent_for_the_idle_timeout_after_its_frames_is_closed()
    {
        var time = new ManualTimeProvider();
        var idle = TimeSpan.FromMinutes(5);
        await using var f = await ListenerFixture.StartAsync(o => o.IdleTimeoutSeconds = idle.TotalSeconds, time: time);
        await using var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint);

        await monitor.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20250301080100123", "20250301080000"));
        Assert.Contains("CN=9014;", await monitor.ReceiveAsync(Wait));
        await Eventually.True(() => time.NextDueIn == idle, "the connection to wait for the next frame");
        time.Advance(idle - TimeSpan.FromSeconds(1));
        Assert.Equal(0, f.Listener.Counters.Snapshot().IdleClosed);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await monitor.ReceiveAsync(Wait));
        Assert.Equal(1, f.Listener.Counters.Snapshot().IdleClosed);
    }

    [Fact(Timeout = 30_000)]
    public async Task Connections_over_the_limit_are_closed_at_once_and_counted()
    {
        await using var f = await ListenerFixture.StartAsync(o => o.MaxConnections = 2);
        await using var a = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        await using var b = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        await Eventually.True(() => f.Listener.Counters.Snapshot().ConnectionsAccepted == 2, "both connections to be accepted");
        try
        {
            await using var c = await SimulatedMonitor.ConnectAsync(f.Endpoint);
            Assert.Null(await c.ReceiveAsync(Wait));
        }
        catch (SocketException) { } // the reset can overtake the handshake
        await Eventually.True(() => f.Listener.Counters.Snapshot().ConnectionsRefused == 1, "the third connection to be refused");
        // The two held connections still work.
        await a.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20250301080100123", "20250301080000"));
        Assert.Contains("CN=9014;", await a.ReceiveAsync(Wait));
    }

    [Fact(Timeout = 30_000)]
    public async Task Split_packets_are_stored_and_acknowledged_when_the_last_one_arrives()
    {
        await using var f = await ListenerFixture.StartAsync();
        await using var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        byte[] Part(int no, string cp) => Hj212Encoder.Frame(Hj212Encoder.Segment("20250301090000456", "22", Hj212Commands.HourData, ListenerFixture.Pw, ListenerFixture.Mn,
            7, $"DataTime=20250301080000;{cp}", packetCount: 2, packetNumber: no));
        await monitor.SendAsync(Part(2, "a34002-Avg=58.0,a34002-Min=41.0,a34002-Max=77.0,a34002-Flag=N"));
        // A time request after it is answered only once the part has been handled (one connection, in order).
        await monitor.SendAsync(Hj212Encoder.Frame(Hj212Encoder.Segment("20250301090000001", "22", Hj212Commands.TimeCalibrationRequest, ListenerFixture.Pw, ListenerFixture.Mn, 5, "")));
        Assert.NotNull(await monitor.ReceiveAsync(Wait));
        Assert.Empty(f.Stored());
        await monitor.SendAsync(Part(1, "a34004-Avg=33.0,a34004-Min=20.0,a34004-Max=48.0,a34004-Flag=N"));
        Assert.Contains("QN=20250301090000456;ST=91;CN=9014;", await monitor.ReceiveAsync(Wait));
        var stored = f.Stored();
        Assert.Equal([Quantities.Pm2_5, Quantities.Pm10], stored.Select(r => r.Quantity));
        Assert.All(stored, r => Assert.Equal(3600, r.Window!.WindowSeconds));
        Assert.Equal(1, f.Listener.Counters.Snapshot().SplitCompleted);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_frame_flagged_split_without_pnum_and_pno_is_stored_whole_acknowledged_when_asked_and_counted_as_a_conformance_warning()
    {
        await using var f = await ListenerFixture.StartAsync();
        await using var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint);

        // Flag=6: split bit, no ack wanted; Flag=7: the same with an ack wanted. Neither carries PNUM/PNO, as field stations send them.
        await monitor.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20250301080100123", "20250301080000", flag: 6));
        await monitor.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20250301080200123", "20250301080100", flag: 7));

        // The first reply is the ack of the second frame: the first asked for none.
        Assert.Contains("QN=20250301080200123;ST=91;CN=9014;", await monitor.ReceiveAsync(Wait));
        var stored = f.Stored();
        Assert.Equal(8, stored.Count);
        Assert.Equal([new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2025, 3, 1, 8, 1, 0, TimeSpan.FromHours(8))],
            stored.Where(r => r.Quantity == Quantities.Pm2_5).Select(r => r.Timestamp));

        var c = f.Listener.Counters.Snapshot();
        Assert.Equal((2L, 2L, 0L, 0L, 0L), (c.ConformanceWarnings, c.FramesAccepted, c.FieldErrors, c.SplitCompleted, c.SplitRefused));
        var monitors = f.Directory.Snapshot()!;
        Assert.Equal(2, Assert.Single(monitors, m => m.Mn == ListenerFixture.Mn).ConformanceWarnings);
        Assert.Equal(0, Assert.Single(monitors, m => m.Mn == "GE0002").ConformanceWarnings);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_time_calibration_request_is_answered_with_the_gateway_clock_only_when_it_is_trusted()
    {
        var clock = new GatewayClock(TimeProvider.System, Guid.NewGuid());
        await using var f = await ListenerFixture.StartAsync(clock: clock);
        await using var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint);
        var request = Hj212Encoder.Frame(Hj212Encoder.Segment("20250301080000001", "22", Hj212Commands.TimeCalibrationRequest, ListenerFixture.Pw, ListenerFixture.Mn, 5, ""));

        if (clock.Quality == ClockQuality.Unsynchronised)
        {
            await monitor.SendAsync(request);
            Assert.Contains("CN=9011;", await monitor.ReceiveAsync(Wait));
        }
        var gnss = new DateTimeOffset(2025, 3, 1, 0, 0, 5, TimeSpan.Zero);
        clock.ReportGnssTime(gnss);
        await monitor.SendAsync(request);
        var reply = await monitor.ReceiveAsync(Wait);
        Assert.Contains("CN=1012;", reply);
        Assert.Contains("SystemTime=20250301080005", reply); // GNSS time in the monitor's local time (+08:00)
    }
}
