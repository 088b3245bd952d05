using GridEdge.Server.Grid;

namespace GridEdge.Server.Tests.Support;

/// <summary>Grids a test needs in the registry (a user's grid must be there), each with the grids above it; grids already there are left as they are.</summary>
public static class GridChain
{
    public static async Task AddAsync(IGridRegistryStore registry, params string[] grids)
    {
        var missing = new List<GridInput>();
        foreach (var grid in grids)
            for (var code = grid; code is not null; code = GridLevels.Parent(code))
                if (missing.All(g => g.Code != code) && await registry.GetGridAsync(code) is null) missing.Add(new GridInput(code, "grid " + code));
        if (missing.Count == 0) return;
        var imported = await registry.ImportAsync(new GridDocument([.. missing.OrderBy(g => g.Code, StringComparer.Ordinal)]));
        if (imported.Result is null) throw new InvalidOperationException("grids refused: " + string.Join("; ", imported.Errors.Select(e => $"{e.Field} {e.Value}: {e.Expected}")));
    }
}
