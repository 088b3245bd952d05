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
}
