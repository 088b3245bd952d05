using System.Security.Claims;

namespace GridEdge.Server.Users;

/// <summary>A user as an authenticated caller: name, role and grid as claims, whichever way they signed in.</summary>
public static class UserClaims
{
    public const string GridClaim = "gridedge:grid";
    public const string ApiKeyClaim = "gridedge:api-key";
    public const string SessionClaim = "gridedge:session";
    public const string DepartmentClaim = "gridedge:department";

    public static ClaimsPrincipal Principal(UserRecord user, string authenticationType, string? apiKeyId = null, string? sessionId = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Name),
            new(ClaimTypes.Name, user.Name),
            new(ClaimTypes.Role, user.Role),
        };
        if (user.Grid is not null) claims.Add(new(GridClaim, user.Grid));
        if (user.Department is not null) claims.Add(new(DepartmentClaim, user.Department));
        if (apiKeyId is not null) claims.Add(new(ApiKeyClaim, apiKeyId));
        if (sessionId is not null) claims.Add(new(SessionClaim, sessionId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static string Name(this ClaimsPrincipal user) => user.Identity?.Name ?? "";

    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "";

    public static string? Grid(this ClaimsPrincipal user) => user.FindFirstValue(GridClaim);

    /// <summary>The department a department user is bound to, or null.</summary>
    public static string? Department(this ClaimsPrincipal user) => user.FindFirstValue(DepartmentClaim);

    public static string? Session(this ClaimsPrincipal user) => user.FindFirstValue(SessionClaim);
}
