using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Gateways;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Monitors;

/// <summary>HJ 212 monitors reported in gateway statuses: stored in the ledger and served at /api/gateways/{id}/monitors.</summary>
public sealed class MonitorTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset T0 = Samples.T0;

    private static GatewayStatus Status(DateTimeOffset at, params MonitorStatus[]? monitors) => Samples.Status("gw-a", GatewayState.Online, at) with { Monitors = monitors };

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_status_listing_monitors_replaces_the_list_and_last_contact_never_goes_back(LedgerEngine engine)
    {
        await using var test = await TestLedger.CreateAsync(engine, postgres);
        var ledger = test.Gateways;

        await ledger.RecordStatusAsync(Status(T0, new MonitorStatus("M1", "site 1", T0.AddMinutes(5)), new MonitorStatus("M2")), Ct);
        Assert.Equal(["M1", "M2"], (await ledger.GetMonitorsAsync("gw-a", Ct)).Select(m => m.Mn));

        // A will (or any late status) with an older last contact does not move it back; M2 is no longer registered.
        await ledger.RecordStatusAsync(Status(T0, new MonitorStatus("M1", "site 1b", T0.AddMinutes(1)), new MonitorStatus("M3", null, T0)), Ct);
        var monitors = await ledger.GetMonitorsAsync("gw-a", Ct);
        Assert.Equal(["M1", "M3"], monitors.Select(m => m.Mn));
        Assert.Equal(("site 1b", T0.AddMinutes(5)), (monitors[0].Station, monitors[0].LastContact!.Value));

        // A status without a list (a will, an older gateway) leaves the list alone.
        await ledger.RecordStatusAsync(Status(T0.AddMinutes(9), null), Ct);
        Assert.Equal(2, (await ledger.GetMonitorsAsync("gw-a", Ct)).Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_ledger_made_before_conformance_warnings_gains_the_column_and_keeps_its_monitors()
    {
        using var folder = new TempFolder();
        var path = folder.File("ledger.db");
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync(Ct);
            await using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE monitors (gateway TEXT NOT NULL, mn TEXT NOT NULL, station TEXT, last_contact INTEGER, reported_at INTEGER NOT NULL,
                    listed INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (gateway, mn)) WITHOUT ROWID;
                INSERT INTO monitors (gateway, mn, station, last_contact, reported_at) VALUES ('gw-a', 'M1', 'site 1', NULL, 0);
                """;
            await create.ExecuteNonQueryAsync(Ct);
        }
        await using var database = new SqliteLedgerDatabase(path);
        await TestLedger.MigrateAsync(database);
        await TestLedger.MigrateAsync(database); // a second start finds the ledger current and leaves it
        var ledger = new GatewayStore(database, TestLedger.StreamTables, TimeProvider.System);

        Assert.Equal(("M1", 0L), (await ledger.GetMonitorsAsync("gw-a", Ct)).Select(m => (m.Mn, m.ConformanceWarnings)).Single());
        await ledger.RecordStatusAsync(Status(T0, new MonitorStatus("M1", "site 1", T0, ConformanceWarnings: 3)), Ct);
        Assert.Equal(3, Assert.Single(await ledger.GetMonitorsAsync("gw-a", Ct)).ConformanceWarnings);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_api_lists_a_gateways_monitors_and_refuses_unknown_gateways()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Http();
        await server.Ledger.Gateways.RecordStatusAsync(Status(T0, new MonitorStatus("GE0001", "site 3", T0.AddMinutes(2))), Ct);

        var body = await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-a/monitors", Ct);
        var monitor = body.GetProperty("monitors")[0];
        Assert.Equal("GE0001", monitor.GetProperty("mn").GetString());
        Assert.Equal("site 3", monitor.GetProperty("station").GetString());
        Assert.Equal(T0.AddMinutes(2), monitor.GetProperty("lastContact").GetDateTimeOffset());

        Assert.Equal(0, monitor.GetProperty("conformanceWarnings").GetInt64());

        // The gateway counted frames it read despite the standard (Flag=7 without PNUM/PNO): the next status carries the count.
        await server.Ledger.Gateways.RecordStatusAsync(Status(T0.AddMinutes(3), new MonitorStatus("GE0001", "site 3", T0.AddMinutes(3), ConformanceWarnings: 17)), Ct);
        body = await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-a/monitors", Ct);
        Assert.Equal(17, body.GetProperty("monitors")[0].GetProperty("conformanceWarnings").GetInt64());

        using var unknown = await http.GetAsync("/api/gateways/gw-nobody/monitors", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var bad = await http.GetAsync("/api/gateways/GW%20A/monitors", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
