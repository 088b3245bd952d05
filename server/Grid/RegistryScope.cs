using System.Security.Claims;
using GridEdge.Server.Users;

namespace GridEdge.Server.Grid;

/// <summary>
/// What a registry change by a caller with a grid may touch: grids, members, key points and enterprises in its own
/// subtree, both where they are now and where the change puts them. Anything else is answered as not found.
/// </summary>
internal static class RegistryScope
{
    public const string Outside = "a grid in the registry";

    /// <summary>Every field of <paramref name="document"/> that reaches outside the caller's grid; empty for a caller without one.</summary>
    public static async Task<IReadOnlyList<FieldError>> OutsideAsync(ClaimsPrincipal user, GridDocument document, IGridRegistryStore store, CancellationToken ct)
    {
        if (!user.IsScoped()) return [];
        var errors = new List<FieldError>();
        void Check(string field, string? grid)
        {
            if (grid is not null && !user.Covers(grid)) errors.Add(new(field, grid, Outside));
        }
        for (var i = 0; i < (document.Grids?.Count ?? 0); i++) Check($"grids[{i}].code", document.Grids![i].Code);
        await CheckAsync(RegistryTable.Members, "members", document.Members?.Select(m => (m.Id, m.Grid)).ToList());
        await CheckAsync(RegistryTable.KeyPoints, "keyPoints", document.KeyPoints?.Select(k => (k.Id, k.Grid)).ToList());
        await CheckAsync(RegistryTable.Enterprises, "enterprises", document.Enterprises?.Select(e => (e.Id, e.Grid)).ToList());
        return errors;

        async Task CheckAsync(RegistryTable table, string name, IReadOnlyList<(string? Id, string? Grid)>? items)
        {
            if (items is null || items.Count == 0) return;
            var current = await store.CurrentGridsAsync(table, [.. items.Where(x => x.Id is not null).Select(x => x.Id!)], ct);
            for (var i = 0; i < items.Count; i++)
            {
                Check($"{name}[{i}].grid", items[i].Grid);
                // An upsert of an existing one may not move it out of another grid either.
                if (items[i].Id is { } id && current.TryGetValue(id, out var now) && !user.Covers(now)) errors.Add(new($"{name}[{i}].id", id, Outside));
            }
        }
    }
}
