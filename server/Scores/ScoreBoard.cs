using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridEdge.Server.Calendar;
using GridEdge.Server.Complaints;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Scores;

/// <summary>
/// The assessment scores: computes a sheet's scores of a grid and the grids beneath it for a period from the ledgers and
/// registers, and publishes them (a frozen, signed snapshot that answers from then on, for that grid and those beneath it).
/// </summary>
public sealed class ScoreBoard(LedgerDatabase database, ScoreSheets sheets, ComplianceLedger compliance, IProblemLedger problems, ComplaintLedger complaints,
    IWorkCalendar calendar, PeriodCalendar periods, TimeProvider time)
{
    public ScoreSheets Sheets => sheets;

    /// <summary>The sheet a grid's scores use without <c>sheet=</c>: the one scoring its level (a city: counties).</summary>
    public ScoreSheet? DefaultSheet(int level) => sheets.ForLevel(Math.Max(level, GridLevels.County));

    /// <summary>The scores as computed from the ledgers now.</summary>
    public async Task<ScoreReport> ComputeAsync(GridScope scope, ReportPeriod period, ScoreSheet sheet, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var evidence = await ScoreEvidence.LoadAsync(database, compliance, problems, complaints, calendar, periods.For(scope.Code), scope, period, now, ct);
        var scored = evidence.Grids.Where(g => sheet.Levels.Contains(g.Level)).ToList();
        var (rows, ranking) = ScoreCalculator.Score(sheet, evidence, period, scored);
        return new ScoreReport(scope.Code, scope.Name, scope.Level, sheet.Id, sheet.Name, sheet.Source, period.Kind.ToString().ToLowerInvariant(), period.Label,
            period.From, period.To, now, [.. evidence.Weeks.Select(w => w.Week.Label)], null, ranking, rows);
    }

    /// <summary>The published scores of the grid or the nearest grid above it for the period and sheet, cut to the grid's subtree; null when none was published.</summary>
    public async Task<ScoreReport?> PublishedAsync(GridScope scope, ReportPeriod period, ScoreSheet sheet, CancellationToken ct = default)
    {
        var codes = new List<string>();
        for (var code = scope.Code; GridLevels.IsValid(code); code = GridLevels.Parent(code)!)
        {
            codes.Add(code);
            if (GridLevels.Of(code) == GridLevels.City) break;
        }
        var found = await database.ReadAsync(c => ListAsync(c, null, $"""
            SELECT grid, body, published_by, published_at, sha256 FROM published_scores
            WHERE period = @period AND sheet = @sheet AND grid IN ({string.Join(", ", codes.Select((_, i) => "@g" + i))});
            """, r => (Grid: r.GetString(0), Body: r.GetString(1), By: r.GetString(2), At: Ms(r.GetInt64(3)), Sha: r.GetString(4)), ct,
            [("@period", period.Label), ("@sheet", sheet.Id), .. codes.Select((c, i) => ("@g" + i, (object?)c))]), ct);
        if (found.Count == 0) return null;
        var nearest = found.OrderByDescending(f => GridLevels.Of(f.Grid)).First();
        var report = JsonSerializer.Deserialize<ScoreReport>(nearest.Body, Json)!;
        bool Under(string grid) => GridLevels.IsUnder(grid, scope.Code);
        return report with
        {
            Grid = scope.Code, Name = scope.Name, Level = scope.Level, Published = new Publication(nearest.By, nearest.At, nearest.Sha),
            Rows = [.. report.Rows.Where(r => Under(r.Grid))], Ranking = [.. report.Ranking.Where(r => Under(r.Grid))],
        };
    }

    /// <summary>Publishes the scores as computed now: frozen and signed by <paramref name="by"/>; null when this grid's scores of the period are already published.</summary>
    public async Task<(ScoreReport Report, bool Published)> PublishAsync(GridScope scope, ReportPeriod period, ScoreSheet sheet, string by,
        Func<DbConnection, DbTransaction, Publication, Task> audit, CancellationToken ct = default)
    {
        var report = await ComputeAsync(scope, period, sheet, ct);
        var body = JsonSerializer.Serialize(report, Json);
        var at = time.GetUtcNow();
        var publication = new Publication(by, at, Sign(body, by, at));
        var stored = await database.WriteAsync(async (c, t) =>
        {
            if (await ScalarAsync(c, t, "SELECT 1 FROM published_scores WHERE grid = @grid AND period = @period AND sheet = @sheet;", ct,
                    ("@grid", scope.Code), ("@period", period.Label), ("@sheet", sheet.Id)) is not null) return false;
            await ExecuteAsync(c, t, """
                INSERT INTO published_scores (grid, period, sheet, published_by, published_at, body, sha256) VALUES (@grid, @period, @sheet, @by, @at, @body, @sha);
                """, ct, ("@grid", scope.Code), ("@period", period.Label), ("@sheet", sheet.Id), ("@by", by), ("@at", at.ToUnixTimeMilliseconds()), ("@body", body),
                ("@sha", publication.Sha256));
            await audit(c, t, publication);
            return true;
        }, ct);
        return stored ? (report with { Published = publication }, true) : ((await PublishedAsync(scope, period, sheet, ct))!, false);
    }

    /// <summary>The published scores at or beneath <paramref name="grid"/> (every one without a grid), newest first.</summary>
    public Task<List<PublishedScore>> ListPublishedAsync(string? grid, CancellationToken ct = default)
    {
        var filter = new SqlFilter();
        if (grid is not null) filter.Under("grid", grid);
        return database.ReadAsync(c => ListAsync(c, null,
            $"SELECT grid, period, sheet, published_by, published_at, sha256 FROM published_scores {filter.Where} ORDER BY published_at DESC, grid;",
            r => new PublishedScore(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Ms(r.GetInt64(4)), r.GetString(5)), ct, filter.Parameters()), ct);
    }

    /// <summary>The signature of a published body: SHA-256 (hex) over the body, the publisher's name and the time (ISO 8601).</summary>
    public static string Sign(string body, string by, DateTimeOffset at) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{body}\n{by}\n{ReportPeriod.Format(at)}")));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
