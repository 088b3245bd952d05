using System.Text;
using GridEdge.Hardware.Nmea;

namespace GridEdge.Hardware.Tests;

public sealed class SteadyStateAllocationTests
{
    [Fact]
    public void The_pms5003_driver_allocates_nothing_per_frame_once_running()
    {
        var frames = Captures.Pms.Take(20).SelectMany(c => c.Bytes).ToArray();
        var time = new ManualTimeProvider();
        var pms = new Pms5003Sensor(Stream.Null, null, time);
        long sum = 0;
        pms.ReadingReceived += r => sum += r.Frame.Pm2_5Atmospheric;
        pms.Process(frames);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++) pms.Process(frames);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(51 * 20, pms.Counters.Readings);
    }

    [Fact]
    public void The_gnss_receiver_allocates_nothing_per_sentence_once_running()
    {
        var good = Captures.Nmea.SelectMany(g => g.Lines).Where(l => l.Expect is null).Select(l => l.Text + "\r\n");
        var bytes = Encoding.ASCII.GetBytes(string.Concat(good));
        var receiver = new GnssReceiver(null, new ManualTimeProvider());
        var fixes = 0;
        receiver.FixUpdated += _ => fixes++;
        receiver.Process(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++) receiver.Process(bytes);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(21 * 137, receiver.Counters.Sentences);
        Assert.True(fixes > 0);
    }
}
