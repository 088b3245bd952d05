using System.Data.Common;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Problems;

/// <summary>
/// Writes grid ledger rows with plain SQL, the way the grid feature's ingest and registry write them, on either engine
/// (values are positional parameters: $1, $2, …).
/// </summary>
public sealed class GridRows : IDisposable
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private readonly LedgerDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly DbConnection _connection;
    private long _seq;

    /// <summary>Rows in the SQLite ledger at <paramref name="ledgerPath"/>.</summary>
    public GridRows(string ledgerPath) : this(new SqliteLedgerDatabase(ledgerPath), ownsDatabase: true)
    {
    }

    /// <summary>Rows in <paramref name="database"/>, its grid schemas migrated first.</summary>
    public GridRows(LedgerDatabase database, bool ownsDatabase = false)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
        new SchemaMigrator(database, GridLedgers.Schemas, TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync().GetAwaiter().GetResult();
        _connection = database.OpenAsync().GetAwaiter().GetResult();
    }

    /// <summary>A time in China Standard Time.</summary>
    public static DateTimeOffset Cn(int year, int month, int day, int hour = 9, int minute = 0) => new(year, month, day, hour, minute, 0, Cst);

    public void Grid(string code, int level, string name, string? parent) =>
        Execute("INSERT INTO grids (code, level, name, parent) VALUES ($1, $2, $3, $4);", code, level, name, parent);

    public void Member(string id, string grid, bool active = true) =>
        Execute("INSERT INTO members (id, name, grid, active) VALUES ($1, $1, $2, $3);", id, grid, active ? 1 : 0);

    public void KeyPoint(string id, string grid) => Execute("INSERT INTO key_points (id, grid, name) VALUES ($1, $2, $1);", id, grid);

    public void Enterprise(string id, string grid, string cls, double? latitude = null, double? longitude = null) =>
        Execute("INSERT INTO enterprises (id, grid, name, class, latitude, longitude) VALUES ($1, $2, $1, $3, $4, $5);", id, grid, cls, latitude, longitude);

    /// <summary>A check-in at 36.6, 117.0 judged inside its grid's geofence (0) unless told otherwise.</summary>
    public void CheckIn(string grid, string member, DateTimeOffset at, int geofence = 0)
    {
        var seq = ++_seq;
        Execute("""
            INSERT INTO checkins (gateway, seq, record_id, member, terminal, grid, latitude, longitude, accuracy_m, fix_time, geofence, ts, clock, received_at)
            VALUES ('gw-alpha', $1, $2, $3, 't-' || $3, $4, 36.6, 117.0, 5, $5, $6, $5, 1, $5);
            """, seq, "c" + seq, member, grid, at.ToUnixTimeMilliseconds(), geofence);
    }

    /// <summary>
    /// A patrol starting at <paramref name="at"/> visiting the places (kind 0 key point, 1 enterprise) in order: an hour long with
    /// a track point at 36.6, 117.0, a network-synchronised clock and received when it ended.
    /// </summary>
    public long Patrol(string grid, string member, DateTimeOffset at, params (int Kind, string Id)[] places) =>
        Patrol(grid, member, at, 60, true, 1, null, places);

    /// <summary>A patrol with its duration, track (a point at 36.6, 117.0, or none), clock quality and receipt time given.</summary>
    public long Patrol(string grid, string member, DateTimeOffset at, int minutes, bool track, int clock, DateTimeOffset? receivedAt, params (int Kind, string Id)[] places)
    {
        var seq = ++_seq;
        var trackJson = track ? $$"""[{"latitude":36.6,"longitude":117.0,"time":"{{at.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'}}"}]""" : "[]";
        var end = at.AddMinutes(minutes);
        Execute("""
            INSERT INTO patrols (gateway, seq, record_id, member, terminal, grid, started_at, ended_at, track, findings, attachments, ts, clock, received_at)
            VALUES ('gw-alpha', $1, $2, $3, 't-' || $3, $4, $5, $6, $7, '', '[]', $6, $8, $9);
            """, seq, "p" + seq, member, grid, at.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), trackJson, clock,
            (receivedAt ?? end).ToUnixTimeMilliseconds());
        for (var i = 0; i < places.Length; i++)
            Execute("INSERT INTO patrol_places (gateway, seq, idx, grid, kind, place_id, name, at) VALUES ('gw-alpha', $1, $2, $3, $4, $5, $5, $6);",
                seq, i, grid, places[i].Kind, places[i].Id, at.AddMinutes(i).ToUnixTimeMilliseconds());
        return seq;
    }

    /// <summary>A problem as the ingest stores it (state reported, event n = 0), then optionally a current state written directly.</summary>
    public long Problem(string grid, DateTimeOffset reportedAt, string state = "reported", DateTimeOffset? deadline = null, string? assignee = null,
        string? department = null, string? plan = null)
    {
        var seq = ++_seq;
        var id = Convert.ToInt64(Scalar("""
            INSERT INTO problems (gateway, seq, record_id, member, terminal, grid, latitude, longitude, category, description, attachments,
                                  reported_at, clock, received_at, state, assignee, department, deadline, plan, updated_at)
            VALUES ('gw-alpha', $1, $2, 'm1', 't-m1', $3, 36.6, 117.0, 1, '工地扬尘', '[]', $4, 1, $4, $5, $6, $7, $8, $9, $4)
            RETURNING id;
            """, seq, "r" + seq, grid, reportedAt.ToUnixTimeMilliseconds(), state, assignee, department, deadline?.ToUnixTimeMilliseconds(), plan));
        Execute("INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at) VALUES ($1, 0, 'reported', NULL, 'reported', 'm1', $2);",
            id, reportedAt.ToUnixTimeMilliseconds());
        return id;
    }

    /// <summary>A past transition of a problem, as the lifecycle would have recorded it.</summary>
    public void Event(long problem, int n, string action, string from, string to, DateTimeOffset at, string detail = "{}") =>
        Execute("INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at, detail) VALUES ($1, $2, $3, $4, $5, 'chief', $6, $7);",
            problem, n, action, from, to, at.ToUnixTimeMilliseconds(), detail);

    public object? Scalar(string sql, params object?[] values)
    {
        using var command = Command(sql, values);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value is int i ? (long)i : value;
    }

    public void Execute(string sql, params object?[] values)
    {
        using var command = Command(sql, values);
        command.ExecuteNonQuery();
    }

    private DbCommand Command(string sql, object?[] values)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        var postgres = _database.Engine == LedgerEngine.Postgres;
        for (var i = 0; i < values.Length; i++)
        {
            var p = command.CreateParameter();
            // SQLite names them; PostgreSQL takes $n positionally from unnamed parameters.
            if (!postgres) p.ParameterName = "$" + (i + 1);
            p.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }

    public void Dispose()
    {
        _connection.Dispose();
        if (_ownsDatabase) _database.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
