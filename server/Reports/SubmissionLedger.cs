using System.Data.Common;
using System.Text.Json;
using GridEdge.Server.Audit;
using GridEdge.Server.Periods;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Reports;

/// <summary>The submitted reports (<c>report_submissions</c>): appended once per grid and period with their audit entry, read back as frozen.</summary>
public sealed class SubmissionLedger(LedgerDatabase database, IAuditLog audit)
{
    private const string Columns = "id, grid, kind, period, period_from, period_to, due_at, submitted_by, submitted_role, submitted_at, late";

    /// <summary>
    /// Stores a submission of <paramref name="grid"/> for <paramref name="period"/> with its snapshot and audit entry in one transaction;
    /// the existing submission instead (nothing written) when the grid has already submitted the period.
    /// </summary>
    public Task<(ReportSubmission Submission, bool Created)> SubmitAsync(string grid, ReportPeriod period, string by, string role, DateTimeOffset at, string snapshot,
        Func<ReportSubmission, AuditEntry> entry, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var late = period.IsLate(at);
            var id = await ScalarAsync(connection, transaction, """
                INSERT INTO report_submissions (grid, kind, period, period_from, period_to, due_at, submitted_by, submitted_role, submitted_at, late, snapshot)
                VALUES (@grid, @kind, @period, @from, @to, @due, @by, @role, @at, @late, @snapshot)
                ON CONFLICT (grid, period) DO NOTHING RETURNING id;
                """, cancellationToken, ("@grid", grid), ("@kind", Kind(period.Kind)), ("@period", period.Label), ("@from", period.From.ToUnixTimeMilliseconds()),
                ("@to", period.To.ToUnixTimeMilliseconds()), ("@due", period.DueAt.ToUnixTimeMilliseconds()), ("@by", by), ("@role", role),
                ("@at", at.ToUnixTimeMilliseconds()), ("@late", late ? 1 : 0), ("@snapshot", snapshot));
            if (id is null)
            {
                var existing = (await ListAsync(connection, transaction, "WHERE grid = @grid AND period = @period", cancellationToken, ("@grid", grid), ("@period", period.Label)))[0];
                return (existing, false);
            }
            var created = new ReportSubmission(Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture), grid, Kind(period.Kind), period.Label, period.From,
                period.To, period.DueAt, by, role, Ms(at.ToUnixTimeMilliseconds()), late);
            await audit.AppendAsync(connection, transaction, entry(created), cancellationToken);
            return (created, true);
        }, cancellationToken);

    /// <summary>One submission with its snapshot exactly as stored, or null.</summary>
    public Task<ReportSubmission?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async c => (await Sql.ListAsync(c, null, $"SELECT {Columns}, snapshot FROM report_submissions WHERE id = @id;",
            r => Read(r) with { Snapshot = Parse(r.GetString(11)) }, cancellationToken, ("@id", id))).FirstOrDefault(), cancellationToken);

    /// <summary>
    /// The submissions of grids at or beneath the grid prefix <paramref name="prefix"/>, of one period when <paramref name="period"/> is
    /// given; newest period first, then by grid.
    /// </summary>
    public Task<List<ReportSubmission>> ListAsync(string prefix, string? period, CancellationToken cancellationToken = default) =>
        database.ReadAsync(c => ListAsync(c, null, "WHERE grid >= @lo AND grid < @hi" + (period is null ? "" : " AND period = @period"), cancellationToken,
            ("@lo", prefix), ("@hi", prefix + ":"), ("@period", period)), cancellationToken);

    /// <summary>The snapshots of one period's submissions at or beneath the grid prefix, by grid.</summary>
    public Task<List<(ReportSubmission Submission, JsonElement Snapshot)>> SnapshotsAsync(string prefix, string period, CancellationToken cancellationToken = default) =>
        database.ReadAsync(c => Sql.ListAsync(c, null, $"""
            SELECT {Columns}, snapshot FROM report_submissions WHERE grid >= @lo AND grid < @hi AND period = @period ORDER BY grid;
            """, r => (Read(r), Parse(r.GetString(11))), cancellationToken, ("@lo", prefix), ("@hi", prefix + ":"), ("@period", period)), cancellationToken);

    /// <summary>The name of a period kind as stored and shown: week, month, quarter, half, year.</summary>
    public static string Kind(PeriodKind kind) => kind.ToString().ToLowerInvariant();

    private static Task<List<ReportSubmission>> ListAsync(DbConnection connection, DbTransaction? transaction, string where, CancellationToken cancellationToken,
        params (string, object?)[] parameters) =>
        Sql.ListAsync(connection, transaction, $"SELECT {Columns} FROM report_submissions {where} ORDER BY period_from DESC, grid, id;", Read, cancellationToken, parameters);

    private static ReportSubmission Read(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Ms(r.GetInt64(4)),
        Ms(r.GetInt64(5)), Ms(r.GetInt64(6)), r.GetString(7), r.GetString(8), Ms(r.GetInt64(9)), r.GetInt32(10) != 0);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
