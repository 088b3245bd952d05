using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GridEdge.Server.Users;

namespace GridEdge.Demo;

/// <summary>One user of each role in the demo's grid, each with a generated password and an API key, for data/demo.json.</summary>
internal static class DemoUsers
{
    private const string DemoDepartment = "demo-zhujian";

    private static readonly (string Role, string? Grid)[] People =
    [
        (Roles.City, "370100000000"),
        (Roles.County, "370102000000"),
        (Roles.Township, "370102001000"),
        (Roles.VillageChief, "370102001001"),
        (Roles.VillageMember, "370102001001"),
        (Roles.Department, null),
        (Roles.Auditor, null),
        (Roles.Admin, null),
    ];

    /// <summary>Creates (or, on a ledger that has them, resets) the demo's users; their entries for demo.json: name, role, grid, password, apiKey.</summary>
    public static async Task<JsonArray> CreateAsync(IUserStore users, GridEdge.Server.Departments.IDepartmentStore departments, CancellationToken ct)
    {
        // The department user works for the county's housing and construction bureau (住建), which construction-site dust is routed to.
        await departments.SaveAsync(new GridEdge.Server.Departments.Department(DemoDepartment, "370102000000", "区住房城乡建设局", ["dust", "catering_fumes"]), ct);
        var entries = new JsonArray();
        foreach (var (role, grid) in People)
        {
            var name = "demo-" + role.Replace('_', '-');
            var password = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));
            var created = await users.CreateAsync(new NewUser(name, null, role, grid, password, role == Roles.Department ? DemoDepartment : null), ct);
            if (created.Failure == GridEdge.Server.Grid.RegistryFailure.Conflict) created = await users.ChangeAsync(name, new UserChange(Password: password, Disabled: false, Department: role == Roles.Department ? DemoDepartment : null), ct);
            if (created.User is null) throw new InvalidOperationException($"demo user {name}: {created.Error}");
            var key = await users.CreateApiKeyAsync(name, ct) ?? throw new InvalidOperationException($"no API key for demo user {name}");
            entries.Add(new JsonObject { ["name"] = name, ["role"] = role, ["grid"] = grid, ["password"] = password, ["apiKey"] = key.Key });
        }
        return entries;
    }
}
