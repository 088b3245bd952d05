using System.Text.Json.Serialization;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;

namespace GridEdge.Protocol.Wire;

/// <summary>Anything that travels as one MQTT payload.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Batch), "batch")]
[JsonDerivedType(typeof(GatewayStatus), "status")]
[JsonDerivedType(typeof(Ack), "ack")]
public interface IWireMessage
{
    string GatewayId { get; }
}

/// <summary>
/// Records of one stream from one gateway with a contiguous sequence range:
/// the first record has <see cref="FirstSeq"/>, the last <see cref="LastSeq"/>.
/// </summary>
public sealed record Batch(string GatewayId, string Stream, long FirstSeq, IReadOnlyList<Record> Records) : IWireMessage
{
    [JsonIgnore]
    public long LastSeq => FirstSeq + Records.Count - 1;

    public bool Equals(Batch? other) =>
        other is not null && GatewayId == other.GatewayId && Stream == other.Stream && FirstSeq == other.FirstSeq &&
        Records.SequenceEqual(other.Records);

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
/// </summary>
public sealed record GatewayStatus(
    string GatewayId,
    GatewayState State,
    string SoftwareVersion,
    string ConfigVersion,
    Guid BootId,
    DateTimeOffset Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MonitorStatus>? Monitors = null) : IWireMessage
{
    public bool Equals(GatewayStatus? other) =>
        other is not null && GatewayId == other.GatewayId && State == other.State && SoftwareVersion == other.SoftwareVersion &&
        ConfigVersion == other.ConfigVersion && BootId == other.BootId && Timestamp == other.Timestamp &&
        (Monitors is null ? other.Monitors is null : other.Monitors is not null && Monitors.SequenceEqual(other.Monitors));

    public override int GetHashCode() => HashCode.Combine(GatewayId, State, BootId, Timestamp, Monitors?.Count);
}

/// <summary>An HJ 212 monitor registered on a gateway: its MN, the station it stands at, and when it last sent a frame the gateway accepted.</summary>
public sealed record MonitorStatus(
    string Mn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Station = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? LastContact = null);

/// <summary>An inclusive range of sequence numbers.</summary>
public readonly record struct SeqRange(long From, long To)
{
    public long Count => To - From + 1;
    public bool Contains(long seq) => seq >= From && seq <= To;
    public override string ToString() => From == To ? $"{From}" : $"{From}-{To}";
}

/// <summary>The server's acknowledgement: these ranges of this stream are committed to the ledger.</summary>
public sealed record Ack(string GatewayId, string Stream, IReadOnlyList<SeqRange> Ranges) : IWireMessage
{
    public bool Equals(Ack? other) =>
        other is not null && GatewayId == other.GatewayId && Stream == other.Stream && Ranges.SequenceEqual(other.Ranges);

    public override int GetHashCode() => HashCode.Combine(GatewayId, Stream, Ranges.Count);
}
