using System.Security.Claims;
using GridEdge.Server.Users;

namespace GridEdge.Server.Problems;

/// <summary>
/// Who sees a problem: a caller whose grid covers the problem's grid, except a department user (职能部门), who sees only
/// the problems transferred to its department, in any grid of its county, and nothing else of the problem ledger.
/// </summary>
public static class ProblemAccess
{
    /// <summary>Whether the caller sees a problem of <paramref name="grid"/> transferred to <paramref name="department"/>; a refusal is counted (the caller answers 404).</summary>
    public static bool Sees(this AccessFailures failures, HttpContext context, string grid, string? department)
    {
        if (DepartmentOf(context.User) is not { } own) return failures.Covers(context, grid);
        if (department == own && context.User.Covers(grid)) return true;
        failures.OutsideGrid(context);
        return false;
    }

    /// <summary>
    /// The department a caller's problem listings are limited to: its own for a department user (an empty id, which
    /// matches nothing, for one bound to none), null for everyone else.
    /// </summary>
    public static string? DepartmentOf(ClaimsPrincipal user) => user.IsInRole(Roles.Department) ? user.Department() ?? "" : null;
}
