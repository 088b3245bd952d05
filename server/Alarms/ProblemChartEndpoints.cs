using System.Globalization;
using GridEdge.Server.Problems;
using GridEdge.Server.Readings;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Alarms;

/// <summary>GET /api/problems/{id}/chart.svg: the chart of the gateway's readings around the alert that opened a problem.</summary>
public static class ProblemChartEndpoints
{
    // Readings of one sensor and quantity over three hours: a reading a minute is 180, a reading every 10 s 1,080.
    private const int MaxPoints = 3 * ReadingQuery.MaxLimit;

    public static IEndpointRouteBuilder MapProblemChartApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/problems/{id}/chart.svg", ChartAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> ChartAsync(string id, HttpRequest request, IProblemLedger problems, IReadingStore readings, AccessFailures failures,
        TimeProvider time, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1) return Bad("id", id, "a problem id (a positive integer)");
        var problem = await problems.GetProblemAsync(number, ct);
        if (problem is null || !failures.Covers(request.HttpContext, problem.GridCode)) return NotFound("id", id, "the id of a problem in the problem ledger");
        if (AlertFigures.FromJson(problem.Alert) is not { } figures) return NotFound("id", id, "the id of a problem a gateway's alert opened (only those have a chart)");

        var from = figures.At - AlertChart.Before;
        var to = figures.At + AlertChart.After;
        var now = time.GetUtcNow();
        if (to > now && now > figures.At) to = now;
        var points = new List<(DateTimeOffset, double)>();
        // A group rule's sensor is "a+b": the first of its sensors with readings of the quantity is charted.
        foreach (var sensor in figures.Sensor.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string? cursor = null;
            do
            {
                var page = await readings.QueryReadingsAsync(new ReadingQuery(figures.Gateway, figures.ChartQuantity, sensor, from, to, ReadingQuery.MaxLimit, cursor), ct);
                points.AddRange(page.Items.Select(r => (r.Timestamp, r.Value)));
                cursor = page.NextCursor;
            } while (cursor is not null && points.Count < MaxPoints);
            if (points.Count > 0) break;
        }
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Text(AlertChart.Render(figures, points, from, to), "image/svg+xml; charset=utf-8");
    }
}
