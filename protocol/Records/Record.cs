using System.Text.Json.Serialization;
using GridEdge.Protocol.Codecs;

namespace GridEdge.Protocol.Records;

/// <summary>How far a record's timestamp can be trusted (a Pi has no real-time clock).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<ClockQuality>))]
public enum ClockQuality : byte
{
    /// <summary>Not synchronised since boot: the time the gateway last saved, plus monotonic time.</summary>
    Unsynchronised = 0,
    /// <summary>Synchronised over the network (NTP, or time calibration from the server).</summary>
    NetworkSynced = 1,
    /// <summary>Disciplined by a GNSS receiver's UTC time.</summary>
    GnssDisciplined = 2,
    /// <summary>
    /// Stamped while unsynchronised, then corrected on the gateway from its monotonic clock once a trustworthy time
    /// source appeared in the same boot. As good as the source, give or take the drift of the monotonic clock.
    /// </summary>
    Corrected = 3,
}

/// <summary>The state of the instrument when a value was taken; the HJ 212-2017 data flags.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DataFlag>))]
public enum DataFlag : byte
{
    /// <summary>N: normal.</summary>
    Normal = 0,
    /// <summary>F: instrument stopped.</summary>
    Stopped = 1,
    /// <summary>M: maintenance.</summary>
    Maintenance = 2,
    /// <summary>S: value set by hand.</summary>
    Manual = 3,
    /// <summary>D: instrument fault.</summary>
    Fault = 4,
    /// <summary>C: calibration.</summary>
    Calibration = 5,
    /// <summary>T: over the instrument's range.</summary>
    OverRange = 6,
    /// <summary>B: communication abnormal.</summary>
    CommunicationError = 7,
    /// <summary>The sensor is still warming up (MQ-2 heater); the value is not yet trustworthy.</summary>
    WarmingUp = 8,
}

/// <summary>A record that travels from a gateway to the ledgers. Every kind carries its time and the clock quality at that moment.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(Reading), RecordKinds.Reading)]
[JsonDerivedType(typeof(Alert), RecordKinds.Alert)]
[JsonDerivedType(typeof(CommandResult), RecordKinds.CommandResult)]
[JsonDerivedType(typeof(CheckIn), RecordKinds.CheckIn)]
[JsonDerivedType(typeof(PatrolRecord), RecordKinds.Patrol)]
[JsonDerivedType(typeof(ProblemReport), RecordKinds.Problem)]
[JsonDerivedType(typeof(AttachmentChunk), RecordKinds.AttachmentChunk)]
[JsonDerivedType(typeof(TaskStep), RecordKinds.TaskStep)]
public abstract record Record(DateTimeOffset Timestamp, ClockQuality Clock);

/// <summary>Names of the record kinds, as they appear on the wire.</summary>
public static class RecordKinds
{
    public const string Reading = "reading";
    public const string Alert = "alert";
    public const string CommandResult = "cmdres";
    public const string CheckIn = "checkin";
    public const string Patrol = "patrol";
    public const string Problem = "problem";
    public const string AttachmentChunk = "attachment";
    public const string TaskStep = "task_step";

    /// <summary>The wire name of a record's kind (the JSON "kind" discriminator).</summary>
    public static string Of(Record record) => record switch
    {
        Records.Reading => Reading,
        Records.Alert => Alert,
        Records.CommandResult => CommandResult,
        Records.CheckIn => CheckIn,
        Records.PatrolRecord => Patrol,
        Records.ProblemReport => Problem,
        Records.AttachmentChunk => AttachmentChunk,
        Records.TaskStep => TaskStep,
        _ => throw new ArgumentException($"{record.GetType().Name} is not a record kind of this protocol", nameof(record)),
    };
}

/// <summary>A window aggregate (e.g. one minute of one-second samples).</summary>
public sealed record Aggregate(double Min, double Avg, double Max, int Count, int WindowSeconds);

/// <summary>One value of one quantity from one sensor: either an instantaneous value or a window aggregate.</summary>
/// <param name="SensorId">The sensor on this gateway (or the monitor's MN for HJ 212 stations).</param>
/// <param name="Quantity">One of <see cref="Quantities"/>.</param>
/// <param name="Unit">One of the units <see cref="Quantities"/> allows for the quantity.</param>
/// <param name="Value">The value; for an aggregate, its average.</param>
/// <param name="Window">The aggregate this value summarises, or null for an instantaneous value.</param>
public sealed record Reading(
    string SensorId,
    string Quantity,
    string Unit,
    double Value,
    Aggregate? Window,
    DataFlag Flag,
    DateTimeOffset Timestamp,
    ClockQuality Clock) : Record(Timestamp, Clock)
{
    public static Reading Instant(string sensorId, string quantity, double value, DateTimeOffset at, ClockQuality clock, DataFlag flag = DataFlag.Normal) =>
        new(sensorId, quantity, Quantities.DefaultUnit(quantity), value, null, flag, at, clock);

    public static Reading OfWindow(string sensorId, string quantity, Aggregate window, DateTimeOffset at, ClockQuality clock, DataFlag flag = DataFlag.Normal) =>
        new(sensorId, quantity, Quantities.DefaultUnit(quantity), window.Avg, window, flag, at, clock);
}
