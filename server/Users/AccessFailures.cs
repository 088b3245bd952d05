using System.Collections.Concurrent;
using GridEdge.Protocol.Diagnostics;

namespace GridEdge.Server.Users;

/// <summary>
/// Refused sign-ins and API keys, counted by reason and logged at most once a minute per reason and address (with how
/// many it stands for); never the password or key itself.
/// </summary>
public sealed class AccessFailures(TimeProvider time, ILogger<AccessFailures> log)
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly LogThrottle _throttle = new(TimeSpan.FromMinutes(1), time);

    /// <summary>Refusals so far by reason.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>A signed-in caller asked for something outside its grid (answered 404, as if it did not exist).</summary>
    public void OutsideGrid(HttpContext context) => Refused(OutsideGridReason, context.User.Name(), context.Connection.RemoteIpAddress?.ToString());

    public const string OutsideGridReason = "outside-grid";

    /// <summary>Whether the caller's grid covers <paramref name="grid"/>; a refusal is counted as outside the grid (the caller answers 404).</summary>
    public bool Covers(HttpContext context, string? grid)
    {
        if (context.User.Covers(grid)) return true;
        OutsideGrid(context);
        return false;
    }

    /// <summary>A signed-in caller whose role lacks the endpoint's permission (answered 403).</summary>
    public const string RoleReason = "role";

    public void Refused(string reason, string? user, string? address)
    {
        _counts.AddOrUpdate(reason, 1, (_, n) => n + 1);
        if (_throttle.ShouldLog(reason + "|" + address, out var count))
            log.LogWarning("Access refused: {Reason} (user {User}) from {Address}; {Count} since the last line", reason, user, address, count);
    }
}
