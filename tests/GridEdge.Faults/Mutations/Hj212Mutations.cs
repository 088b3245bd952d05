using System.Globalization;
using System.Text;
using GridEdge.Faults.Rig;
using GridEdge.Protocol.Hj212;

namespace GridEdge.Faults.Mutations;

/// <summary>
/// Turns the registered monitor's minute-data frame into a hostile one: byte flips with the CRC recomputed afterwards
/// (so the parser sees them) or not, absurd DataTimes, pollutant codes never seen, values no double or atmosphere holds,
/// other commands and flags, broken framing and garbage between frames.
/// </summary>
public sealed class Hj212Mutations(Random random)
{
    public (string Kind, byte[] Bytes) Next(long n)
    {
        switch (random.Next(10))
        {
            case 0:
            case 1:
                var segment = Encoding.ASCII.GetBytes(SimulatedMonitor.Segment(n));
                for (var i = random.Next(1, 5); i > 0; i--) segment[random.Next(segment.Length)] = (byte)random.Next(256);
                return random.Next(2) == 0 ? ("flips, CRC recomputed", Hj212Encoder.Frame(segment)) : ("flips, CRC wrong", Flip(Hj212Encoder.Frame(segment)));
            case 2: return ("absurd DataTime", Frame(n, $"DataTime={Pick(AbsurdTimes)};a34004-Avg=35.2,a34004-Flag=N"));
            case 3: return ("new pollutant codes", Frame(n, "DataTime=" + Now() + string.Concat(Enumerable.Range(0, random.Next(1, 12))
                .Select(_ => $";a{random.Next(10_000, 99_999)}-Avg={random.Next(1000)},a{random.Next(10_000, 99_999)}-Flag=N"))));
            case 4: return ("huge values", Frame(n, $"DataTime={Now()};{Pick(Pollutants)}-Avg={Pick(HugeValues)},{Pick(Pollutants)}-Min={Pick(HugeValues)},a34004-Flag={Pick(Flags)}"));
            case 5: return ("other commands", Hj212Encoder.Frame(Hj212Encoder.Segment(SimulatedMonitor.Qn(n), Pick(new[] { "22", "91", "32", "", "ZZ" }),
                Pick(new[] { 2011, 2061, 2031, 2041, 9014, 9011, 1012, 1011, 3020, 2081, 0 }), SimulatedMonitor.Pw, SimulatedMonitor.Mn, Pick(new[] { 5, 4, 1, 0, 9, 127, -1 }),
                $"DataTime={Now()};a34004-Rtd=35.2,a34004-Flag=N")));
            case 6: return ("broken framing", Encoding.ASCII.GetBytes(Pick(new[]
            {
                "##0000\r\n", "##9999" + new string('A', 100) + "\r\n", "#" + SimulatedMonitor.Segment(n) + "\r\n", "##abcd" + SimulatedMonitor.Segment(n) + "1234\r\n",
                "##0050QN=1;ST=22;CN=2051;\r\n", "\r\n\r\n\r\n", "##" + (SimulatedMonitor.Segment(n).Length + 40).ToString("D4", CultureInfo.InvariantCulture) + SimulatedMonitor.Segment(n) + "ABCD\r\n",
            })));
            case 7:
                var garbage = new byte[random.Next(1, 600)];
                random.NextBytes(garbage);
                return ("garbage", garbage);
            case 8: return ("many pollutants", Frame(n, "DataTime=" + Now() + string.Concat(Enumerable.Range(0, 150).Select(i => $";a{34000 + i}-Avg={i}.5,a{34000 + i}-Flag=N"))));
            default: return ("odd CP", Frame(n, Pick(new[]
            {
                "", "DataTime=", "DataTime=" + Now() + ";;;;", "DataTime=" + Now() + ";a34004-Avg", "DataTime=" + Now() + ";=,=,=;a34004-Avg=1=2", "&&&&",
                "DataTime=" + Now() + ";a34004-Avg=35.2,a34004-Avg=36.2,a34004-Flag=N;a34004-Avg=1",
                "DataTime=" + Now() + ";a34004-Avg=" + new string('9', 300),
            })));
        }
    }

    private static readonly string[] AbsurdTimes =
        ["00010101000000", "99991231235959", "20300101000000", "20251345996161", "abcdefghijklmn", "", "1", "19700101000000", "20991231235959", "-2025010100000"];
    private static readonly string[] Pollutants = ["a34004", "a34002", "a01001", "a01002", "a01006", "a01007", "a01008", "LA"];
    private static readonly string[] HugeValues = ["1e308", "-1e20", "NaN", "1e999", "-1e999", "123456789012345678901234567890", "Infinity", "0x10", "-0", "5e-324", "1,5"];
    private static readonly string[] Flags = ["N", "F", "M", "S", "D", "C", "T", "B", "Z", "", "NN"];

    private string Now() => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddSeconds(-random.Next(86_400)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static byte[] Frame(long n, string cp)
    {
        var segment = SimulatedMonitor.Segment(n, cp);
        return Encoding.ASCII.GetByteCount(segment) > 9999 ? Encoding.ASCII.GetBytes("##9999\r\n") : Hj212Encoder.Frame(segment);
    }

    private byte[] Flip(byte[] frame)
    {
        frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
        return frame;
    }
}
