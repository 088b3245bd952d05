using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridEdge.Testing;

/// <summary>
/// Reads the server's ledger directly, to check what was stored and how often: its SQLite file (read-only), or its
/// PostgreSQL database (<see cref="Postgres"/>).
/// </summary>
public sealed class LedgerReader
{
    private readonly string? _path;
    private readonly string? _postgres;

    /// <summary>The SQLite ledger at <paramref name="path"/>.</summary>
    public LedgerReader(string path) => _path = path;

    private LedgerReader(string? path, string? postgres) => (_path, _postgres) = (path, postgres);

    /// <summary>The ledger in the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    public static LedgerReader Postgres(string connectionString) => new(null, connectionString);

    /// <summary>The ledger a server started with <paramref name="server"/>'s settings writes: its PostgreSQL database when it has one.</summary>
    public static LedgerReader Of(ServerHost server) =>
        server.ExtraArgs.FirstOrDefault(a => a.StartsWith("--Server:Ledger:ConnectionString=", StringComparison.Ordinal)) is { } arg
            ? Postgres(arg["--Server:Ledger:ConnectionString=".Length..])
            : new LedgerReader(server.LedgerPath);

    private bool Exists => _postgres is not null || File.Exists(_path);

    private DbConnection Open()
    {
        DbConnection connection = _postgres is not null
            ? new NpgsqlConnection(_postgres)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    public long Count(string gateway, string? sensor = null)
    {
        if (!Exists) return 0;
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM readings WHERE gateway = @g" + (sensor is null ? "" : " AND sensor_id = @s");
        AddParameter(cmd, "@g", gateway);
        if (sensor is not null) AddParameter(cmd, "@s", sensor);
        try { return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture); }
        catch (DbException) { return 0; } // not created yet
    }

    /// <summary>Every stored (seq, sensor, value) of one gateway's readings stream.</summary>
    public List<(long Seq, string Sensor, double Value)> Rows(string gateway)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, sensor_id, value FROM readings WHERE gateway = @g AND stream = 'readings' ORDER BY seq";
        AddParameter(cmd, "@g", gateway);
        using var r = cmd.ExecuteReader();
        var rows = new List<(long, string, double)>();
        while (r.Read()) rows.Add((r.GetInt64(0), r.GetString(1), r.GetDouble(2)));
        return rows;
    }

    /// <summary>Every stored reading of one sensor: quantity, unit, value (the window's average for an aggregate) and time (Unix ms).</summary>
    public List<(string Quantity, string Unit, double Value, long UnixMs)> Readings(string gateway, string sensor)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT quantity, unit, value, ts FROM readings WHERE gateway = @g AND sensor_id = @s ORDER BY seq";
        AddParameter(cmd, "@g", gateway);
        AddParameter(cmd, "@s", sensor);
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, string, double, long)>();
        while (r.Read()) rows.Add((r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetInt64(3)));
        return rows;
    }

    /// <summary>Waits until the gateway has at least <paramref name="expected"/> readings stored.</summary>
    public async Task WaitForCountAsync(string gateway, long expected, TimeSpan timeout, string? sensor = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        long count = 0;
        while (DateTime.UtcNow < deadline)
        {
            count = Count(gateway, sensor);
            if (count >= expected) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{gateway} has {count} of {expected} readings in the ledger after {timeout}");
    }

    /// <summary>Every stored alert transition of one gateway: seq, alert id, state (0 raised, 1 acknowledged, 2 cleared) and when the server received it (Unix ms).</summary>
    public List<(long Seq, string AlertId, int State, long ReceivedAt)> AlertTransitions(string gateway)
    {
        if (!Exists) return [];
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, alert_id, state, received_at FROM alerts WHERE gateway = @g ORDER BY seq";
        AddParameter(cmd, "@g", gateway);
        var rows = new List<(long, string, int, long)>();
        try
        {
            using var r = cmd.ExecuteReader();
            while (r.Read()) rows.Add((r.GetInt64(0), r.GetString(1), Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(3)));
        }
        catch (DbException) { return []; } // not created yet
        return rows;
    }

    /// <summary>The aggregated alert rows of one gateway: alert id, rule, raised at and cleared at (Unix ms).</summary>
    public List<(string AlertId, string Rule, long? RaisedAt, long? ClearedAt)> Alerts(string gateway)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT alert_id, rule_id, raised_at, cleared_at FROM alert_ledger WHERE gateway = @g ORDER BY alert_id";
        AddParameter(cmd, "@g", gateway);
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, string, long?, long?)>();
        while (r.Read()) rows.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3)));
        return rows;
    }

    /// <summary>When the server received the first and the last reading of one gateway (Unix ms).</summary>
    public (long First, long Last) ReadingsReceived(string gateway)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT min(received_at), max(received_at) FROM readings WHERE gateway = @g";
        AddParameter(cmd, "@g", gateway);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }
}
