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

/// <summary>A gateway's birth or death certificate, retained on its status topic.</summary>
public sealed record GatewayStatus(
    string GatewayId,
    GatewayState State,
    string SoftwareVersion,
    string ConfigVersion,
    Guid BootId,
    DateTimeOffset Timestamp) : IWireMessage;

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
