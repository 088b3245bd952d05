using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;

namespace GridEdge.Server.Readings;

/// <summary>A reading as stored, with where it came from and when the server received it.</summary>
public sealed record StoredReading(
    string Gateway,
    string Stream,
    long Seq,
    string Sensor,
    string Quantity,
    string Unit,
    double Value,
    double? Min,
    double? Avg,
    double? Max,
    int? Count,
    int? WindowSeconds,
    DataFlag Flag,
    DateTimeOffset Timestamp,
    ClockQuality Clock,
    DateTimeOffset ReceivedAt);

/// <summary>
/// Filters and paging of a readings query. <see cref="From"/> is inclusive, <see cref="To"/> exclusive; <see cref="Descending"/>
/// lists newest first. A cursor continues only a query in the order that issued it. <see cref="Gateways"/>, when
/// given, limits the listing to those gateways (the caller's scope).
/// </summary>
public sealed record ReadingQuery(
    string? Gateway = null,
    string? Quantity = null,
    string? Sensor = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = ReadingQuery.DefaultLimit,
    string? Cursor = null,
    bool Descending = false,
    IReadOnlyList<string>? Gateways = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}

/// <summary>One page of readings; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record ReadingPage(IReadOnlyList<StoredReading> Items, string? NextCursor);

/// <summary>The opaque keyset cursor: the sort key of the last reading of a page and the order of the listing, base64url-encoded.</summary>
public readonly record struct ReadingCursor(long TimestampMs, string Gateway, string Stream, long Seq, bool Descending = false)
{
    // The first field is the cursor's version; "1d" marks a newest-first listing (a "1" cursor, the only kind before, is oldest first).
    private const string Ascending = "1", DescendingMark = "1d";

    public string Encode()
    {
        return CursorText.Encode(string.Create(CultureInfo.InvariantCulture, $"{(Descending ? DescendingMark : Ascending)}|{TimestampMs}|{Gateway}|{Stream}|{Seq}"));
    }

    public static ReadingCursor From(StoredReading r, bool descending = false) => new(r.Timestamp.ToUnixTimeMilliseconds(), r.Gateway, r.Stream, r.Seq, descending);

    public static bool TryDecode(string? cursor, [NotNullWhen(true)] out ReadingCursor? value)
    {
        value = null;
        if (!CursorText.TryDecode(cursor, 512, 5, out var parts) || parts[0] is not (Ascending or DescendingMark)) return false;
        if (!long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ts)) return false;
        if (!GatewayIds.IsValid(parts[2]) || !Streams.IsKnown(parts[3])) return false;
        if (!long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1) return false;
        value = new ReadingCursor(ts, parts[2], parts[3], seq, parts[0] == DescendingMark);
        return true;
    }
}
