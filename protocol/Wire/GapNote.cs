namespace GridEdge.Protocol.Wire;

/// <summary>
/// A range of one stream's sequence numbers (in the reporting store's own numbering) that the gateway will never send,
/// and why: one of <see cref="GapReasons"/>.
/// </summary>
public sealed record GapNote(string Stream, long From, long To, string Reason);

/// <summary>Why sequence numbers are missing from a ledger, as gap notes and <c>/gaps</c> name it.</summary>
public static class GapReasons
{
    /// <summary>The gateway dropped the records to make room at a full disk (the oldest readings first).</summary>
    public const string Evicted = "evicted";
    /// <summary>The records were in an outbox that was replaced (a wiped data directory) before they reached the server.</summary>
    public const string StoreReplaced = "store_replaced";

    public static readonly IReadOnlyList<string> All = [Evicted, StoreReplaced];

    public static bool IsKnown(string? reason) => reason is not null && All.Contains(reason, StringComparer.Ordinal);
}
