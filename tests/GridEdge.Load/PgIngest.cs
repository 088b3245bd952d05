using System.Diagnostics;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server;
using GridEdge.Server.Alerts;
using GridEdge.Server.Commands;
using GridEdge.Server.Gateways;
using GridEdge.Server.Ingest;
using GridEdge.Server.Readings;
using GridEdge.Server.Storage;
using GridEdge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace GridEdge.Load;

/// <summary>
/// Server ingest into PostgreSQL: binary batches of minute aggregates from several gateways at once through the real
/// <see cref="IngestPipeline"/> (decode, dedupe, commit, ack), against a raw binary COPY of the same rows into a plain
/// table in the same cluster (fsync on); the same ingest into SQLite for reference.
/// </summary>
internal static class PgIngest
{
    private static readonly string[] Columns =
        ["gateway", "stream", "seq", "sensor_id", "quantity", "unit", "value", "min", "avg", "max", "count", "window_seconds", "flag", "ts", "clock", "received_at"];

    private sealed record Gateway(string Id, Reading[] Readings, byte[][] Payloads)
    {
        public string Topic => Topics.Up(Id, Streams.Readings);
    }

    public static async Task<int> RunAsync(int records, int gatewayCount, int batchSize, Action<string> log)
    {
        var perGateway = Math.Max(batchSize, records / gatewayCount / batchSize * batchSize);
        var readings = MinuteReadings.Aggregates(perGateway);
        var gateways = Enumerable.Range(1, gatewayCount).Select(g =>
        {
            var id = $"gw-370102-{g:000}";
            // Encoded as the edge's uplink sends them: binary, batchSize records each, numbered from 1.
            var payloads = readings.Chunk(batchSize).Select((chunk, i) => WireCodec.Encode(new Batch(id, Streams.Readings, 1 + (long)i * batchSize, chunk), WireFormat.Binary)).ToArray();
            return new Gateway(id, readings, payloads);
        }).ToList();
        var total = perGateway * gatewayCount;
        Console.WriteLine($"pg-ingest: {total:N0} minute aggregates from {gatewayCount} gateways at once, binary batches of {batchSize} " +
                          $"({gateways[0].Payloads.Average(p => p.Length) / batchSize:F1} B per reading); PostgreSQL 15 with fsync on, on {Environment.ProcessorCount} cores");

        await using var cluster = await PostgresCluster.StartAsync(durable: true, log);
        var cpu = new CpuMeter(cluster.Port);
        var plain = await cluster.CreateDatabaseAsync("copy");
        Execute(plain, $"CREATE TABLE readings_copy ({PlainColumns}); CREATE TABLE warm_up ({PlainColumns});");
        Copy(plain, "warm_up", [gateways[0] with { Readings = gateways[0].Readings[..batchSize] }]); // Npgsql's COPY path compiled before the clock starts
        cpu.Take();
        var copy = Copy(plain, "readings_copy", gateways);
        Console.WriteLine($"  binary COPY of the same rows into a plain table (baseline) {copy,10:N0} records/s; {cpu.Take()}");

        var pgConnection = await cluster.CreateDatabaseAsync("ingest");
        Execute(pgConnection, "CHECKPOINT;");
        await using (var pg = new PostgresLedgerDatabase(pgConnection))
        {
            cpu.Take();
            var rate = await IngestAsync(pg, gateways, batchSize);
            Console.WriteLine($"  IngestPipeline into PostgreSQL                           {rate,10:N0} records/s = {rate / copy:F2} x COPY (target >= 0.25); {cpu.Take()}");
        }

        // Where the difference lies: the same COPY into the ledger's own readings table (monthly partition, key, two indexes).
        var keyed = await cluster.CreateDatabaseAsync("keyed");
        await using (var ledger = new PostgresLedgerDatabase(keyed))
        {
            await new SchemaMigrator(ledger, [new ReadingSchema()], TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
            await ledger.WriteAsync((c, t) => ReadingPartitions.EnsureAsync(c, t, [gateways[0].Readings[0].Timestamp.ToUnixTimeMilliseconds()], new(), CancellationToken.None));
        }
        Execute(keyed, "CHECKPOINT;");
        cpu.Take();
        var keyedCopy = Copy(keyed, "readings", gateways);
        Console.WriteLine($"  (binary COPY into the ledger's partitioned readings table with its key and indexes: {keyedCopy:N0} records/s = {keyedCopy / copy:F2} x COPY; {cpu.Take()})");

        using var dir = new TempDirectory("pg-ingest");
        await using (var sqlite = new SqliteLedgerDatabase(dir.File("ledger.db")))
        {
            var rate = await IngestAsync(sqlite, gateways, batchSize);
            Console.WriteLine($"  IngestPipeline into SQLite (reference)                   {rate,10:N0} records/s = {rate / copy:F2} x COPY");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return 0;
    }

    /// <summary>Every gateway's payloads through one pipeline over <paramref name="database"/>, the gateways side by side, each batch awaited as a gateway awaits its ack.</summary>
    private static async Task<double> IngestAsync(LedgerDatabase database, IReadOnlyList<Gateway> gateways, int batchSize)
    {
        await new SchemaMigrator(database, [new ReadingSchema(), new GatewaySchema(), new AlertSchema(), new CommandSchema()], TimeProvider.System,
            NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var time = TimeProvider.System;
        var acks = new EncodedAcks();
        var pipeline = new IngestPipeline(new ReadingStore(database, time),
            new GatewayStore(database, [new StreamTable("readings"), new StreamTable("alerts", Streams.Alerts), new StreamTable("command_results", Streams.CommandResults)], time),
            new AlertStore(database, time), new CommandStore(database, time), acks, new IngestMetrics(), Options.Create(new ServerOptions()), NullLogger<IngestPipeline>.Instance);

        // One untimed batch from another gateway: the code is compiled and the month's partition made before the clock starts.
        await Send(pipeline, new Gateway("gw-warm-up", [], [WireCodec.Encode(new Batch("gw-warm-up", Streams.Readings, 1, gateways[0].Readings[..batchSize]), WireFormat.Binary)]), batchSize);
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(gateways.Select(g => Task.Run(() => Send(pipeline, g, batchSize))));
        var seconds = sw.Elapsed.TotalSeconds;

        var stored = await new ReadingStore(database, time).CountReadingsAsync(new ReadingQuery());
        var expected = gateways.Sum(g => (long)g.Readings.Length) + batchSize;
        if (stored != expected || acks.Count != gateways.Sum(g => g.Payloads.Length) + 1)
            throw new InvalidOperationException($"{database.Engine}: {stored:N0} readings stored and {acks.Count} acks sent, expected {expected:N0} and one ack per batch");
        return (expected - batchSize) / seconds;
    }

    private static async Task Send(IngestPipeline pipeline, Gateway gateway, int batchSize)
    {
        foreach (var payload in gateway.Payloads)
        {
            var outcome = await pipeline.HandleAsync(gateway.Topic, payload);
            if (outcome is not { Status: IngestStatus.Committed, AckSent: true } || outcome.Commit!.New != batchSize)
                throw new InvalidOperationException($"{gateway.Id}: batch not committed and acked whole: {outcome}");
        }
    }

    /// <summary>The readings table's columns without its key, partitions or indexes.</summary>
    private const string PlainColumns = """
        gateway TEXT COLLATE "C" NOT NULL, stream TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL, sensor_id TEXT NOT NULL,
        quantity TEXT NOT NULL, unit TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, min DOUBLE PRECISION, avg DOUBLE PRECISION, max DOUBLE PRECISION,
        count BIGINT, window_seconds BIGINT, flag BIGINT NOT NULL, ts BIGINT NOT NULL, clock BIGINT NOT NULL, received_at BIGINT NOT NULL
        """;

    /// <summary>One binary COPY of every gateway's rows, as the pipeline would store them, into <paramref name="table"/>; records/s.</summary>
    private static double Copy(string connectionString, string table, IReadOnlyList<Gateway> gateways)
    {
        Execute(connectionString, "CHECKPOINT;");
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var receivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rows = 0L;
        var sw = Stopwatch.StartNew();
        using (var importer = connection.BeginBinaryImport($"COPY {table} ({string.Join(", ", Columns)}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var gateway in gateways)
                for (var i = 0; i < gateway.Readings.Length; i++)
                {
                    var r = gateway.Readings[i];
                    importer.StartRow();
                    importer.Write(gateway.Id, NpgsqlDbType.Text);
                    importer.Write(Streams.Readings, NpgsqlDbType.Text);
                    importer.Write(i + 1L, NpgsqlDbType.Bigint);
                    importer.Write(r.SensorId, NpgsqlDbType.Text);
                    importer.Write(r.Quantity, NpgsqlDbType.Text);
                    importer.Write(r.Unit, NpgsqlDbType.Text);
                    importer.Write(r.Value, NpgsqlDbType.Double);
                    WriteOptional(importer, r.Window?.Min);
                    WriteOptional(importer, r.Window?.Avg);
                    WriteOptional(importer, r.Window?.Max);
                    WriteOptional(importer, (long?)r.Window?.Count);
                    WriteOptional(importer, (long?)r.Window?.WindowSeconds);
                    importer.Write((long)r.Flag, NpgsqlDbType.Bigint);
                    importer.Write(r.Timestamp.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
                    importer.Write((long)r.Clock, NpgsqlDbType.Bigint);
                    importer.Write(receivedAt, NpgsqlDbType.Bigint);
                    rows++;
                }
            importer.Complete();
        }
        return rows / sw.Elapsed.TotalSeconds;
    }

    private static void WriteOptional(NpgsqlBinaryImporter importer, double? value)
    {
        if (value is { } v) importer.Write(v, NpgsqlDbType.Double);
        else importer.WriteNull();
    }

    private static void WriteOptional(NpgsqlBinaryImporter importer, long? value)
    {
        if (value is { } v) importer.Write(v, NpgsqlDbType.Bigint);
        else importer.WriteNull();
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>CPU seconds of this process and of the PostgreSQL cluster since the last reading.</summary>
    private sealed class CpuMeter(int port)
    {
        private (double Self, double Postgres) _last = Read(port);

        private static (double, double) Read(int port) => (ProcStats.CpuSeconds(Environment.ProcessId), ProcStats.PostgresCpuSeconds(port));

        public string Take()
        {
            var now = Read(port);
            var (self, postgres) = (now.Item1 - _last.Self, now.Item2 - _last.Postgres);
            _last = now;
            return $"CPU s: this process {self:F1}, PostgreSQL {postgres:F1}";
        }
    }

    /// <summary>Acks encoded as the broker's publisher encodes them, then counted instead of sent.</summary>
    private sealed class EncodedAcks : IAckPublisher
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task PublishAsync(Ack ack, WireFormat format, CancellationToken cancellationToken = default)
        {
            _ = WireCodec.Encode(ack, format);
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }
    }
}
