using System.Globalization;
using System.Text.Json;
using GridEdge.Server.Api;
using GridEdge.Server.Audit;
using GridEdge.Server.Calendar;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Users;
using Microsoft.AspNetCore.Mvc;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Complaints;

/// <summary>What follows a complaint's receipt: the reply to the complainant (答复), the follow-up visit (回访), and the week's figures per township.</summary>
public static class ComplaintStepEndpoints
{
    public static IEndpointRouteBuilder MapComplaintStepEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var step in new[] { ComplaintSteps.Reply, ComplaintSteps.Visit })
            app.MapPost($"/api/complaints/{{id}}/{step}",
                (string id, HttpRequest request, ComplaintLedger ledger, IAuditLog audit, AccessFailures failures, TimeProvider time, ILogger<ComplaintLedger> log,
                    CancellationToken ct) => RecordAsync(step, id, request, ledger, audit, failures, time, log, ct))
                .RequireAuthorization(Permissions.AnswerComplaints);
        app.MapGet("/api/complaints/figures", FiguresAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> RecordAsync(string step, string id, HttpRequest request, ComplaintLedger ledger, IAuditLog audit, AccessFailures failures,
        TimeProvider time, ILogger<ComplaintLedger> log, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1) return Bad("id", id, "a complaint id (a positive integer)");
        var complaint = await ledger.GetAsync(number, ct);
        if (complaint is null || !failures.Covers(request.HttpContext, complaint.Grid)) return NotFound("id", id, "the id of a complaint in the complaint register");
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 8 }, ct);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Bad("body", e.Message, "a JSON object with " + string.Join(", ", ComplaintStepRequest.Fields(step)));
        }
        var user = request.HttpContext.User;
        var (parsed, error) = ComplaintStepRequest.Parse(step, body, complaint.ReceivedAt, time.GetUtcNow(), user.Name());
        if (parsed is null) return Results.BadRequest(error);

        // The audit entry is written in the step's transaction: a step is never without its entry.
        var outcome = await ledger.AddStepAsync(number, parsed, (c, t, recorded) => audit.AppendAsync(c, t,
            AuditEntry.For(user, "complaint." + step, "complaint", id, complaint.Grid, null, recorded), ct), ct);
        switch (outcome)
        {
            case StepOutcome.Done done:
                log.LogInformation("Complaint {ComplaintId} {Step} recorded by {By} ({Method}{Satisfaction})", number, step, parsed.By, parsed.Method, parsed.Satisfaction);
                return Results.Created($"/api/complaints/{number}", done.Step);
            case StepOutcome.Refused refused:
                log.LogInformation("Complaint {ComplaintId} {Step} by {By} refused: {Reason}", number, step, parsed.By, refused.Message);
                return Results.Json(new ApiError(refused.Message, "step", step, refused.Expected.Replace("{id}", id, StringComparison.Ordinal)),
                    statusCode: StatusCodes.Status409Conflict);
            default:
                return NotFound("id", id, "the id of a complaint in the complaint register");
        }
    }

    private static async Task<IResult> FiguresAsync(HttpRequest request, ComplaintLedger ledger, IGridRegistryStore registry, [FromServices] IWorkCalendar calendar,
        AccessFailures failures, Periods.PeriodCalendar periods, TimeProvider time, CancellationToken ct)
    {
        var (grid, week, error) = await GridWeekQuery.ParseAsync(request, registry, failures, periods, time, ["grid", "week", "period"], ct);
        if (error is not null) return error;
        var at = time.GetUtcNow();
        var complaints = await ledger.ListReceivedAsync(grid!.Code, week!.From, week.To, ct);
        // A village's figures are its township's row limited to the village.
        var townships = await registry.ListGridsAsync(null, GridLevels.Township, null, -1, ct, under: GridLevels.TownshipOf(grid.Code) ?? grid.Code);
        return Results.Ok(ComplaintFiguresReport.Build(grid, week, at, calendar, townships, complaints));
    }
}
