using System.Text.Json.Nodes;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Problems;

/// <summary>The problem ledger's lifecycle on both engines.</summary>
public sealed class ProblemLedgerTests(PostgresFixture postgres)
{
    private const string Village = "370102001001";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Concurrent_transitions_from_the_same_state_have_exactly_one_winner(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        long id;
        using (var rows = new GridRows(db)) id = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-1));
        // Two ledgers on the database, as two server nodes would have.
        await using var other = engine == LedgerEngine.Sqlite ? new SqliteLedgerDatabase(((SqliteLedgerDatabase)db).Path) : null;
        var (a, b) = (new ProblemLedger(db), new ProblemLedger(other ?? db));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).ApplyAsync(id,
            new ProblemTransition(ProblemAction.Rectify, $"m{i}", Detail: new JsonObject { ["result"] = "x" }), Ct), Ct)));

        var done = Assert.Single(outcomes.OfType<TransitionOutcome.Done>());
        Assert.Equal(11, outcomes.OfType<TransitionOutcome.Refused>().Count());
        Assert.All(outcomes.OfType<TransitionOutcome.Refused>(), r => Assert.Equal("rectified", r.State));
        var events = (await a.GetEventsAsync(id, Ct))!;
        Assert.Equal(["reported", "rectify"], events.Select(e => e.Action));
        Assert.Equal(done.Problem.Event!.By, events[1].By);
        Assert.Equal("rectified", (await b.GetAsync(id, Ct))!.State);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_problem_goes_through_its_lifecycle_and_an_overdue_deadline_is_listed(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        long id;
        using (var rows = new GridRows(db)) id = rows.Problem(Village, DateTimeOffset.UtcNow.AddDays(-3));
        var ledger = new ProblemLedger(db);
        var past = DateTimeOffset.UtcNow.AddDays(-1);

        var assigned = await ledger.ApplyAsync(id, new ProblemTransition(ProblemAction.Assign, "chief", Assignee: "li", Deadline: past,
            Detail: new JsonObject { ["assignee"] = "li" }), Ct);
        var overdue = await ledger.GetOverdueAsync(DateTimeOffset.UtcNow, "370102", 10, Ct);
        var closeTooEarly = await ledger.ApplyAsync(id, new ProblemTransition(ProblemAction.Close, "chief"), Ct);
        await ledger.ApplyAsync(id, new ProblemTransition(ProblemAction.Rectify, "li"), Ct);
        var rejected = await ledger.ApplyAsync(id, new ProblemTransition(ProblemAction.Verify, "chief", Passed: false), Ct);

        Assert.Equal(("assigned", "li", true), (((TransitionOutcome.Done)assigned).Problem.State, ((TransitionOutcome.Done)assigned).Problem.Assignee,
            ((TransitionOutcome.Done)assigned).Problem.Overdue));
        Assert.Equal([id], overdue.Select(p => p.Id));
        Assert.Empty(await ledger.GetOverdueAsync(DateTimeOffset.UtcNow, "370103", 10, Ct));
        Assert.Equal("assigned", Assert.IsType<TransitionOutcome.Refused>(closeTooEarly).State);
        // A failed verification without a plan goes back to the assignment.
        Assert.Equal(("reject", "assigned", 3), (((TransitionOutcome.Done)rejected).Problem.Event!.Action, ((TransitionOutcome.Done)rejected).Problem.State,
            ((TransitionOutcome.Done)rejected).Problem.Event!.N));
        Assert.IsType<TransitionOutcome.NotFound>(await ledger.ApplyAsync(id + 100, new ProblemTransition(ProblemAction.Rectify, "li"), Ct));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_late_report_back_keeps_its_lateness_and_the_two_closes_of_a_department_problem_close_it_exactly_once(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        long id;
        using (var rows = new GridRows(db)) id = rows.Problem(Village, DateTimeOffset.UtcNow.AddDays(-5));
        var ledger = new ProblemLedger(db);
        await ledger.ApplyAsync(id, new ProblemTransition(ProblemAction.Transfer, "town", Department: "zhujian", Deadline: DateTimeOffset.UtcNow.AddHours(-30)), Ct);
        await ledger.ApplyAsync(id, new ProblemTransition(ProblemAction.Accept, "dep"), Ct);
        var reported = Assert.IsType<TransitionOutcome.Done>(await ledger.ApplyAsync(id, new ProblemTransition(ProblemAction.Report, "dep",
            Detail: new JsonObject { ["result"] = "done" }), Ct));
        await ledger.ApplyAsync(id, new ProblemTransition(ProblemAction.Verify, "chief", Passed: true), Ct);

        var closes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => ledger.ApplyAsync(id,
            new ProblemTransition(ProblemAction.Close, $"c{i}", Part: i % 2 == 0 ? ClosingParts.Township : ClosingParts.Department), Ct), Ct)));

        Assert.InRange(reported.Problem.Handling!.LateHours!.Value, 29.9, 30.1);
        Assert.Equal(2, closes.OfType<TransitionOutcome.Done>().Count());
        Assert.Single(closes.OfType<TransitionOutcome.Done>(), d => d.Problem.State == "closed");
        var closed = (await ledger.GetAsync(id, Ct))!;
        Assert.Equal("closed", closed.State);
        Assert.NotNull(closed.Handling!.TownshipClosedAt);
        Assert.NotNull(closed.Handling.DepartmentClosedAt);
        Assert.InRange(closed.Handling.LateHours!.Value, 29.9, 30.1);
        Assert.Equal(["township", "department"], (await ledger.GetEventsAsync(id, Ct))!.Where(e => e.Action == "close")
            .Select(e => (string)e.Detail!["part"]!).Order(StringComparer.Ordinal).Reverse());
    }
}
