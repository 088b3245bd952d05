using Microsoft.AspNetCore.Authorization;
using System.Security.Claims;

namespace GridEdge.Server.Users;

/// <summary>
/// What each role may do: one table, one authorization policy per permission (named as the permission). Every endpoint
/// declares one of these with <c>RequireAuthorization</c>; docs/access.md shows the same table.
/// </summary>
// TODO(issue 13): scope to the caller's grid subtree — a user sees and acts on its own grid only; anything outside it
// answers 404 as if it did not exist. The role check here is the first half; the grid check belongs in the stores' queries.
public static class Permissions
{
    /// <summary>Any signed-in user: who am I, sign out, their own API keys.</summary>
    public const string SignedIn = nameof(SignedIn);
    /// <summary>Read the ledgers: readings, alerts, gateways, grids, members, terminals, check-ins, patrols, problems, photos, reports.</summary>
    public const string ReadLedgers = nameof(ReadLedgers);
    /// <summary>Problem transitions in the grid but closing: assign, transfer, plan, rectify, verify; receive a complaint.</summary>
    public const string ActOnProblems = nameof(ActOnProblems);
    /// <summary>Upload a photo of a problem (整改照片, a department's report-back photos).</summary>
    public const string AttachPhotos = nameof(AttachPhotos);
    /// <summary>A department's part of a transfer (移交移送): accept (受理), return (退回), report back (反馈办理结果).</summary>
    public const string HandleTransfers = nameof(HandleTransfers);
    /// <summary>Close (销号) a problem; with a department involved, the township's and the department's parts (双销号).</summary>
    public const string CloseProblems = nameof(CloseProblems);
    /// <summary>Flag a problem as major (重大问题), escalating it to the county at once.</summary>
    public const string FlagMajor = nameof(FlagMajor);
    /// <summary>Reply to a complainant (答复) and record the follow-up visit (回访).</summary>
    public const string AnswerComplaints = nameof(AnswerComplaints);
    /// <summary>Import or create grids (PUT/POST /api/grids).</summary>
    public const string ImportGrid = nameof(ImportGrid);
    /// <summary>Register members, key points and enterprises in a grid.</summary>
    public const string EditRegistry = nameof(EditRegistry);
    /// <summary>Issue and revoke members' terminals.</summary>
    public const string ManageTerminals = nameof(ManageTerminals);
    /// <summary>Send commands to gateways and acknowledge their alerts from the server.</summary>
    public const string SendCommands = nameof(SendCommands);
    /// <summary>Change a gateway's alert rules.</summary>
    public const string ChangeRules = nameof(ChangeRules);
    /// <summary>Create, change and disable users, and manage anyone's API keys.</summary>
    public const string ManageUsers = nameof(ManageUsers);
    /// <summary>Issue, rotate and revoke gateways' broker credentials.</summary>
    public const string ManageGateways = nameof(ManageGateways);
    /// <summary>Submit (审定上报) a township's, county's or city's report of a period, frozen as a snapshot signed by the user.</summary>
    public const string SubmitReports = nameof(SubmitReports);
    /// <summary>Keep the assessment registers: meetings, training and supervision visits with their evidence (server/Scores).</summary>
    public const string KeepRegisters = nameof(KeepRegisters);
    /// <summary>Publish (freeze) a grid's assessment scores for a period (每季度通报公布).</summary>
    public const string PublishScores = nameof(PublishScores);
    /// <summary>Read the audit log.</summary>
    public const string ReadAudit = nameof(ReadAudit);

    private static readonly string[] Everyone = [.. Roles.All.Select(r => r.Role)];
    private static readonly string[] TownshipUp = [Roles.Township, Roles.County, Roles.City, Roles.Admin];

    /// <summary>Each permission and the roles that have it.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Table = new Dictionary<string, IReadOnlyList<string>>
    {
        [SignedIn] = Everyone,
        [ReadLedgers] = Everyone,
        [ActOnProblems] = [Roles.VillageChief, Roles.Township, Roles.County, Roles.City, Roles.Admin],
        [AttachPhotos] = [Roles.VillageChief, Roles.Township, Roles.County, Roles.City, Roles.Department, Roles.Admin],
        [HandleTransfers] = [Roles.Department, Roles.Admin],
        [CloseProblems] = [Roles.Township, Roles.County, Roles.City, Roles.Department, Roles.Admin],
        [FlagMajor] = [Roles.VillageChief, Roles.Township, Roles.County, Roles.City, Roles.Admin],
        [AnswerComplaints] = TownshipUp,
        [ImportGrid] = [Roles.County, Roles.City, Roles.Admin],
        [EditRegistry] = TownshipUp,
        [ManageTerminals] = TownshipUp,
        [SendCommands] = TownshipUp,
        [ChangeRules] = TownshipUp,
        [SubmitReports] = TownshipUp,
        [KeepRegisters] = TownshipUp,
        [PublishScores] = [Roles.County, Roles.City, Roles.Admin],
        [ManageUsers] = [Roles.Admin],
        [ManageGateways] = [Roles.Admin],
        [ReadAudit] = [Roles.Auditor, Roles.Admin],
    };

    /// <summary>The permissions of <paramref name="role"/>, in the table's order.</summary>
    public static IReadOnlyList<string> Of(string role) => [.. Table.Where(p => p.Value.Contains(role)).Select(p => p.Key)];

    /// <summary>Whether <paramref name="user"/> holds <paramref name="permission"/> by its role.</summary>
    public static bool Has(ClaimsPrincipal user, string permission) => Table[permission].Any(user.IsInRole);

    /// <summary>A policy per permission (a signed-in user in one of its roles), and signed-in as the fallback for any endpoint that declares none.</summary>
    public static void AddPolicies(AuthorizationOptions options)
    {
        foreach (var (permission, roles) in Table)
            options.AddPolicy(permission, p => p.RequireAuthenticatedUser().RequireRole(roles));
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
