using System.Text.Json.Serialization;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;

namespace GridEdge.Protocol.Wire;

/// <summary>Anything that travels as one MQTT payload.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Batch), "batch")]
[JsonDerivedType(typeof(GatewayStatus), "status")]
[JsonDerivedType(typeof(Ack), "ack")]
[JsonDerivedType(typeof(Command), "command")]
[JsonDerivedType(typeof(GatewayConfig), "config")]
public interface IWireMessage
{
    string GatewayId { get; }
}

/// <summary>
/// Records of one stream from one gateway with a contiguous sequence range:
/// the first record has <see cref="FirstSeq"/>, the last <see cref="LastSeq"/>.
/// </summary>
/// <param name="StoreId">
/// The outbox that numbered the records (wire version 2); null for a store from before store identities (the legacy
/// store). Sequence numbers count within one store: a new store starting at 1 again is new data, not a redelivery.
/// </param>
public sealed record Batch(
    string GatewayId,
    string Stream,
    long FirstSeq,
    IReadOnlyList<Record> Records,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? StoreId = null) : IWireMessage
{
    [JsonIgnore]
    public long LastSeq => FirstSeq + Records.Count - 1;

    public bool Equals(Batch? other) =>
        other is not null && GatewayId == other.GatewayId && Stream == other.Stream && FirstSeq == other.FirstSeq &&
        StoreId == other.StoreId && Records.SequenceEqual(other.Records);

    public override int GetHashCode() => HashCode.Combine(GatewayId, Stream, FirstSeq, Records.Count);
}

/// <summary>Whether a gateway is connected: birth on connect, death as its last will.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<GatewayState>))]
public enum GatewayState : byte
{
    Offline = 0,
    Online = 1,
}

/// <summary>
/// A gateway's birth or death certificate, retained on its status topic. <see cref="Monitors"/>, when present, is the
/// list of HJ 212 monitors registered on the gateway with their last contact; absent (null) means "unchanged / not reported".
/// <see cref="StoreId"/> names the gateway's outbox (wire version 2; null: the legacy store), <see cref="GapNotes"/> the
/// ranges the gateway knows it will never send, with the reason (null or empty: none to report).
/// </summary>
public sealed record GatewayStatus(
    string GatewayId,
    GatewayState State,
    string SoftwareVersion,
    string ConfigVersion,
    Guid BootId,
    DateTimeOffset Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MonitorStatus>? Monitors = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? StoreId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GapNote>? GapNotes = null) : IWireMessage
{
    public bool Equals(GatewayStatus? other) =>
        other is not null && GatewayId == other.GatewayId && State == other.State && SoftwareVersion == other.SoftwareVersion &&
        ConfigVersion == other.ConfigVersion && BootId == other.BootId && Timestamp == other.Timestamp && StoreId == other.StoreId &&
        (Monitors is null ? other.Monitors is null : other.Monitors is not null && Monitors.SequenceEqual(other.Monitors)) &&
        (GapNotes is null ? other.GapNotes is null : other.GapNotes is not null && GapNotes.SequenceEqual(other.GapNotes));

    public override int GetHashCode() => HashCode.Combine(GatewayId, State, BootId, Timestamp, Monitors?.Count);
}

/// <summary>
/// An HJ 212 monitor registered on a gateway: its MN, the station it stands at, when it last sent a frame the gateway
/// accepted, and how many of its accepted frames broke the standard in a way the gateway reads anyway (since the gateway started).
/// </summary>
public sealed record MonitorStatus(
    string Mn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Station = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? LastContact = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long ConformanceWarnings = 0);

/// <summary>An inclusive range of sequence numbers.</summary>
public readonly record struct SeqRange(long From, long To)
{
    public long Count => To - From + 1;
    public bool Contains(long seq) => seq >= From && seq <= To;
    public override string ToString() => From == To ? $"{From}" : $"{From}-{To}";
}

/// <summary>
/// The server's acknowledgement: these ranges of this stream are committed to the ledger. <see cref="StoreId"/> repeats
/// the batch's store (ranges in that store's own numbers); a gateway ignores an ack naming another store.
/// </summary>
public sealed record Ack(
    string GatewayId,
    string Stream,
    IReadOnlyList<SeqRange> Ranges,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? StoreId = null) : IWireMessage
{
    public bool Equals(Ack? other) =>
        other is not null && GatewayId == other.GatewayId && Stream == other.Stream && StoreId == other.StoreId && Ranges.SequenceEqual(other.Ranges);

    public override int GetHashCode() => HashCode.Combine(GatewayId, Stream, Ranges.Count);
}

/// <summary>The names of the commands a gateway carries out.</summary>
public static class CommandNames
{
    /// <summary>Acknowledge one active alert (<see cref="Command.AlertId"/>), or every one when no alert id is given; <see cref="Command.By"/> says who.</summary>
    public const string Acknowledge = "acknowledge";
    /// <summary>Silence the buzzer (the light stays).</summary>
    public const string Silence = "silence";
    /// <summary>Run the buzzer, light and relay briefly, then switch everything off.</summary>
    public const string TestOutputs = "test_outputs";
    /// <summary>The name of the result a gateway sends for a <see cref="GatewayConfig"/> (never a command's name).</summary>
    public const string Config = "config";

    public static readonly IReadOnlyList<string> All = [Acknowledge, Silence, TestOutputs];
}

/// <summary>
/// A command from the server to one gateway, on <c>gridedge/v1/{gatewayId}/cmd</c> (QoS 1, not retained). The gateway
/// answers with a <see cref="Records.CommandResult"/> on stream <c>cmdres</c> and carries out an id at most once.
/// </summary>
/// <param name="Id">Unique per command (the server uses a GUID); 1-64 characters.</param>
/// <param name="Name">acknowledge, silence or test_outputs; a string, so a gateway can answer an unknown name with a rejection.</param>
/// <param name="AlertId">acknowledge: the alert (null for every active alert).</param>
/// <param name="By">acknowledge: who acknowledged (1-64 characters).</param>
/// <param name="IssuedAt">When the server issued it.</param>
public sealed record Command(
    string Id,
    string GatewayId,
    string Name,
    DateTimeOffset IssuedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AlertId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? By = null) : IWireMessage;

/// <summary>
/// A gateway's configuration from the server, retained on <c>gridedge/v1/{gatewayId}/config</c>: the alert rules (the
/// JSON document <c>AlertRules</c> reads, as a string) with a version the gateway reports in its status once applied.
/// </summary>
/// <param name="Terminals">
/// The <see cref="TerminalDirectory"/> as JSON (terminals with their token hashes, grid boundaries); null leaves the
/// gateway's directory as it is (a server that only changes rules), an empty directory refuses every terminal.
/// </param>
public sealed record GatewayConfig(
    string GatewayId,
    string Version,
    string AlertRules,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Terminals = null) : IWireMessage;
