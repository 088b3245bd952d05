using System.Globalization;
using GridEdge.Server.Audit;
using GridEdge.Server.Grid;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Alarms;

/// <summary>The body of PUT /api/campaigns/{id}: the kind, the county grid, an optional name, and the first and last day (yyyy-MM-dd, China Standard Time).</summary>
public sealed record CampaignInput(string? Kind, string? County, string? Name, string? From, string? To);

/// <summary>
/// The campaign register over HTTP: a county or city official declares a county's campaign periods (秸秆禁烧期,
/// 重污染天气应急), everyone reads those of their county, and the fire points of a straw-burning ban per village (一把火考核).
/// </summary>
public static class CampaignEndpoints
{
    private const string DayRule = "a day such as 2026-05-20 (yyyy-MM-dd, China Standard Time)";

    public static IEndpointRouteBuilder MapCampaignApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/campaigns", ListAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapPut("/api/campaigns/{id}", SaveAsync).RequireAuthorization(Permissions.ImportGrid);
        app.MapGet("/api/campaigns/{id}/fire-points", FirePointsAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    // A caller sees the campaigns of the counties in its grid, and of the county its grid lies in.
    private static bool Sees(System.Security.Claims.ClaimsPrincipal user, string county) =>
        user.Grid() is not { } grid || GridLevels.IsUnder(county, grid) || GridLevels.IsUnder(grid, county);

    private static async Task<IResult> ListAsync(HttpRequest request, CampaignRegister register, CancellationToken ct)
    {
        if (Unknown(request.Query, "kind") is { } unknown) return unknown;
        var kind = Single(request.Query, "kind", out var error);
        if (error is not null) return error;
        if (kind is not null && !CampaignKinds.All.Contains(kind)) return Bad("kind", kind, string.Join(" or ", CampaignKinds.All));
        var user = request.HttpContext.User;
        return Results.Ok((await register.ListAsync(kind, ct)).Where(c => Sees(user, c.County)).ToList());
    }

    private static async Task<IResult> SaveAsync(string id, HttpRequest request, CampaignRegister register, IGridRegistryStore registry, IAuditLog audit,
        AccessFailures failures, TimeProvider time, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!Protocol.Wire.TerminalIds.IsValid(id)) return Bad("id", id, Protocol.Wire.TerminalIds.Rule);
        var (body, error) = await ReadBodyAsync<CampaignInput>(request, ct);
        if (error is not null) return error;
        if (body!.Kind is null || !CampaignKinds.All.Contains(body.Kind)) return Bad("kind", body.Kind, string.Join(" or ", CampaignKinds.All));
        if (!GridLevels.IsValid(body.County) || GridLevels.Of(body.County!) != GridLevels.County) return Bad("county", body.County, "the 12-digit code of a county grid");
        if (body.Name is { Length: > 128 }) return Bad("name", body.Name, "at most 128 characters");
        if (!DateOnly.TryParseExact(body.From, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)) return Bad("from", body.From, DayRule);
        if (!DateOnly.TryParseExact(body.To, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to)) return Bad("to", body.To, DayRule);
        if (to < from) return Bad("to", body.To, $"a day on or after from ({body.From})");
        if (to.DayNumber - from.DayNumber > 366) return Bad("to", body.To, $"at most 366 days after from ({body.From})");

        var user = request.HttpContext.User;
        var before = await register.GetAsync(id, ct);
        // Another county's campaign, new or old, is as if it did not exist.
        if (!user.Covers(body.County) || (before is not null && !user.Covers(before.County)))
        {
            failures.OutsideGrid(request.HttpContext);
            return NotFound("county", body.County, "a county grid in the registry");
        }
        if (await registry.GetGridAsync(body.County!, ct) is null) return NotFound("county", body.County, "a county grid in the registry");
        var campaign = new Campaign(id, body.Kind, body.County!, string.IsNullOrWhiteSpace(body.Name) ? null : body.Name.Trim(), from, to, time.GetUtcNow());
        await register.SaveAsync(campaign, ct);
        await audit.AppendAsync(AuditEntry.For(user, "campaign.save", "campaign", id, campaign.County, before, campaign), ct);
        return Results.Ok(campaign);
    }

    private static async Task<IResult> FirePointsAsync(string id, HttpRequest request, CampaignRegister register, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!Protocol.Wire.TerminalIds.IsValid(id)) return Bad("id", id, Protocol.Wire.TerminalIds.Rule);
        var campaign = await register.GetAsync(id, ct);
        var user = request.HttpContext.User;
        if (campaign is not null && !Sees(user, campaign.County))
        {
            failures.OutsideGrid(request.HttpContext);
            campaign = null;
        }
        if (campaign is null) return NotFound("id", id, "the id of a campaign of your county");
        return Results.Ok(await register.FirePointsAsync(campaign, user.Covers, ct));
    }
}
