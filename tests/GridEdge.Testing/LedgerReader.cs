using Microsoft.Data.Sqlite;

namespace GridEdge.Testing;

/// <summary>Reads the server's SQLite ledger file directly (read-only), to check what was stored and how often.</summary>
public sealed class LedgerReader(string path)
{
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public long Count(string gateway, string? sensor = null)
    {
        if (!File.Exists(path)) return 0;
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM readings WHERE gateway = $g" + (sensor is null ? "" : " AND sensor_id = $s");
        cmd.Parameters.AddWithValue("$g", gateway);
        if (sensor is not null) cmd.Parameters.AddWithValue("$s", sensor);
        try { return (long)cmd.ExecuteScalar()!; }
        catch (SqliteException) { return 0; } // not created yet
    }

    /// <summary>Every stored (seq, sensor, value) of one gateway's readings stream.</summary>
    public List<(long Seq, string Sensor, double Value)> Rows(string gateway)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, sensor_id, value FROM readings WHERE gateway = $g AND stream = 'readings' ORDER BY seq";
        cmd.Parameters.AddWithValue("$g", gateway);
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
        cmd.CommandText = "SELECT quantity, unit, value, ts FROM readings WHERE gateway = $g AND sensor_id = $s ORDER BY seq";
        cmd.Parameters.AddWithValue("$g", gateway);
        cmd.Parameters.AddWithValue("$s", sensor);
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
        if (!File.Exists(path)) return [];
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, alert_id, state, received_at FROM alerts WHERE gateway = $g ORDER BY seq";
        cmd.Parameters.AddWithValue("$g", gateway);
        var rows = new List<(long, string, int, long)>();
        try
        {
            using var r = cmd.ExecuteReader();
            while (r.Read()) rows.Add((r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3)));
        }
        catch (SqliteException) { return []; } // not created yet
        return rows;
    }

    /// <summary>The aggregated alert rows of one gateway: alert id, rule, raised at and cleared at (Unix ms).</summary>
    public List<(string AlertId, string Rule, long? RaisedAt, long? ClearedAt)> Alerts(string gateway)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT alert_id, rule_id, raised_at, cleared_at FROM alert_ledger WHERE gateway = $g ORDER BY alert_id";
        cmd.Parameters.AddWithValue("$g", gateway);
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
        cmd.CommandText = "SELECT min(received_at), max(received_at) FROM readings WHERE gateway = $g";
        cmd.Parameters.AddWithValue("$g", gateway);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }
}
