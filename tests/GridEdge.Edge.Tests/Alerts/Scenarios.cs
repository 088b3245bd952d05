using System.Globalization;
using System.Text;
using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Tests.Alerts;

/// <summary>
/// Recorded-looking series for the alert scenarios, one reading per quantity per minute (the gateway's 60 s windows),
/// with deterministic noise so no value ever repeats by accident.
/// </summary>
internal static class Scenarios
{
    /// <summary>Minute 0 of every scenario: a morning in Beijing time.</summary>
    public static readonly DateTimeOffset Start = new(2025, 10, 12, 8, 0, 0, TimeSpan.FromHours(8));

    public static DateTimeOffset At(double minute) => Start.AddMinutes(minute);

    public static Reading Pm10(string sensor, double minute, double value) => Reading.Instant(sensor, Quantities.Pm10, value, At(minute), ClockQuality.NetworkSynced);
    public static Reading Pm25(string sensor, double minute, double value) => Reading.Instant(sensor, Quantities.Pm2_5, value, At(minute), ClockQuality.NetworkSynced);
    public static Reading Smoke(string sensor, double minute, double ratio) =>
        Reading.Instant(sensor, Quantities.Smoke, ratio, At(minute), ClockQuality.NetworkSynced) with { Unit = "ratio" };

    /// <summary>±0.1 in a pattern that never repeats a value twice in a row.</summary>
    private static double Jitter(int minute) => (minute % 3 - 1) * 0.1;

    /// <summary>
    /// A construction site: PM10 80 µg/m³ until minute 30, earthworks at 200 until 60, 400 (a dry, windy demolition)
    /// until 120, back to 80 until 180. PM2.5 stays at a clean 30.
    /// </summary>
    public static List<Reading> DustEpisode(string sensor = "site-1")
    {
        var readings = new List<Reading>();
        for (var m = 0; m < 180; m++)
        {
            var pm10 = m < 30 ? 80 : m < 60 ? 200 : m < 120 ? 400 : 80;
            readings.Add(Pm10(sensor, m, pm10 + Jitter(m)));
            readings.Add(Pm25(sensor, m, 30 + Jitter(m + 1)));
        }
        return readings;
    }

    /// <summary>
    /// A field burning upwind of a co-located smoke and dust sensor: clean air until minute 60, then in four minutes
    /// the smoke ratio climbs to 3 and PM2.5 from 35 to 180; it burns until minute 90, and by minute 95 the air is clean again.
    /// </summary>
    public static List<Reading> StrawFire(string sensor = "sim-01")
    {
        double[] smokeRise = [1.3, 1.8, 2.4, 3.0];
        double[] pmRise = [60, 95, 130, 160];
        var readings = new List<Reading>();
        for (var m = 0; m < 130; m++)
        {
            double smoke, pm25;
            if (m <= 60 || m >= 95) { smoke = 1.0; pm25 = m < 95 ? 35 : 40; }
            else if (m <= 64) { smoke = smokeRise[m - 61]; pm25 = pmRise[m - 61]; }
            else if (m < 90) { smoke = 3.0; pm25 = 180; }
            else { smoke = 2.0 - (m - 90) * 0.2; pm25 = 180 - (m - 90) * 25; }
            readings.Add(Pm25(sensor, m, pm25 + Jitter(m)));
            readings.Add(Smoke(sensor, m, Math.Round(smoke + Jitter(m) / 10, 2)));
        }
        return readings;
    }

    /// <summary>
    /// A clean week at a rural station: PM2.5 35 ± 15 µg/m³ over the day (worst in the evening), PM10 about 1.6 times
    /// that, smoke ratio 1 ± 0.05, all with random noise as a real sensor shows, rounded as the window aggregator rounds.
    /// </summary>
    public static List<Reading> CleanWeek(string sensor = "sim-01", int seed = 20251012)
    {
        var random = new Random(seed);
        double Noise(double amplitude) => (random.NextDouble() + random.NextDouble() - 1) * amplitude;
        var readings = new List<Reading>(7 * 1440 * 3);
        for (var m = 0; m < 7 * 1440; m++)
        {
            var hour = (m / 60.0 + 8) % 24;
            var daily = Math.Sin(2 * Math.PI * (hour - 13) / 24); // peaks at 19:00, lowest at 07:00
            var pm25 = Math.Round(35 + 15 * daily + Noise(5), 1);
            var pm10 = Math.Round(pm25 * 1.6 + Noise(8), 1);
            var smoke = Math.Round(1.0 + 0.05 * daily + Noise(0.04), 2);
            readings.Add(Pm25(sensor, m, pm25));
            readings.Add(Pm10(sensor, m, pm10));
            readings.Add(Smoke(sensor, m, smoke));
        }
        return readings;
    }

    /// <summary>PM2.5 varying around 20 until minute 30, frozen at exactly 42.0 until minute 90, then varying again.</summary>
    public static List<Reading> FrozenSensor(string sensor = "pms5003") =>
        Enumerable.Range(0, 120).Select(m => Pm25(sensor, m, m is >= 30 and < 90 ? 42.0 : 20 + m % 7 * 0.3)).ToList();

    /// <summary>The readings as the replay tool's CSV, header first.</summary>
    public static string ToCsv(IEnumerable<Reading> readings)
    {
        var csv = new StringBuilder("time,sensor,quantity,value\n");
        foreach (var r in readings)
            csv.Append(CultureInfo.InvariantCulture, $"{r.Timestamp:yyyy-MM-ddTHH:mm:sszzz},{r.SensorId},{r.Quantity},{r.Value.ToString(CultureInfo.InvariantCulture)}\n");
        return csv.ToString();
    }
}
