using System.Globalization;
using System.Text;
using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;

namespace GridEdge.Protocol.Tests.Hj212;

public class Hj212CaptureTests
{
    private static readonly Hj212MonitorProfile Profile = new("monitor", Hj212MonitorProfile.ChinaStandardTime, ClockQuality.NetworkSynced);

    [Fact]
    public void The_main_capture_file_ships_with_the_tests()
    {
        Assert.True(File.Exists(CapturedFrames.MainFile()), CapturedFrames.MainFile());
        Assert.True(CapturedFrames.Read(CapturedFrames.MainFile()).Count >= 20);
    }

    [Theory]
    [MemberData(nameof(CapturedFrames.All), MemberType = typeof(CapturedFrames))]
    public void Every_captured_frame_is_read_as_its_expect_line_says(string id)
    {
        var frame = CapturedFrames.Find(id);
        var bytes = Encoding.ASCII.GetBytes(frame.Text);
        var ok = Hj212Framing.TryReadWhole(bytes, Hj212Framing.MaxDeclarableLength, out var slice, out var error);
        if (!frame.ExpectValid)
        {
            Assert.False(ok, $"{id} should be rejected: {frame.Expect}");
            Assert.NotNull(error);
            if (frame.Expect.Contains("declared length", StringComparison.Ordinal))
            {
                Assert.Contains(error!.Kind, new[] { Hj212ErrorKind.Length, Hj212ErrorKind.Truncated });
                var declared = frame.Text.Substring(2, 4).TrimStart('0');
                Assert.Contains($"declared {declared} bytes", error.Problem);
            }
            else if (frame.Expect.Contains("not numeric", StringComparison.Ordinal)) Assert.Equal(Hj212ErrorKind.Length, error!.Kind);
            else if (frame.Expect.Contains("without \"##\"", StringComparison.Ordinal)) Assert.Equal(Hj212ErrorKind.Garbage, error!.Kind);
            return;
        }

        Assert.True(ok, $"{id}: {error}");
        var data = slice.Data(bytes);
        Assert.True(Hj212Packet.TryParse(data, out var packet, out error), $"{id}: {error}");
        foreach (var (key, value) in CapturedFrames.Expectations(frame.Expect))
        {
            switch (key)
            {
                case "ST": Assert.Equal(value, Ascii(packet.St)); break;
                case "CN": Assert.Equal(int.Parse(value, CultureInfo.InvariantCulture), packet.Cn); break;
                case "MN": Assert.Equal(value, Ascii(packet.Mn)); break;
                case "QN": Assert.Equal(value, Ascii(packet.Qn)); break;
                case "Flag": Assert.Equal(value == "absent" ? -1 : int.Parse(value, CultureInfo.InvariantCulture), packet.Flag); break;
                case var cp when cp.StartsWith("CP:", StringComparison.Ordinal):
                    var field = cp[3..] + "=" + value;
                    var fields = Ascii(packet.Cp).Split(';', ',');
                    Assert.Contains(field, fields);
                    break;
            }
        }
        if (!Hj212Commands.CarriesReadings(packet.Cn)) return;
        var readings = new List<Reading>();
        Assert.True(Hj212Readings.TryConvert(packet.Cn, packet.Cp, Profile, readings, out _, out error), $"{id}: {error}");
        Assert.NotEmpty(readings);
        Assert.All(readings, r => Assert.Null(GridEdge.Protocol.Codecs.Validation.CheckReading(r)));
    }

    [Fact]
    public void A_2005_capture_keeps_its_codes_as_unmapped_raw_readings_with_their_flags()
    {
        // hj212_more_frames.txt: LD130132000342, every value flagged F (instrument stopped).
        var frame = CapturedFrames.Read(CapturedFrames.LocalFile()).First(f => f.Text.Contains("MN=LD130132000342", StringComparison.Ordinal));
        var readings = Convert(frame.Text);
        var s02 = Assert.Single(readings, r => r.Quantity == "hj212:S02");
        Assert.Equal(Quantities.RawUnit, s02.Unit);
        Assert.Equal(DataFlag.Stopped, s02.Flag);
        Assert.Equal(new DateTimeOffset(2016, 8, 24, 23, 2, 42, 0, TimeSpan.FromHours(8)), s02.Timestamp);
        // "02-ZsRtd" (a converted value) is kept apart from the measured "02-Rtd".
        Assert.Equal(0.78, Assert.Single(readings, r => r.Quantity == "hj212:02-Zs").Value);
        Assert.Equal(0.78, Assert.Single(readings, r => r.Quantity == "hj212:02").Value);
        // A value with no flag of its own ("B02-Rtd=0.00;") is normal.
        Assert.Equal(DataFlag.Normal, Assert.Single(readings, r => r.Quantity == "hj212:B02").Flag);
    }

    [Fact]
    public void A_2005_minute_frame_gives_windows_of_sixty_seconds_and_cumulative_amounts_apart()
    {
        var frame = CapturedFrames.Read(CapturedFrames.LocalFile()).First(f => f.Text.Contains("MN=ZG130182201401", StringComparison.Ordinal));
        var readings = Convert(frame.Text);
        var b01 = Assert.Single(readings, r => r.Quantity == "hj212:B01");
        Assert.Equal(new Aggregate(16.00, 16.00, 16.00, 1, 60), b01.Window);
        Assert.Equal(0.96, Assert.Single(readings, r => r.Quantity == "hj212:B01-Cou").Value);
    }

    internal static List<Reading> Convert(string text, Hj212MonitorProfile? profile = null)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.True(Hj212Framing.TryReadWhole(bytes, 9999, out var slice, out var error), error?.ToString());
        Assert.True(Hj212Packet.TryParse(slice.Data(bytes), out var packet, out error), error?.ToString());
        var readings = new List<Reading>();
        Assert.True(Hj212Readings.TryConvert(packet.Cn, packet.Cp, profile ?? Profile, readings, out _, out error), error?.ToString());
        return readings;
    }

    internal static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);
}
