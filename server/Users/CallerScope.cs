using System.Security.Claims;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Users;

/// <summary>
/// The part of the grid a caller may see: its grid and every grid beneath it, or everything for a user without a grid
/// (administrators, city-wide roles). Anything outside answers as if it did not exist.
/// </summary>
public static class CallerScope
{
    /// <summary>Whether <paramref name="user"/> sees records of <paramref name="grid"/> (a grid code of any level).</summary>
    public static bool Covers(this ClaimsPrincipal user, string? grid) =>
        user.Grid() is not { } scope || (grid is not null && GridLevels.IsValid(grid) && GridLevels.IsUnder(grid, scope));

    /// <summary>Whether the caller is limited to a grid subtree.</summary>
    public static bool IsScoped(this ClaimsPrincipal user) => user.Grid() is not null;

    /// <summary>
    /// The grid filter a listing runs with: the <paramref name="requested"/> grid when it lies in the caller's subtree, the
    /// caller's own grid when none was asked for or a wider one was, and false when the two do not meet.
    /// </summary>
    public static bool TryNarrow(this ClaimsPrincipal user, string? requested, out string? effective)
    {
        effective = requested;
        if (user.Grid() is not { } scope) return true;
        if (requested is null || GridLevels.IsUnder(scope, requested)) { effective = scope; return true; }
        return GridLevels.IsUnder(requested, scope);
    }
}
