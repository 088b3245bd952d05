using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using GridEdge.Server.Api;
using GridEdge.Server.Audit;
using GridEdge.Server.Calendar;
using GridEdge.Server.Grid;
using GridEdge.Server.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using static GridEdge.Server.Api.QueryParameters;
using static GridEdge.Server.Grid.GridQueryParameters;

namespace GridEdge.Server.Complaints;

/// <summary>The complaint register's HTTP API: receiving a complaint (routed to its village or township) and reading complaints back with their response clock.</summary>
public static class ComplaintEndpoints
{
    public static IEndpointRouteBuilder MapComplaintEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/complaints", ReceiveAsync).RequireAuthorization(Permissions.ActOnProblems);
        app.MapGet("/api/complaints", ListAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/complaints/{id}", GetAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, ComplaintLedger ledger, VillageBoundaries boundaries, IAuditLog audit, AccessFailures failures,
        IOptions<ComplaintOptions> options, TimeProvider time, ILogger<ComplaintLedger> log, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 8 }, ct);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Bad("body", e.Message, "a JSON object with receivedAt, channel, latitude, longitude, address, category, description, contact");
        }
        var (complaint, error) = ComplaintRequest.Parse(body, time.GetUtcNow());
        if (complaint is null) return Results.BadRequest(error);

        var user = request.HttpContext.User;
        var village = complaint.Latitude is { } lat && complaint.Longitude is { } lon ? (await boundaries.RouterAsync(ct)).Route(lat, lon) : null;
        if (village is not null && !user.Covers(village))
        {
            failures.OutsideGrid(request.HttpContext);
            return NotFound("latitude", complaint.Latitude?.ToString(CultureInfo.InvariantCulture), "a place in a village of the caller's grid");
        }
        // Outside every village, or only an address: the township of whoever received it sorts it out.
        var grid = village ?? (user.Grid() is { } own ? GridLevels.TownshipOf(own) : null);
        if (grid is null)
            return Bad("latitude", complaint.Latitude?.ToString(CultureInfo.InvariantCulture),
                "a point inside a village boundary of the registry (the caller has no township to take a complaint outside every village)");

        var received = await ledger.AddAsync(new NewComplaint(complaint.ReceivedAt, complaint.Channel, complaint.Latitude, complaint.Longitude, complaint.Address,
                complaint.Category, complaint.Description, complaint.Contact, grid, user.Name()),
            TimeSpan.FromDays(options.Value.RepeatDays),
            (c, t, r) => audit.AppendAsync(c, t, AuditEntry.For(user, "complaint.receive", "complaint", r.Id.ToString(CultureInfo.InvariantCulture), grid, null,
                new { channel = complaint.Channel, category = complaint.Category, grid }), ct), ct);
        log.LogInformation("Complaint {ComplaintId} by {Channel} received by {By}, routed to {Grid}, repeat of {RepeatOf}",
            received.Id, complaint.Channel, user.Name(), grid, received.RepeatOf);
        return Results.Created($"/api/complaints/{received.Id}", received);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, ComplaintLedger ledger, [FromServices] IWorkCalendar calendar, TimeProvider time, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "grid", "from", "to", "limit", "cursor") is { } unknown) return unknown;
        var grid = GridCode(q, "grid", out var error);
        if (error is not null) return error;
        var (from, to) = TimeRange(q, out error);
        if (error is not null) return error;
        var limit = Limit(q, ComplaintQuery.DefaultLimit, ComplaintQuery.MaxLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, ComplaintQuery.CursorKind, out error);
        if (error is not null) return error;
        var user = request.HttpContext.User;
        // A caller with a grid lists its own subtree; a grid outside it lists nothing, as an empty grid would.
        if (!user.TryNarrow(grid, out grid)) return Results.Ok(new Page<StoredComplaint>([], null));
        var page = await ledger.QueryAsync(new ComplaintQuery(grid, from, to, limit, cursor), ct);
        var now = time.GetUtcNow();
        return Results.Ok(page with { Items = [.. page.Items.Select(c => ForCaller(c, user, calendar, now))] });
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, ComplaintLedger ledger, [FromServices] IWorkCalendar calendar, AccessFailures failures,
        TimeProvider time, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1) return Bad("id", id, "a complaint id (a positive integer)");
        var complaint = await ledger.GetAsync(number, ct);
        var user = request.HttpContext.User;
        if (complaint is not null && !failures.Covers(request.HttpContext, complaint.Grid)) complaint = null;
        return complaint is not null
            ? Results.Ok(ForCaller(complaint, user, calendar, time.GetUtcNow()))
            : NotFound("id", id, "the id of a complaint in the complaint register");
    }

    /// <summary>The complaint with its response clock, its contact only for the roles that call back.</summary>
    private static StoredComplaint ForCaller(StoredComplaint c, ClaimsPrincipal user, IWorkCalendar calendar, DateTimeOffset now)
    {
        var clock = ResponseClock.Of(c, calendar, now);
        return c with { Contact = ComplaintContact.Visible(user.Role()) ? c.Contact : null, DueAt = clock.DueAt, Response = clock.Response };
    }
}
