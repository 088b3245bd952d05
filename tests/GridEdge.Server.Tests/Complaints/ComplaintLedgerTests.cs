using GridEdge.Protocol.Records;
using GridEdge.Server.Complaints;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Complaints;

/// <summary>The complaint register's table on both engines: repeats within the window, arrival from check-ins, listing by grid with a cursor.</summary>
public sealed class ComplaintLedgerTests(PostgresFixture postgres)
{
    private const string Village = "370102001001", Other = "370102001002";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset T0 = GridRows.Cn(2026, 5, 12, 10);

    private static NewComplaint At(DateTimeOffset at, string grid, ProblemCategory category = ProblemCategory.Dust) =>
        new(at, "phone", 36.6, 117.0, null, category, "扬尘", new ComplaintContact("王", "138"), grid, "town-a");

    private static async Task<long?> AddAsync(ComplaintLedger ledger, NewComplaint complaint) =>
        (await ledger.AddAsync(complaint, TimeSpan.FromDays(30), (_, _, _) => Task.CompletedTask, Ct)).RepeatOf;

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Repeat_within_the_window_is_linked_and_arrival_is_the_first_check_in_inside_after_receipt(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        using var rows = new GridRows(db);
        await new SchemaMigrator(db, [new ComplaintSchema(), new GridEdge.Server.Tasks.TaskSchema()], TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        var ledger = new ComplaintLedger(db, TimeProvider.System);

        Assert.Null(await AddAsync(ledger, At(T0, Village)));
        var first = (await ledger.QueryAsync(new ComplaintQuery(Village), Ct)).Items.Single().Id;
        Assert.Equal(first, await AddAsync(ledger, At(T0.AddDays(29), Village)));
        Assert.Null(await AddAsync(ledger, At(T0.AddDays(29), Village, ProblemCategory.Garbage)));
        Assert.Null(await AddAsync(ledger, At(T0.AddDays(29), Other)));
        Assert.Null(await AddAsync(ledger, At(T0.AddDays(70), Village)));

        rows.CheckIn(Village, "m1", T0.AddMinutes(-1));
        rows.CheckIn(Village, "m1", T0.AddMinutes(25));
        rows.CheckIn(Village, "m1", T0.AddMinutes(40));
        rows.Execute("UPDATE checkins SET geofence = 1 WHERE fix_time = $1;", T0.AddMinutes(25).ToUnixTimeMilliseconds());
        var stored = await ledger.GetAsync(first, Ct);
        Assert.Equal(T0.AddMinutes(40), stored!.ArrivedAt);
        Assert.Equal(new ComplaintContact("王", "138"), stored.Contact);
        Assert.Null((await ledger.GetAsync(first + 100, Ct)));

        var page = await ledger.QueryAsync(new ComplaintQuery("370102001000", Limit: 3), Ct);
        Assert.Equal(3, page.Items.Count);
        var rest = await ledger.QueryAsync(new ComplaintQuery("370102001000", Limit: 3, Cursor: page.NextCursor), Ct);
        Assert.Equal(2, rest.Items.Count);
        Assert.Null(rest.NextCursor);
        Assert.Equal(5, page.Items.Concat(rest.Items).Select(c => c.Id).Distinct().Count());
        Assert.Equal(4, (await ledger.QueryAsync(new ComplaintQuery(Village), Ct)).Items.Count);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_visit_waits_for_a_reply_before_it_and_steps_repeats_and_the_latest_satisfaction_read_back(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        using var rows = new GridRows(db);
        await new SchemaMigrator(db, [new ComplaintSchema(), new GridEdge.Server.Tasks.TaskSchema()], TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        var ledger = new ComplaintLedger(db, TimeProvider.System);
        await AddAsync(ledger, At(T0, Village));
        await AddAsync(ledger, At(T0.AddDays(1), Village));
        var ids = (await ledger.QueryAsync(new ComplaintQuery(Village), Ct)).Items.Select(c => c.Id).ToList();
        var audited = new List<ComplaintStep>();
        Task<StepOutcome> Step(long id, string step, DateTimeOffset at, string? method = null, string? text = null, string? satisfaction = null) =>
            ledger.AddStepAsync(id, new NewComplaintStep(step, at, method, text, satisfaction, "town-a"), (_, _, s) => { audited.Add(s); return Task.CompletedTask; }, Ct);

        var none = Assert.IsType<StepOutcome.Refused>(await Step(ids[0], ComplaintSteps.Visit, T0.AddHours(2), text: "回访", satisfaction: "satisfied"));
        Assert.Contains("has not been replied to", none.Message);
        Assert.IsType<StepOutcome.Done>(await Step(ids[0], ComplaintSteps.Reply, T0.AddHours(1), "phone", "已责令工地洒水降尘"));
        var early = Assert.IsType<StepOutcome.Refused>(await Step(ids[0], ComplaintSteps.Visit, T0.AddMinutes(30), satisfaction: "satisfied"));
        Assert.Contains("after the visit", early.Message);
        Assert.IsType<StepOutcome.Done>(await Step(ids[0], ComplaintSteps.Visit, T0.AddHours(3), text: "仍有扬尘", satisfaction: "dissatisfied"));
        // Recorded last but visited earlier: the latest visit is the one of 13:00.
        Assert.IsType<StepOutcome.Done>(await Step(ids[0], ComplaintSteps.Visit, T0.AddHours(2), satisfaction: "satisfied"));
        Assert.IsType<StepOutcome.NotFound>(await Step(ids[^1] + 100, ComplaintSteps.Reply, T0, "sms", "x"));
        Assert.Equal(3, audited.Count);

        var stored = (await ledger.GetAsync(ids[0], Ct))!;
        Assert.Equal(1, stored.Repeats);
        var steps = stored.Steps!;
        Assert.Equal(["reply", "visit", "visit"], steps.Select(s => s.Step));
        Assert.Equal(("phone", "电话", "已责令工地洒水降尘"), (steps[0].Method, steps[0].MethodName, steps[0].Text));
        Assert.Equal(("dissatisfied", "不满意", "仍有扬尘", (string?)null), (steps[1].Satisfaction, steps[1].SatisfactionName, steps[1].Note, steps[1].Text));
        Assert.Equal(T0.AddHours(3), steps[1].At);
        Assert.Equal(0, (await ledger.GetAsync(ids[1], Ct))!.Repeats);

        var week = await ledger.ListReceivedAsync("370102001000", T0.AddHours(-1), T0.AddDays(2), Ct);
        Assert.Equal(ids, week.Select(h => h.Complaint.Id));
        Assert.Equal((true, true, "dissatisfied"), (week[0].Replied, week[0].Visited, week[0].LastSatisfaction));
        Assert.Equal((false, false, (string?)null, (long?)ids[0]), (week[1].Replied, week[1].Visited, week[1].LastSatisfaction, week[1].Complaint.RepeatOf));
        Assert.Empty(await ledger.ListReceivedAsync("370102002000", T0.AddHours(-1), T0.AddDays(2), Ct));
    }
}
