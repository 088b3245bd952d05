using System.Net;
using System.Net.Sockets;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Server.Tests.Support;

/// <summary>A temp folder removed when the test ends.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gridedge-server-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Realistic batches of readings.</summary>
public static class Samples
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Readings seq firstSeq..firstSeq+count-1, one a minute from T0 + (firstSeq-1) minutes, alternating sensors.</summary>
    public static Batch Readings(string gateway, long firstSeq, int count, string sensor = "pms-1")
    {
        var records = new List<GridEdge.Protocol.Records.Record>(count);
        for (var i = 0; i < count; i++)
        {
            var seq = firstSeq + i;
            var at = T0.AddMinutes(seq - 1);
            records.Add(seq % 3 == 0
                ? Reading.OfWindow(sensor, Quantities.Pm10, new Aggregate(10 + seq % 7, 20.5, 40, 60, 60), at, ClockQuality.NetworkSynced)
                : Reading.Instant(sensor, Quantities.Pm2_5, 12.25 + seq % 11, at, ClockQuality.GnssDisciplined));
        }
        return new Batch(gateway, Streams.Readings, firstSeq, records);
    }

    public static GatewayStatus Status(string gateway, GatewayState state, DateTimeOffset at) =>
        new(gateway, state, "0.1.0", "cfg-7", Guid.Parse("3f2b8c1e-0000-4000-8000-00000000abcd"), at);
}
