using Record = GridEdge.Protocol.Records.Record;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Protocol.Tests;

/// <summary>Fixed messages of every kind, the inputs of the golden files.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    public static Batch ReadingBatch() => new("gw-370102-001", Streams.Readings, 4201,
    [
        Reading.OfWindow("pms-1", Quantities.Pm2_5, new Aggregate(31.0, 35.2, 41.5, 60, 60), T0, ClockQuality.GnssDisciplined),
        Reading.OfWindow("pms-1", Quantities.Pm10, new Aggregate(52.0, 61.7, 70.1, 60, 60), T0, ClockQuality.GnssDisciplined),
        Reading.OfWindow("mq2-1", Quantities.Smoke, new Aggregate(0.98, 1.02, 1.11, 60, 60), T0, ClockQuality.GnssDisciplined) with { Unit = "ratio" },
        Reading.Instant("sht-1", Quantities.Temperature, -3.25, T0.AddSeconds(1), ClockQuality.NetworkSynced),
        Reading.Instant("sht-1", Quantities.Humidity, 81.4, T0.AddSeconds(1), ClockQuality.NetworkSynced),
        Reading.Instant("wind-1", Quantities.WindDirection, 225, T0.AddSeconds(2), ClockQuality.Unsynchronised, DataFlag.Maintenance),
        Reading.Instant("hj212-MN0001", Quantities.Tsp, 123.456, T0.AddSeconds(2), ClockQuality.Unsynchronised, DataFlag.OverRange),
        Reading.OfWindow("pms-1", Quantities.Pm2_5, new Aggregate(30.0, 33.9, 38.0, 59, 60), T0.AddMinutes(1), ClockQuality.GnssDisciplined, DataFlag.Fault),
    ]);

    public static Batch AlertBatch()
    {
        const string id = "dust-pm10-grade2|pms-1|pm10|1795593600000";
        var raised = new Alert(id, "dust-pm10-grade2", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning, "pms-1", Quantities.Pm10,
            [new AlertValue("mean", 182.4), new AlertValue("threshold", 150)], T0, ClockQuality.GnssDisciplined);
        return new Batch("gw-370102-001", Streams.Alerts, 17,
        [
            raised,
            raised with { Severity = AlertSeverity.Critical, Values = [new AlertValue("mean", 262.75), new AlertValue("threshold", 250)], Timestamp = T0.AddSeconds(90.5) },
            raised with { State = AlertState.Acknowledged, Severity = AlertSeverity.Critical, Values = [], AcknowledgedBy = "button", Timestamp = T0.AddMinutes(12), Clock = ClockQuality.NetworkSynced },
            new Alert("straw|mq2-1+pms-1|smoke+pm2_5|1795595400000", "straw", AlertKind.StrawBurning, AlertState.Raised, AlertSeverity.Critical, "mq2-1+pms-1", "smoke+pm2_5",
                [new AlertValue("smoke_ratio", 2.4), new AlertValue("pm2_5_rise", 80)], T0.AddMinutes(30), ClockQuality.Unsynchronised),
            raised with { State = AlertState.Cleared, Severity = AlertSeverity.Critical, Values = [new AlertValue("mean", 88)], Timestamp = T0.AddHours(1), Clock = ClockQuality.Corrected },
        ]);
    }

    public static GatewayStatus Birth() =>
        new("gw-370102-001", GatewayState.Online, "0.1.0", "cfg-2026-11-20", Guid.Parse("6f1c2a4e-8a1b-4c53-9d7e-2f0b1a3c4d5e"), T0);

    public static GatewayStatus Death() => Birth() with { State = GatewayState.Offline };

    public static Ack Ack() => new("gw-370102-001", Streams.Readings, [new SeqRange(4201, 4208), new SeqRange(4300, 4300)]);

    public static Batch CommandResultBatch() => new("gw-370102-001", Streams.CommandResults, 3,
    [
        new CommandResult("5b0e7c1e9a2f4d3c8e6b1a0f2d4c6e8a", CommandNames.Acknowledge, CommandOutcome.Ok, "acknowledged 1 alert", T0.AddMinutes(14), ClockQuality.GnssDisciplined),
        new CommandResult("9c3d2b1a0f8e4d7c6b5a4f3e2d1c0b9a", CommandNames.TestOutputs, CommandOutcome.Rejected, "this gateway has no alarm outputs", T0.AddMinutes(15), ClockQuality.NetworkSynced),
        new CommandResult("cfg-7", CommandNames.Config, CommandOutcome.Rejected, "dust[0].levels: [] (expected at least one level)", T0.AddMinutes(16), ClockQuality.Unsynchronised),
    ]);

    public static Command AcknowledgeCommand() =>
        new("5b0e7c1e9a2f4d3c8e6b1a0f2d4c6e8a", "gw-370102-001", CommandNames.Acknowledge, T0.AddMinutes(13.5),
            "dust-pm10-grade2|pms-1|pm10|1795593600000", "zhang.wei");

    public static Command SilenceCommand() => new("0d1c2b3a49584766a5b4c3d2e1f00112", "gw-370102-001", CommandNames.Silence, T0.AddMinutes(20));

    public static GatewayConfig Config() => new("gw-370102-001", "cfg-7",
        """{"dust":[{"id":"pm10","quantity":"pm10","levels":[{"severity":"warning","raise":150}],"clear":120}],"straw_burning":[],"sensor_fault":[]}""");

    public static Batch CheckInBatch() => new("gw-370102-001", Streams.CheckIns, 88,
    [
        new CheckIn("ci-20261126-0001", "m-wang-li", "t-0042", "370102001001", 36.6512, 117.1201, 8.5, T0.AddMinutes(-2),
            "东侧工地围挡完好", GeofenceResult.Inside, T0, ClockQuality.GnssDisciplined),
        new CheckIn("ci-20261126-0002", "m-wang-li", "t-0042", "370102001001", 36.6611, 117.1392, 150, T0.AddMinutes(9), null,
            GeofenceResult.Inaccurate, T0.AddMinutes(10), ClockQuality.Unsynchronised),
    ]);

    public static Batch UploadBatch() => new("gw-370102-001", Streams.Uploads, 12,
    [
        new PatrolRecord("pt-20261126-01", "m-wang-li", "t-0042", "370102001001", T0.AddHours(-2), T0.AddMinutes(-5),
            [new TrackPoint(36.6501, 117.1188, T0.AddHours(-2)), new TrackPoint(36.6512, 117.1201, T0.AddMinutes(-30))],
            [new PlaceVisit(PlaceKind.KeyPoint, "kp-001", "村东秸秆堆放点", T0.AddHours(-1)),
             new PlaceVisit(PlaceKind.Enterprise, "ent-37010200017", "济南某建材有限公司", T0.AddMinutes(-40)),
             new PlaceVisit(PlaceKind.Other, null, "west road", T0.AddMinutes(-20))],
            "no burning seen; site fence intact",
            ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"], T0, ClockQuality.NetworkSynced),
        new ProblemReport("pb-20261126-01", "m-wang-li", "t-0042", "370102001001", 36.6533, 117.1250, "north field by the canal",
            ProblemCategory.StrawBurning, "smoke from a burning straw pile, about 20 m2",
            ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"], T0.AddMinutes(1), ClockQuality.NetworkSynced),
    ]);

    public static Batch AttachmentBatch() => new("gw-370102-001", Streams.Attachments, 301,
    [
        new AttachmentChunk("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "image/jpeg", 10, 0, [0xFF, 0xD8, 0xFF, 0xE0, 0, 16], "t-0042", T0, ClockQuality.NetworkSynced),
        new AttachmentChunk("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "image/jpeg", 10, 6, [0x4A, 0x46, 0xFF, 0xD9], "t-0042", T0, ClockQuality.NetworkSynced),
    ]);

    public static GatewayConfig ConfigWithTerminals() => Config() with
    {
        Version = "cfg-8",
        AlertRules = "",
        Terminals = """{"terminals":[{"terminalId":"t-0042","memberId":"m-wang-li","gridCode":"370102001001","tokenSha256":"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"}],"grids":[{"gridCode":"370102001001","name":"东村","boundary":{"type":"Polygon","coordinates":[[[117.11,36.64],[117.13,36.64],[117.13,36.66],[117.11,36.66],[117.11,36.64]]]}}]}""",
    };

    public static IEnumerable<(string Name, IWireMessage Message)> All()
    {
        yield return ("batch-checkins", CheckInBatch());
        yield return ("batch-uploads", UploadBatch());
        yield return ("batch-attachments", AttachmentBatch());
        yield return ("config-terminals", ConfigWithTerminals());
        yield return ("batch-readings", ReadingBatch());
        yield return ("batch-alerts", AlertBatch());
        yield return ("status-birth", Birth());
        yield return ("status-death", Death());
        yield return ("ack", Ack());
        yield return ("batch-cmdres", CommandResultBatch());
        yield return ("command-acknowledge", AcknowledgeCommand());
        yield return ("command-silence", SilenceCommand());
        yield return ("config", Config());
        yield return ("batch-store-v2", ReadingBatch() with { StoreId = StoreId });
        yield return ("ack-store-v2", Ack() with { StoreId = StoreId });
        yield return ("status-birth-store-v2", Birth() with
        {
            StoreId = StoreId,
            GapNotes = [new GapNote(Streams.Readings, 1201, 1450, GapReasons.Evicted), new GapNote(Streams.CheckIns, 7, 7, GapReasons.StoreReplaced)],
        });
    }

    public static readonly Guid StoreId = Guid.Parse("6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b");

    /// <summary>A day-like batch of minute aggregates from a 50-sensor gateway, rounded to 0.1 like the simulator.</summary>
    public static Batch MinuteAggregates(int count, int seed = 7)
    {
        var random = new Random(seed);
        var records = new List<Record>(count);
        var quantities = new[] { Quantities.Pm2_5, Quantities.Pm10, Quantities.Smoke };
        for (var i = 0; i < count; i++)
        {
            var sensor = $"s{i % 50:00}";
            var quantity = quantities[i % 50 % 3];
            var baseValue = quantity == Quantities.Smoke ? 1.0 : quantity == Quantities.Pm10 ? 80 : 45;
            var avg = Math.Round(baseValue * (0.7 + 0.6 * random.NextDouble()), quantity == Quantities.Smoke ? 2 : 1);
            var min = Math.Round(avg * (0.85 + 0.1 * random.NextDouble()), quantity == Quantities.Smoke ? 2 : 1);
            var max = Math.Round(avg * (1.05 + 0.1 * random.NextDouble()), quantity == Quantities.Smoke ? 2 : 1);
            var reading = Reading.OfWindow(sensor, quantity, new Aggregate(min, avg, max, 60, 60), T0.AddMinutes(i / 50), ClockQuality.NetworkSynced);
            records.Add(quantity == Quantities.Smoke ? reading with { Unit = "ratio" } : reading);
        }
        return new Batch("gw-370102-001", Streams.Readings, 1, records);
    }
}
