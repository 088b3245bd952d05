using GridEdge.Server.Alerts;
using GridEdge.Server.Calendar;
using GridEdge.Server.Complaints;
using GridEdge.Server.Compliance;
using GridEdge.Server.Periods;
using GridEdge.Server.Problems;
using GridEdge.Server.Scores;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static GridEdge.Server.Tests.Scores.ScoreScenario;

namespace GridEdge.Server.Tests.Scores;

/// <summary>Scores computed from the ledgers and registers with every deduction traced to its records; the shipped sheets; sheet file errors.</summary>
public sealed class ScoreTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_score_traces_each_deduction_to_the_records_that_caused_it(LedgerEngine engine)
    {
        using var folder = new TempFolder();
        await using var database = await LedgerDatabases.CreateAsync(engine, folder, postgres);
        Ids ids;
        using (var rows = new GridRows(database))
        {
            await new SchemaMigrator(database, [new ComplaintSchema(), new GridEdge.Server.Tasks.TaskSchema(), new ScoreSchema()], TimeProvider.System,
                NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
            ids = Seed(rows);
        }
        var board = Board(database, ScoreSheets.Parse("test-all.json", Sheet));
        var compliance = new ComplianceLedger(database);
        var (scope, _) = await compliance.ResolveGridAsync(T, Ct);
        Assert.True(PeriodRules.Default.TryParse(Quarter, out var quarter));

        var report = await board.ComputeAsync(scope!, quarter, board.Sheets.Get("test-all")!, Ct);

        Assert.Equal(12, report.Weeks.Count);
        Assert.Equal(("2026-W28", "2026-W39"), (report.Weeks[0], report.Weeks[^1]));
        var byGrid = report.Rows.ToDictionary(r => r.Grid);
        Assert.Equal([T, V2, V1], report.Rows.Select(r => r.Grid));
        string[] Traced(string grid, string item, string kind) =>
            [.. byGrid[grid].Items.Single(i => i.Id == item).Rules.Single(r => r.Kind == kind).Records.Select(r => r.Id)];
        string S(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // V1: patrol 20 - 3 weeks x 0.5 (Aug 3, Aug 10, Aug 17 without a counted patrol) = 18.5; cases 10 - 1 (finished late) - 2 (transfer
        //     not accepted) = 7; complaints 5 - 1 = 4; fire 5; grid 5 (drawn); meetings 5 - 2.5 (none of its own, 1 due) = 2.5;
        //     bonus: data in 10 of 12 weeks (no platform points) + training 1 = 1. Total 43 of 50: 86%, good.
        Assert.Equal([$"{V1}/2026-W32", $"{V1}/2026-W33", $"{V1}/2026-W34"], Traced(V1, "patrol", "patrol-week-missed"));
        Assert.Equal([S(ids.LateFinished)], Traced(V1, "cases", "late-case"));
        Assert.Equal([S(ids.Transferred)], Traced(V1, "cases", "joint-enforcement"));
        Assert.Equal([S(ids.Missed)], Traced(V1, "complaints", "missed-complaint"));
        Assert.Equal([S(ids.Training)], Traced(V1, "bonus", "register"));
        Assert.Equal([18.5m, 7m, 4m, 5m, 5m, 2.5m, 1m], byGrid[V1].Items.Select(i => i.Points));
        Assert.Equal((43m, "good", 2), (byGrid[V1].Total, byGrid[V1].Grade, byGrid[V1].Rank));

        // V2: patrol 20; cases 10 - 1 (open past its deadline) = 9; complaints 5; fire 5 - 1 (the fire point in the ban) = 4; grid
        //     5 - 1 (no boundary) = 4; meetings 2.5; bonus: data in every week 4. Total 48.5: 97%, excellent, first of the villages.
        Assert.Equal([S(ids.OpenPastDeadline)], Traced(V2, "cases", "late-case"));
        Assert.Equal([S(ids.FireInBan)], Traced(V2, "fire", "fire-point"));
        Assert.Equal([V2], Traced(V2, "grid", "uncoded-grid"));
        Assert.Empty(Traced(V2, "cases", "joint-enforcement"));
        Assert.Equal([20m, 9m, 5m, 4m, 4m, 2.5m, 4m], byGrid[V2].Items.Select(i => i.Points));
        Assert.Equal((48.5m, "excellent", 1), (byGrid[V2].Total, byGrid[V2].Grade, byGrid[V2].Rank));

        // T, everything beneath it: patrol 20 - 1.5 = 18.5; cases 10 - 2 - 2 = 6; complaints 4; fire 4; grid 4; meetings its own
        //     meeting held, 1 of 1 due: 5; bonus: data in every week (V2) 4 + training 1 = 5. Total 46.5.
        Assert.Equal([S(ids.LateFinished), S(ids.OpenPastDeadline)], Traced(T, "cases", "late-case").Order());
        Assert.Equal([S(ids.Meeting)], Traced(T, "meetings", "register"));
        Assert.Equal([18.5m, 6m, 4m, 4m, 4m, 5m, 5m], byGrid[T].Items.Select(i => i.Points));
        Assert.Equal(46.5m, byGrid[T].Total);
        Assert.Equal([(1, V2), (2, V1)], report.Ranking.Where(r => r.Level == 4).Select(r => (r.Rank, r.Grid)));
        Assert.DoesNotContain(report.Rows.SelectMany(r => r.Items).SelectMany(i => i.Rules).SelectMany(r => r.Records),
            r => r.Type == "problem" && new[] { ids.OnTime, ids.Accepted, ids.FireAfterBan }.Select(S).Contains(r.Id) || r.Type == "complaint" && r.Id == S(ids.MissedBefore));
    }

    [Fact]
    public void The_shipped_sheets_are_003s_hundred_points_and_002s_twelve_village_points()
    {
        var sheets = ScoreSheets.Load(new ScoreOptions().Folder);

        var township = sheets.Get("township-003")!;
        Assert.Equal(100m, township.MaxPoints);
        Assert.Equal([2, 3], township.Levels);
        Assert.Equal(10m + 25m + 65m, township.Items.Where(i => !i.Bonus).Sum(i => i.Max));
        Assert.Contains(township.Items.Single(i => i.Bonus).Rules, r => r is { Kind: "platform-use", Points: 4 });
        Assert.Contains(township.Items.SelectMany(i => i.Rules), r => r is { Kind: "late-case", Points: -1 });
        Assert.Contains(township.Items.SelectMany(i => i.Rules), r => r is { Kind: "joint-enforcement", Points: -2 });
        var village = sheets.Get("village-002")!;
        Assert.Equal(12m, village.MaxPoints);
        Assert.Equal([4], village.Levels);
        Assert.Equal("village-002", sheets.ForLevel(4)!.Id);
    }

    [Theory]
    [InlineData("""{"id":"x","name":"n","source":"s","levels":[4],"maxPoints":5,"items":[{"id":"a","name":"a","max":5,"bonus":false,"rules":[{"kind":"late","points":-1}]}]}""",
        "bad.json: items[0].rules[0].kind is 'late': expected late-case")]
    [InlineData("""{"id":"x","name":"n","source":"s","levels":[4],"maxPoints":6,"items":[{"id":"a","name":"a","max":5,"bonus":false,"rules":[]}]}""",
        "bad.json: maxPoints is '6': expected the sum of the deduction items' max (5)")]
    [InlineData("""{"id":"x","name":"n","source":"s","levels":[4],"maxPoints":5,"items":[{"id":"a","name":"a","max":5,"bonus":false,"rules":[{"kind":"late-case","points":1}]}]}""",
        "bad.json: items[0].rules[0].points is '1': expected less than 0 in a deduction item")]
    [InlineData("""{"id":"x","name":"n","source":"s","levels":[7],"maxPoints":5,"items":[]}""", "bad.json: levels[0] is '7'")]
    [InlineData("""{"id":"x","name":"n","source":"s","levels":[4],"maxPoints":5,"itemz":[]}""", "bad.json: itemz: not a score sheet")]
    public async Task A_wrong_sheet_file_stops_the_start_naming_the_file_and_field(string json, string expected)
    {
        using var folder = new TempFolder();
        var sheets = Path.Combine(folder.Path, "sheets");
        Directory.CreateDirectory(sheets);
        File.WriteAllText(Path.Combine(sheets, "bad.json"), json);

        Assert.StartsWith(expected, Assert.Throws<ScoreSheetException>(() => ScoreSheets.Load(sheets)).Message, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Scores:Directory"] = sheets });
        });
        Assert.Contains(error.Failures, f => f.StartsWith("Server:Scores:Directory: " + expected, StringComparison.Ordinal));
    }

    internal static ScoreBoard Board(LedgerDatabase database, params ScoreSheet[] sheets)
    {
        var rule = new AlertResponseOptions().TryParse(out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        var calendar = new WorkCalendar(rule with { Holidays = HolidayCalendar.Load(new CalendarOptions().Folder) });
        return new ScoreBoard(database, new ScoreSheets(sheets), new ComplianceLedger(database), new ProblemLedger(database, TimeProvider.System),
            new ComplaintLedger(database, TimeProvider.System), calendar, new PeriodCalendar(new PeriodOptions()), TimeProvider.System);
    }
}
