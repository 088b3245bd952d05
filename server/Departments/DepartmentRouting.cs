using GridEdge.Server.Grid;

namespace GridEdge.Server.Departments;

/// <summary>Which departments serve a grid (those of its county and city) and which one a problem category is routed to.</summary>
public static class DepartmentRouting
{
    /// <summary>The grid and the grids above it: a village's problem goes to its county's departments, then its city's.</summary>
    public static IReadOnlyList<string> ServingGrids(string grid)
    {
        var grids = new List<string>();
        for (string? g = grid; g is not null; g = GridLevels.Parent(g)) grids.Add(g);
        return grids;
    }

    /// <summary>The department of the nearest level up that routes <paramref name="category"/> (the county's before the city's), or null.</summary>
    public static async Task<Department?> RouteAsync(IDepartmentStore store, string grid, string category, CancellationToken cancellationToken)
    {
        var levels = ServingGrids(grid);
        var departments = await store.ListAsync(levels, cancellationToken);
        foreach (var level in levels)
            if (departments.FirstOrDefault(d => d.Grid == level && d.Categories.Contains(category)) is { } found) return found;
        return null;
    }

    /// <summary>Whether <paramref name="department"/> serves problems of <paramref name="grid"/>.</summary>
    public static bool Serves(Department department, string grid) => ServingGrids(grid).Contains(department.Grid);
}
