using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Alerts;
using GridEdge.Server.Gateways;
using GridEdge.Server.Readings;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Ledgers;

/// <summary>What the gateway ledgers (readings, gateways, alerts, commands) must do, on SQLite and on PostgreSQL alike.</summary>
public sealed partial class LedgerContractTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Same_batch_committed_twice_is_stored_once(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        var batch = Samples.Readings("gw-a", 1, 50);

        var first = await ledger.Readings.CommitBatchAsync(batch, Ct);
        var second = await ledger.Readings.CommitBatchAsync(batch, Ct);

        Assert.Equal(new SeqRange(1, 50), first.Committed);
        Assert.Equal((50, 0), (first.New, first.Duplicates));
        Assert.Equal(new SeqRange(1, 50), second.Committed);
        Assert.Equal((0, 50), (second.New, second.Duplicates));
        Assert.Equal(50, await ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-a"), Ct));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Overlapping_batch_stores_only_its_new_records(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-a", 1, 10), Ct);

        var result = await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-a", 6, 10), Ct);

        Assert.Equal((5, 5), (result.New, result.Duplicates));
        Assert.Equal(new SeqRange(6, 15), result.Committed);
        Assert.Equal(15, await ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-a"), Ct));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_reading_reads_back_as_it_was_sent(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        var at = new DateTimeOffset(2025, 3, 1, 8, 0, 0, 123, TimeSpan.Zero);
        var window = Reading.OfWindow("pms-9", Quantities.Pm10, new Aggregate(1.5, 2.25, 3.75, 60, 60), at, ClockQuality.Unsynchronised, DataFlag.Calibration);
        var instant = Reading.Instant("mq2-1", Quantities.Smoke, 0.42, at.AddSeconds(1), ClockQuality.GnssDisciplined) with { Unit = "ratio" };
        await ledger.Readings.CommitBatchAsync(new Batch("gw-a", Streams.Readings, 7, [window, instant]), Ct);

        var page = await ledger.Readings.QueryReadingsAsync(new ReadingQuery(Gateway: "gw-a"), Ct);

        Assert.Equal(2, page.Items.Count);
        var w = page.Items[0];
        Assert.Equal(("gw-a", "readings", 7L, "pms-9", "pm10", "µg/m³", 2.25), (w.Gateway, w.Stream, w.Seq, w.Sensor, w.Quantity, w.Unit, w.Value));
        Assert.Equal((1.5, 2.25, 3.75, 60, 60), (w.Min!.Value, w.Avg!.Value, w.Max!.Value, w.Count!.Value, w.WindowSeconds!.Value));
        Assert.Equal((DataFlag.Calibration, at, ClockQuality.Unsynchronised), (w.Flag, w.Timestamp, w.Clock));
        var i = page.Items[1];
        Assert.Equal((8L, "mq2-1", "smoke", "ratio", 0.42), (i.Seq, i.Sensor, i.Quantity, i.Unit, i.Value));
        Assert.Null(i.Min);
        Assert.Null(i.Count);
        Assert.Null(page.NextCursor);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Gaps_between_stored_ranges_are_reported(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-a", 3, 5), Ct);   // 3-7
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-a", 10, 1), Ct);  // 10
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-a", 12, 4), Ct);  // 12-15
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-b", 1, 4), Ct);   // another gateway, no gaps

        var gaps = await ledger.Gateways.GetGapsAsync("gw-a", Streams.Readings, Ct);

        Assert.Equal([new LedgerGap(1, 2), new LedgerGap(8, 9), new LedgerGap(11, 11)], gaps);
        Assert.Empty(await ledger.Gateways.GetGapsAsync("gw-b", Streams.Readings, Ct));
        Assert.Empty(await ledger.Gateways.GetGapsAsync("gw-unknown", Streams.Readings, Ct));
        var summary = (await ledger.Gateways.GetGatewaysAsync(Ct)).Single(g => g.Id == "gw-a");
        var readings = Assert.Single(summary.Streams);
        Assert.Equal(new StreamSummary("readings", LastSeq: 15, Stored: 10, Gaps: 3, Missing: 5), readings);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Paging_returns_every_reading_exactly_once_in_time_order(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        // Two gateways with identical timestamps: the cursor must break ties, not skip or repeat.
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-a", 1, 137), Ct);
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-b", 1, 137), Ct);

        var seen = new List<StoredReading>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await ledger.Readings.QueryReadingsAsync(new ReadingQuery(Limit: 25, Cursor: cursor), Ct);
            Assert.True(page.Items.Count <= 25);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null);

        Assert.Equal(274, seen.Count);
        Assert.Equal(11, pages);
        Assert.Equal(274, seen.Select(r => (r.Gateway, r.Seq)).Distinct().Count());
        Assert.Equal(seen.OrderBy(r => r.Timestamp).ThenBy(r => r.Gateway).ThenBy(r => r.Seq).Select(r => (r.Gateway, r.Seq)), seen.Select(r => (r.Gateway, r.Seq)));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Filters_select_by_gateway_quantity_sensor_and_time(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-a", 1, 30, sensor: "pms-1"), Ct);
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-b", 1, 30, sensor: "pms-2"), Ct);

        Assert.Equal(30, await ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-b"), Ct));
        Assert.Equal(20, await ledger.Readings.CountReadingsAsync(new ReadingQuery(Quantity: Quantities.Pm10), Ct)); // seq 3, 6, ... 30 on each
        Assert.Equal(30, await ledger.Readings.CountReadingsAsync(new ReadingQuery(Sensor: "pms-1"), Ct));
        // Minutes 10..19 after T0 are seq 11..20: from inclusive, to exclusive.
        var window = new ReadingQuery(Gateway: "gw-a", From: Samples.T0.AddMinutes(10), To: Samples.T0.AddMinutes(20));
        Assert.Equal(10, await ledger.Readings.CountReadingsAsync(window, Ct));
        var page = await ledger.Readings.QueryReadingsAsync(window with { Limit = 1000 }, Ct);
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), page.Items.Select(r => r.Seq));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Status_and_connection_events_show_in_the_gateway_summary(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        var at = DateTimeOffset.UtcNow;
        await ledger.Gateways.RecordStatusAsync(Samples.Status("gw-a", GatewayState.Online, at), Ct);
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-a", 1, 3), Ct);

        var online = (await ledger.Gateways.GetGatewaysAsync(Ct)).Single(g => g.Id == "gw-a");
        Assert.True(online.Online);
        Assert.Equal(("0.1.0", "cfg-7"), (online.SoftwareVersion, online.ConfigVersion));
        Assert.Equal(Guid.Parse("3f2b8c1e-0000-4000-8000-00000000abcd"), online.BootId);
        Assert.Equal(3, online.Streams.Single().LastSeq);
        Assert.NotNull(online.LastSeen);

        // A will older than the last birth (delivered late) does not turn the gateway offline.
        await ledger.Gateways.RecordStatusAsync(Samples.Status("gw-a", GatewayState.Offline, at.AddMinutes(-1)), Ct);
        Assert.True((await ledger.Gateways.GetGatewaysAsync(Ct)).Single(g => g.Id == "gw-a").Online);

        await ledger.Gateways.MarkOfflineAsync("gw-a", DateTimeOffset.UtcNow, Ct);
        Assert.False((await ledger.Gateways.GetGatewaysAsync(Ct)).Single(g => g.Id == "gw-a").Online);
        await ledger.Gateways.TouchGatewayAsync("gw-a", DateTimeOffset.UtcNow, Ct);
        Assert.True((await ledger.Gateways.GetGatewaysAsync(Ct)).Single(g => g.Id == "gw-a").Online);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_cursor_the_ledger_did_not_issue_is_refused(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.Readings.QueryReadingsAsync(new ReadingQuery(Cursor: "not-a-cursor"), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.Readings.QueryReadingsAsync(new ReadingQuery(Limit: 0), Ct));
    }

    private static Alert Transition(string id, AlertState state, AlertSeverity severity, DateTimeOffset at, string? by = null, double mean = 180) =>
        new(id, "dust-pm10", AlertKind.Dust, state, severity, "pms-1", Quantities.Pm10, [new AlertValue("mean", mean), new AlertValue("threshold", 150)],
            at, ClockQuality.NetworkSynced, by);

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Alert_transitions_are_stored_once_and_folded_into_one_row_per_alert(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        var t0 = Samples.T0;
        var batch = new Batch("gw-a", Streams.Alerts, 1,
        [
            Transition("a1", AlertState.Raised, AlertSeverity.Warning, t0, mean: 160),
            Transition("a1", AlertState.Raised, AlertSeverity.Critical, t0.AddMinutes(2), mean: 260),
            Transition("a1", AlertState.Acknowledged, AlertSeverity.Critical, t0.AddMinutes(25), by: "button"),
            Transition("a2", AlertState.Raised, AlertSeverity.Info, t0.AddMinutes(30)),
        ]);

        var first = await ledger.Alerts.CommitAlertsAsync(batch, Ct);
        var again = await ledger.Alerts.CommitAlertsAsync(batch, Ct);
        var cleared = await ledger.Alerts.CommitAlertsAsync(new Batch("gw-a", Streams.Alerts, 5, [Transition("a1", AlertState.Cleared, AlertSeverity.Critical, t0.AddHours(1), mean: 90)]), Ct);

        Assert.Equal((new SeqRange(1, 4), 4, 0), (first.Committed, first.New, first.Duplicates));
        Assert.Equal((new SeqRange(1, 4), 0, 4), (again.Committed, again.New, again.Duplicates));
        Assert.Equal(1, cleared.New);
        Assert.Equal(5, await ledger.Alerts.CountAlertTransitionsAsync("gw-a", Ct));
        Assert.Equal(0, await ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-a"), Ct));

        var page = await ledger.Alerts.QueryAlertsAsync(new AlertQuery(Gateway: "gw-a"), Ct);
        Assert.Equal(["a2", "a1"], page.Items.Select(a => a.AlertId)); // open first
        var a1 = page.Items[1];
        Assert.Equal((AlertSeverity.Critical, t0, t0.AddMinutes(25), "button", t0.AddHours(1)), (a1.Severity, a1.RaisedAt, a1.AcknowledgedAt, a1.AcknowledgedBy, a1.ClearedAt));
        Assert.Equal(TimeSpan.FromMinutes(25), a1.ResponseTime);
        Assert.Equal([new AlertValue("mean", 260), new AlertValue("threshold", 150)], a1.Values); // the figures of the highest raise
        Assert.Equal(5, a1.LastSeq);
        Assert.False(a1.Open);
        Assert.True(page.Items[0].Open);
        Assert.Null(page.Items[0].ResponseTime);

        var gateway = (await ledger.Gateways.GetGatewaysAsync(Ct)).Single(g => g.Id == "gw-a");
        Assert.Equal(new StreamSummary("alerts", LastSeq: 5, Stored: 5, Gaps: 0, Missing: 0), Assert.Single(gateway.Streams));
        Assert.Empty(await ledger.Gateways.GetGapsAsync("gw-a", Streams.Alerts, Ct));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Alerts_filter_by_state_severity_kind_and_time_and_page_open_first_then_newest(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        var t0 = Samples.T0;
        var records = new List<GridEdge.Protocol.Records.Record>();
        for (var i = 0; i < 25; i++)
        {
            records.Add(Transition($"a{i:00}", AlertState.Raised, i % 2 == 0 ? AlertSeverity.Warning : AlertSeverity.Critical, t0.AddMinutes(i)));
            if (i % 3 == 0) records.Add(Transition($"a{i:00}", AlertState.Cleared, AlertSeverity.Warning, t0.AddMinutes(i + 10)));
        }
        await ledger.Alerts.CommitAlertsAsync(new Batch("gw-a", Streams.Alerts, 1, records), Ct);
        await ledger.Alerts.CommitAlertsAsync(new Batch("gw-b", Streams.Alerts, 1, [Transition("b1", AlertState.Raised, AlertSeverity.Info, t0) with { AlertKind = AlertKind.SensorFault }]), Ct);

        var all = new List<StoredAlert>();
        string? cursor = null;
        do
        {
            var page = await ledger.Alerts.QueryAlertsAsync(new AlertQuery(Gateway: "gw-a", Limit: 7, Cursor: cursor), Ct);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);

        Assert.Equal(25, all.Select(a => a.AlertId).Distinct().Count());
        Assert.Equal(25, all.Count);
        var open = all.TakeWhile(a => a.Open).ToList();
        Assert.Equal(16, open.Count);
        Assert.All(all.Skip(16), a => Assert.False(a.Open));
        Assert.Equal(open.OrderByDescending(a => a.OpenedAt).Select(a => a.AlertId), open.Select(a => a.AlertId));
        Assert.Equal("a23", open[0].AlertId);

        Assert.Equal(9, (await ledger.Alerts.QueryAlertsAsync(new AlertQuery(Gateway: "gw-a", State: AlertStateFilter.Closed), Ct)).Items.Count);
        Assert.Equal(12, (await ledger.Alerts.QueryAlertsAsync(new AlertQuery(Gateway: "gw-a", Severity: AlertSeverity.Critical), Ct)).Items.Count);
        Assert.Equal(["b1"], (await ledger.Alerts.QueryAlertsAsync(new AlertQuery(Kind: AlertKind.SensorFault), Ct)).Items.Select(a => a.AlertId));
        Assert.Equal(5, (await ledger.Alerts.QueryAlertsAsync(new AlertQuery(Gateway: "gw-a", From: t0.AddMinutes(10), To: t0.AddMinutes(15)), Ct)).Items.Count);
        Assert.Equal(5, (await ledger.Alerts.GetRaisedAlertsAsync("gw-a", t0.AddMinutes(20), null, Ct)).Count);
    }
}
