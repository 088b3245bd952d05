using Microsoft.Data.Sqlite;

namespace GridEdge.Faults.Rig;

/// <summary>
/// What the server's ledger holds of a fault run, read straight from its SQLite file: check-ins by record id, load
/// readings by value and monitor readings by time, each with the seqs they were stored under.
/// </summary>
public sealed class FaultLedger(string path)
{
    /// <summary>Seqs of every stored check-in of the gateway, by record id (the unique key keeps one row per terminal and record id).</summary>
    public Dictionary<string, List<long>> CheckIns(string gateway) =>
        Group("SELECT record_id, seq FROM checkins WHERE gateway = $g", gateway, r => r.GetString(0));

    /// <summary>Seqs of every stored reading of one sensor, by value (the load source appends each value once).</summary>
    public Dictionary<double, List<long>> ReadingsByValue(string gateway, string sensor) =>
        Group("SELECT value, seq FROM readings WHERE gateway = $g AND stream = 'readings' AND sensor_id = $s", gateway, r => r.GetDouble(0), sensor);

    /// <summary>Seqs of every stored reading of one sensor and quantity, by time (Unix ms; a monitor's frame carries one time).</summary>
    public Dictionary<long, List<long>> ReadingsByTime(string gateway, string sensor, string quantity) =>
        Group("SELECT ts, seq FROM readings WHERE gateway = $g AND stream = 'readings' AND sensor_id = $s AND quantity = $q", gateway, r => r.GetInt64(0), sensor, quantity);

    public long Count(string sql, string gateway)
    {
        if (!File.Exists(path)) return 0;
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$g", gateway);
        try { return (long)cmd.ExecuteScalar()!; }
        catch (SqliteException) { return 0; } // the table is not created yet
    }

    private Dictionary<TKey, List<long>> Group<TKey>(string sql, string gateway, Func<SqliteDataReader, TKey> key, string? sensor = null, string? quantity = null)
        where TKey : notnull
    {
        var rows = new Dictionary<TKey, List<long>>();
        if (!File.Exists(path)) return rows;
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$g", gateway);
        if (sensor is not null) cmd.Parameters.AddWithValue("$s", sensor);
        if (quantity is not null) cmd.Parameters.AddWithValue("$q", quantity);
        try
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var k = key(r);
                if (!rows.TryGetValue(k, out var seqs)) rows[k] = seqs = [];
                seqs.Add(r.GetInt64(1));
            }
        }
        catch (SqliteException) { } // the table is not created yet
        return rows;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
