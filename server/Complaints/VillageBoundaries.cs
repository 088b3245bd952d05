using System.Text.Json;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Complaints;

/// <summary>
/// The current <see cref="ComplaintRouter"/> over the registry's village boundaries, read again after <see cref="CacheFor"/>
/// so a boundary changed on any node routes within that time.
/// </summary>
public sealed class VillageBoundaries(IGridRegistryStore registry, TimeProvider time, ILogger<VillageBoundaries> log)
{
    /// <summary>How long a router is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private const int Page = 1000;
    private volatile Snapshot? _snapshot;
    private readonly SemaphoreSlim _reading = new(1, 1);

    private sealed record Snapshot(ComplaintRouter Router, DateTimeOffset ReadAt);

    /// <summary>The router as of at most <see cref="CacheFor"/> ago.</summary>
    public async ValueTask<ComplaintRouter> RouterAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } s && time.GetUtcNow() - s.ReadAt < CacheFor) return s.Router;
        await _reading.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_snapshot is { } again && now - again.ReadAt < CacheFor) return again.Router;
            var outlines = new List<VillageOutline>();
            string? after = null;
            while (true)
            {
                var grids = await registry.ListGridsAsync(null, GridLevels.Village, after, Page, cancellationToken);
                foreach (var g in grids)
                {
                    if (g.Boundary is null) continue;
                    using var boundary = JsonDocument.Parse(g.Boundary);
                    if (VillageOutline.Parse(g.Code, boundary.RootElement) is { } outline) outlines.Add(outline);
                    else log.LogWarning("Village {Grid} has a boundary that is no Polygon or MultiPolygon; complaints there go to its township", g.Code);
                }
                if (grids.Count < Page) break;
                after = grids[^1].Code;
            }
            var router = new ComplaintRouter(outlines);
            _snapshot = new Snapshot(router, now);
            return router;
        }
        finally
        {
            _reading.Release();
        }
    }
}
