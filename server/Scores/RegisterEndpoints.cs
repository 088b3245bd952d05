using System.Globalization;
using GridEdge.Server.Audit;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Storage;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Scores;

/// <summary>The body of POST /api/scores/registers/{kind}: the day held, the grid that held it, who attended, the minutes, and optionally the evidence photo's SHA-256.</summary>
public sealed record RegisterInput(string? Date, string? Grid, List<string>? Attendees, string? Minutes, string? PhotoSha256);

/// <summary>The registers of meetings, training and supervision visits over HTTP: entries appended by township officials and above, audited, read by everyone in the grid.</summary>
public static class RegisterEndpoints
{
    private const string DayRule = "a day such as 2026-11-20 (yyyy-MM-dd, China Standard Time), not in the future";

    public static IEndpointRouteBuilder MapRegisterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/scores/registers/{kind}", AddAsync).RequireAuthorization(Permissions.KeepRegisters);
        app.MapGet("/api/scores/registers/{kind}", ListAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> AddAsync(string kind, HttpRequest request, LedgerDatabase database, IGridRegistryStore registry, IAuditLog audit,
        AccessFailures failures, TimeProvider time, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!RegisterKinds.All.Contains(kind)) return Bad("kind", kind, string.Join(", ", RegisterKinds.All));
        var (body, error) = await ReadBodyAsync<RegisterInput>(request, ct);
        if (error is not null) return error;
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.ToOffset(ReportPeriod.ChinaStandardTime).DateTime);
        if (!DateOnly.TryParseExact(body!.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) || date > today)
            return Bad("date", body.Date, DayRule);
        if (!GridLevels.IsValid(body.Grid)) return Bad("grid", body.Grid, ComplianceLedger.GridRule);
        var attendees = (body.Attendees ?? []).Select(a => a?.Trim() ?? "").ToList();
        if (attendees.Count is < 1 or > 500) return Bad("attendees", attendees.Count.ToString(CultureInfo.InvariantCulture), "the names of 1 to 500 attendees");
        if (attendees.FindIndex(a => a.Length is < 1 or > 64) is var bad and >= 0) return Bad($"attendees[{bad}]", attendees[bad], "a name of 1 to 64 characters");
        var minutes = body.Minutes?.Trim();
        if (minutes is not { Length: >= 1 and <= 8000 }) return Bad("minutes", body.Minutes, "the minutes (纪要): 1 to 8000 characters");
        if (body.PhotoSha256 is { } sha && (sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower)))
            return Bad("photoSha256", sha, "the evidence photo's SHA-256 as 64 lower-case hex digits");

        var user = request.HttpContext.User;
        if (!user.Covers(body.Grid))
        {
            failures.OutsideGrid(request.HttpContext);
            return NotFound("grid", body.Grid, "a grid in the registry");
        }
        if (await registry.GetGridAsync(body.Grid!, ct) is null) return NotFound("grid", body.Grid, "a grid in the registry");
        var entry = new RegisterEntry(0, kind, body.Grid!, date, attendees, minutes, body.PhotoSha256, AuditActor.Of(user).Name, now);
        entry = await database.WriteAsync(async (c, t) =>
        {
            var added = await ScoreRegisters.AddAsync(c, t, entry, ct);
            await audit.AppendAsync(c, t, AuditEntry.For(user, "scores.register.add", "score-register", added.Id.ToString(CultureInfo.InvariantCulture), added.Grid,
                null, added), ct);
            return added;
        }, ct);
        return Results.Created($"/api/scores/registers/{kind}?grid={entry.Grid}", entry);
    }

    private static async Task<IResult> ListAsync(string kind, HttpRequest request, ScoreRegisters registers, PeriodCalendar periods, AccessFailures failures,
        TimeProvider time, CancellationToken ct)
    {
        if (Unknown(request.Query, "grid", "period") is { } unknown) return unknown;
        if (kind != "all" && !RegisterKinds.All.Contains(kind)) return Bad("kind", kind, string.Join(", ", RegisterKinds.All) + " or all");
        var grid = Single(request.Query, "grid", out var error);
        var label = Single(request.Query, "period", out var e2);
        if ((error ?? e2) is { } bad) return bad;
        if (grid is not null && !GridLevels.IsValid(grid)) return Bad("grid", grid, ComplianceLedger.GridRule);
        var user = request.HttpContext.User;
        if (!user.TryNarrow(grid, out var effective))
        {
            failures.OutsideGrid(request.HttpContext);
            return Results.Ok(Array.Empty<RegisterEntry>());
        }
        var rules = periods.For(effective);
        ReportPeriod period;
        if (label is null) period = rules.Containing(PeriodKind.Year, time.GetUtcNow());
        else if (!rules.TryParse(label, out period)) return Bad("period", label, ReportPeriod.Rule);
        return Results.Ok(await registers.ListAsync(kind == "all" ? null : kind, effective, period.From, period.To, ct));
    }
}
