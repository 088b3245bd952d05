using System.Security.Claims;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Users;

/// <summary>
/// Which gateways a caller may see and act on, from the townships the registry gives each gateway. A caller sees a
/// gateway when one of its townships lies in the caller's grid or contains it (a village chief sees its township's
/// alerts and readings), and acts on it (commands, rules, acknowledgements) only when the township lies in its grid.
/// A gateway that serves no township is seen by callers without a grid only. The registry's map is read again after
/// <see cref="CacheFor"/>, so a change made on another node is in force within that time.
/// </summary>
public sealed class GatewayScope(IGridRegistryStore registry, AccessFailures failures, TimeProvider time)
{
    /// <summary>How long the gateway-to-township map is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(ILookup<string, string> Townships, IReadOnlyList<string> Gateways, DateTimeOffset ReadAt);

    /// <summary>The gateways <paramref name="user"/> sees; null when it sees every gateway.</summary>
    public async ValueTask<IReadOnlyList<string>?> VisibleAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.Grid() is not { } grid) return null;
        var map = await MapAsync(cancellationToken);
        return [.. map.Gateways.Where(g => map.Townships[g].Any(t => Related(t, grid)))];
    }

    /// <summary>Whether the caller sees <paramref name="gateway"/>'s records; a refusal is counted as outside the grid.</summary>
    public async ValueTask<bool> SeesAsync(HttpContext context, string gateway, CancellationToken cancellationToken)
    {
        if (context.User.Grid() is not { } grid) return true;
        return Counted(context, (await MapAsync(cancellationToken)).Townships[gateway].Any(t => Related(t, grid)));
    }

    /// <summary>Whether the caller may act on <paramref name="gateway"/>: one of its townships lies in the caller's grid.</summary>
    public async ValueTask<bool> ActsOnAsync(HttpContext context, string gateway, CancellationToken cancellationToken)
    {
        if (context.User.Grid() is not { } grid) return true;
        return Counted(context, (await MapAsync(cancellationToken)).Townships[gateway].Any(t => GridLevels.IsUnder(t, grid)));
    }

    private bool Counted(HttpContext context, bool allowed)
    {
        if (!allowed) failures.OutsideGrid(context);
        return allowed;
    }

    /// <summary>The township <paramref name="gateway"/> serves (the first by code when several), or null: where its audit entries belong.</summary>
    public async ValueTask<string?> TownshipOfAsync(string gateway, CancellationToken cancellationToken) =>
        (await MapAsync(cancellationToken)).Townships[gateway].Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Forgets the map, after a registry change on this node.</summary>
    public void Invalidate() => _snapshot = null;

    private static bool Related(string township, string grid) => GridLevels.IsUnder(township, grid) || GridLevels.IsUnder(grid, township);

    private async ValueTask<Snapshot> MapAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } s && now - s.ReadAt < CacheFor) return s;
        var pairs = await registry.GatewayTownshipsAsync(cancellationToken);
        var townships = pairs.ToLookup(p => p.Gateway, p => p.Township, StringComparer.Ordinal);
        var fresh = new Snapshot(townships, [.. townships.Select(g => g.Key).Order(StringComparer.Ordinal)], now);
        _snapshot = fresh;
        return fresh;
    }
}
