using System.Text;
using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;

namespace GridEdge.Integration.Tests.Arm64;

/// <summary>
/// tests/testdata/hj212_frames.txt (copied into the output) as a monitor's wire carries it, with what the x64 protocol
/// code makes of it: the monitors (MN, PW) its frames come from and the readings of its valid data frames.
/// </summary>
public sealed class ShippedCaptures
{
    private ShippedCaptures(string path, byte[] wire, IReadOnlyDictionary<string, string> monitors, IReadOnlyList<Reading> readings) =>
        (Path, Wire, Monitors, Readings) = (path, wire, monitors, readings);

    public string Path { get; }

    /// <summary>Every frame and garbage line of the file, each ended by CR LF, in file order.</summary>
    public byte[] Wire { get; }

    /// <summary>MN to PW of every frame whose length and CRC verify.</summary>
    public IReadOnlyDictionary<string, string> Monitors { get; }

    /// <summary>The readings of the valid data frames, converted as a gateway does for a monitor at +08:00.</summary>
    public IReadOnlyList<Reading> Readings { get; }

    public static ShippedCaptures Load()
    {
        var path = System.IO.Path.Combine(AppContext.BaseDirectory, "testdata", "hj212_frames.txt");
        var lines = File.ReadAllLines(path, Encoding.UTF8).Where(l => l.Length > 0 && !l.StartsWith("# ", StringComparison.Ordinal)).ToList();
        var monitors = new Dictionary<string, string>(StringComparer.Ordinal);
        var readings = new List<Reading>();
        foreach (var line in lines)
        {
            var bytes = Encoding.ASCII.GetBytes(line);
            if (!Hj212Framing.TryReadWhole(bytes, Hj212Framing.MaxDeclarableLength, out var frame, out _)) continue;
            if (!Hj212Packet.TryParse(frame.Data(bytes), out var packet, out _, Hj212Framing.HeaderLength)) continue;
            var mn = Encoding.ASCII.GetString(packet.Mn);
            monitors[mn] = Encoding.ASCII.GetString(packet.Pw);
            if (!Hj212Commands.CarriesReadings(packet.Cn)) continue;
            var profile = new Hj212MonitorProfile(mn, Hj212MonitorProfile.ChinaStandardTime, ClockQuality.NetworkSynced);
            if (!Hj212Readings.TryConvert(packet.Cn, packet.Cp, profile, readings, out _, out var error))
                throw new InvalidDataException($"{path}: a valid frame of {mn} did not convert: {error}");
        }
        var wire = Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\r\n")));
        return new ShippedCaptures(path, wire, monitors, readings);
    }
}
