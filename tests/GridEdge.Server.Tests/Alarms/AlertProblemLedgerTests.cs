using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Alarms;
using GridEdge.Server.Alerts;
using GridEdge.Server.Complaints;
using GridEdge.Server.Grid;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Alarms;

/// <summary>The problems alerts open, on both engines: opened, joined, redelivered and cleared in the alert ledger's own transaction.</summary>
public sealed class AlertProblemLedgerTests(PostgresFixture postgres)
{
    private const string Town = "370102001000", Village = "370102001001";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_raised_alert_opens_one_problem_a_second_joins_it_a_redelivery_adds_nothing_and_clearing_leaves_it_open(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        await TestLedger.MigrateAsync(db);
        await new SchemaMigrator(db, GridLedgers.Schemas, TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        var registry = new GridRegistryStore(db);
        await GridChain.AddAsync(registry, Village);
        // The township's gateway gw-a; its registered place names the village.
        Assert.Empty((await registry.ImportAsync(new GridDocument([new GridInput(Town, "甲镇", Gateway: "gw-a")]), cancellationToken: Ct)).Errors);
        await new AlarmPlaces(db).SaveAsync(new AlarmPlace("gw-a", "", 36.6, 117.0, Village, "站", DateTimeOffset.UtcNow), Ct);
        var placement = new AlertPlacement(registry, new VillageBoundaries(registry, TimeProvider.System, NullLogger<VillageBoundaries>.Instance));
        var alerts = new AlertStore(db, TimeProvider.System, [new AlertProblems(placement, NullLogger<AlertProblems>.Instance)]);
        var problems = new ProblemLedger(db);

        Batch Raise(long seq, string id) => new("gw-a", Streams.Alerts, seq, [new Alert(id, "dust-pm10", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning, "pms-1",
            Quantities.Pm10, [new AlertValue("mean", 180), new AlertValue("threshold", 150)], DateTimeOffset.UtcNow, ClockQuality.NetworkSynced)]);
        await alerts.CommitAlertsAsync(Raise(1, "d1"), Ct);
        await alerts.CommitAlertsAsync(Raise(2, "d2"), Ct);
        await alerts.CommitAlertsAsync(Raise(1, "d1"), Ct);
        await alerts.CommitAlertsAsync(Raise(2, "d2"), Ct);
        await alerts.CommitAlertsAsync(new Batch("gw-a", Streams.Alerts, 3, [new Alert("d2", "dust-pm10", AlertKind.Dust, AlertState.Cleared, AlertSeverity.Warning,
            "pms-1", Quantities.Pm10, [new AlertValue("mean", 90)], DateTimeOffset.UtcNow, ClockQuality.NetworkSynced)]), Ct);

        var page = await problems.QueryAsync(new ProblemQuery(), Ct);
        var problem = Assert.Single(page.Items);
        Assert.Equal((Village, "alert", "alert:gw-a:d1", -1L, ProblemCategory.Dust), (problem.GridCode, problem.Source, problem.RecordId, problem.Seq, problem.Category));
        var events = (await problems.GetEventsAsync(problem.Id, Ct))!;
        Assert.Equal(["reported", "alert_joined", "alert_cleared"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("reported", e.ToState));
        Assert.Equal("reported", (await problems.GetAsync(problem.Id, Ct))!.State);
    }
}
