using System.Data.Common;
using System.Globalization;
using GridEdge.Protocol.Records;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Problems;

/// <summary>
/// A problem a gateway's alert opens: no terminal reported it (member and terminal ''), its record id is
/// <c>alert:{gateway}:{alert id}</c> and its seq the negated alerts-stream seq of the raise, so it meets no upload under the
/// ledger's unique keys. <paramref name="AlertJson"/> holds the alert's figures as the problem's detail shows them.
/// </summary>
public sealed record AlertProblem(
    string Gateway, long AlertSeq, string AlertId, string Grid, double Latitude, double Longitude, string? Address, ProblemCategory Category,
    string Description, DateTimeOffset RaisedAt, ClockQuality Clock, long ReceivedAt, string AlertJson, bool Critical)
{
    /// <summary>The record id of a problem an alert opened.</summary>
    public static string RecordId(string gateway, string alertId) => $"alert:{gateway}:{alertId}";

    /// <summary>Who the events of an alert stand in the name of.</summary>
    public static string By(string gateway) => $"gateway:{gateway}";
}

// Problems opened and joined by gateways' alerts, always inside the alert ledger's write transaction.
public sealed partial class ProblemLedger
{
    /// <summary>The source of a problem a member's terminal reported.</summary>
    public const string TerminalSource = "terminal";

    /// <summary>The source of a problem a gateway's alert opened.</summary>
    public const string AlertSource = "alert";

    /// <summary>The problem an alert opened or joined, or null.</summary>
    public static async Task<long?> ProblemOfAlertAsync(DbConnection connection, DbTransaction transaction, string gateway, string alertId, CancellationToken ct) =>
        await ScalarAsync(connection, transaction, "SELECT problem_id FROM problem_alerts WHERE gateway = @gateway AND alert_id = @alert;", ct,
            ("@gateway", gateway), ("@alert", alertId)) is { } id ? Convert.ToInt64(id, CultureInfo.InvariantCulture) : null;

    /// <summary>The open (not closed) problem an alert opened in <paramref name="grid"/> of <paramref name="category"/>, the oldest when several; and its state.</summary>
    public static async Task<(long Id, string State)?> OpenAlertProblemAsync(DbConnection connection, DbTransaction transaction, string grid, ProblemCategory category,
        CancellationToken ct)
    {
        var rows = await ListAsync(connection, transaction, $"""
            SELECT id, state FROM problems WHERE source = '{AlertSource}' AND grid = @grid AND category = @category AND state != '{ProblemStates.Closed}'
            ORDER BY id LIMIT 1;
            """, r => (r.GetInt64(0), r.GetString(1)), ct, ("@grid", grid), ("@category", (int)category));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Stores a problem an alert opened (state reported, event 0 carrying the alert) and links the alert to it; its id.</summary>
    public static async Task<long> AddAlertProblemAsync(DbConnection connection, DbTransaction transaction, AlertProblem p, CancellationToken ct)
    {
        var id = Convert.ToInt64(await ScalarAsync(connection, transaction, $"""
            INSERT INTO problems (gateway, seq, record_id, member, terminal, grid, latitude, longitude, address, category, description, attachments,
                reported_at, clock, received_at, state, updated_at, source, alert_gateway, alert_id, alert, critical)
            VALUES (@gateway, @seq, @record, '', '', @grid, @lat, @lon, @address, @category, @description, '[]', @ts, @clock, @received, 'reported', @received,
                '{AlertSource}', @gateway, @alert, @figures, @critical)
            RETURNING id;
            """, ct, ("@gateway", p.Gateway), ("@seq", -p.AlertSeq), ("@record", AlertProblem.RecordId(p.Gateway, p.AlertId)), ("@grid", p.Grid),
            ("@lat", p.Latitude), ("@lon", p.Longitude), ("@address", p.Address), ("@category", (int)p.Category), ("@description", p.Description),
            ("@ts", p.RaisedAt.ToUnixTimeMilliseconds()), ("@clock", (int)p.Clock), ("@received", p.ReceivedAt), ("@alert", p.AlertId),
            ("@figures", p.AlertJson), ("@critical", p.Critical ? 1 : 0)), CultureInfo.InvariantCulture);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at, detail) VALUES (@id, 0, 'reported', NULL, 'reported', @by, @at, @detail);
            """, ct, ("@id", id), ("@by", AlertProblem.By(p.Gateway)), ("@at", p.RaisedAt.ToUnixTimeMilliseconds()), ("@detail", p.AlertJson));
        await LinkAlertAsync(connection, transaction, p.Gateway, p.AlertId, id, p.RaisedAt, ct);
        return id;
    }

    /// <summary>Links an alert to the problem it opened or joined; false when it is linked already.</summary>
    public static async Task<bool> LinkAlertAsync(DbConnection connection, DbTransaction transaction, string gateway, string alertId, long problemId, DateTimeOffset at,
        CancellationToken ct) =>
        await ExecuteAsync(connection, transaction, """
            INSERT INTO problem_alerts (gateway, alert_id, problem_id, joined_at) VALUES (@gateway, @alert, @id, @at) ON CONFLICT DO NOTHING;
            """, ct, ("@gateway", gateway), ("@alert", alertId), ("@id", problemId), ("@at", at.ToUnixTimeMilliseconds())) == 1;

    /// <summary>Marks a problem critical (a straw-burning alert during a straw-burning ban joined it).</summary>
    public static Task MarkCriticalAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken ct) =>
        ExecuteAsync(connection, transaction, "UPDATE problems SET critical = 1 WHERE id = @id AND critical = 0;", ct, ("@id", id));

    /// <summary>
    /// Records an event that changes nothing of the problem's state (an alert joined it, its alert cleared): from and to are the
    /// state it is in. Its number.
    /// </summary>
    public static async Task<int> RecordNoteAsync(DbConnection connection, DbTransaction transaction, long id, string action, string by, DateTimeOffset at,
        string detailJson, CancellationToken ct) =>
        Convert.ToInt32(await ScalarAsync(connection, transaction, """
            INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at, detail)
            SELECT @id, (SELECT COALESCE(MAX(n), 0) + 1 FROM problem_events WHERE problem_id = @id), @action, state, state, @by, @at, @detail
            FROM problems WHERE id = @id
            RETURNING n;
            """, ct, ("@id", id), ("@action", action), ("@by", by), ("@at", at.ToUnixTimeMilliseconds()), ("@detail", detailJson)), CultureInfo.InvariantCulture);
}
