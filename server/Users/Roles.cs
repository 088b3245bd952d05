namespace GridEdge.Server.Users;

/// <summary>The roles a user may hold, from the city down to a village's grid members, with their Chinese names.</summary>
public static class Roles
{
    public const string City = "city";
    public const string County = "county";
    public const string Township = "township";
    public const string VillageChief = "village_chief";
    public const string VillageMember = "village_member";
    public const string Department = "department";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    /// <summary>Every role with its Chinese name, from the widest level down, then the roles beside the levels.</summary>
    public static readonly IReadOnlyList<(string Role, string Chinese)> All =
    [
        (City, "市级"),
        (County, "县（区）级"),
        (Township, "乡镇（街道）级"),
        (VillageChief, "网格长"),
        (VillageMember, "网格员"),
        (Department, "职能部门"),
        (Auditor, "审计（只读）"),
        (Admin, "系统管理员"),
    ];

    /// <summary>What a role field must hold, for error messages.</summary>
    public static string Rule => "one of " + string.Join(", ", All.Select(r => r.Role));

    public static bool IsKnown(string? role) => All.Any(r => r.Role == role);

    /// <summary>The roles bound to one grid (a county, township or village): they cannot be created without one.</summary>
    public static bool NeedsGrid(string role) => role is County or Township or VillageChief or VillageMember;
}
