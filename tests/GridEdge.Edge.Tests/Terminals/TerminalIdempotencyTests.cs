using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridEdge.Edge.Terminals;
using GridEdge.Protocol.Wire;
using LiteDB;
using static GridEdge.Edge.Tests.Terminals.TerminalApiFixture;

namespace GridEdge.Edge.Tests.Terminals;

/// <summary>The first answer to an Idempotency-Key is committed with its record in the outbox: it survives a crash at any moment and is forgotten after the retention.</summary>
public sealed class TerminalIdempotencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_retry_after_a_crash_that_left_no_terminal_state_gets_the_same_seq_and_stores_nothing()
    {
        using var dir = new TempDirectory();
        new TerminalDirectoryStore(dir.Path).Apply(Prepare(DirectoryJson(includeTerminal2: false)));
        string firstBody;
        await using (var api = await StartAsync(dataDirectory: dir.Path))
        {
            using var first = await api.PostAsync("/api/v1/checkins", CheckInJson(), key: "ci-1");
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            firstBody = await first.Content.ReadAsStringAsync(Ct);
        }
        // The gateway died between the record's commit and anything written elsewhere: only the outbox holds the request.
        foreach (var file in Directory.EnumerateFiles(dir.Path, "terminals*.db")) File.Delete(file);

        await using var restarted = await StartAsync(dataDirectory: dir.Path);
        using var retry = await restarted.PostAsync("/api/v1/checkins", CheckInJson(), key: "ci-1");

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, restarted.Backlog(Streams.CheckIns));
        Assert.Equal(1, restarted.Service.Counters.Snapshot().Accepted.Replays);
    }

    [Fact(Timeout = 60_000)]
    public async Task Answers_are_forgotten_after_IdempotencyRetentionDays()
    {
        await using var api = await StartAsync(o => o.IdempotencyRetentionDays = 7);
        using var first = await api.PostAsync("/api/v1/checkins", CheckInJson(), key: "ci-1");
        var seq = (await JsonOf(first)).GetProperty("seq").GetInt64();

        api.Time.Advance(TimeSpan.FromDays(6));
        using var withinRetention = await api.PostAsync("/api/v1/checkins", CheckInJson(), key: "ci-1");
        Assert.Equal(seq, (await JsonOf(withinRetention)).GetProperty("seq").GetInt64());
        Assert.Equal(1, api.Backlog(Streams.CheckIns));

        api.Time.Advance(TimeSpan.FromDays(1.5));
        using var afterRetention = await api.PostAsync("/api/v1/checkins", CheckInJson(), key: "ci-1");
        Assert.Equal(HttpStatusCode.Created, afterRetention.StatusCode);
        Assert.NotEqual(seq, (await JsonOf(afterRetention)).GetProperty("seq").GetInt64());
        Assert.Equal(2, api.Backlog(Streams.CheckIns));
        Assert.Equal(1, api.Outbox.DedupeKeyCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_answer_an_earlier_version_kept_in_terminals_db_is_given_until_the_retention_prunes_it()
    {
        using var dir = new TempDirectory();
        new TerminalDirectoryStore(dir.Path).Apply(Prepare(DirectoryJson(includeTerminal2: false)));
        var body = CheckInJson();
        const string Legacy = """{"recordId":"ci-recent","stream":"checkins","seq":41,"geofence":"inside","storedAt":"2025-02-28T01:00:00+00:00"}""";
        using (var db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(dir.Path, TerminalState.FileName), Connection = ConnectionType.Direct }))
        {
            var responses = db.GetCollection("responses");
            responses.Insert(LegacyResponse("term-1|ci-recent", body, Legacy, GatewayNow.AddDays(-1)));
            responses.Insert(LegacyResponse("term-1|ci-old", body, Legacy.Replace("recent", "old"), GatewayNow.AddDays(-10)));
        }

        await using var api = await StartAsync(o => o.IdempotencyRetentionDays = 7, dataDirectory: dir.Path);
        using var recent = await api.PostAsync("/api/v1/checkins", body, key: "ci-recent");
        using var old = await api.PostAsync("/api/v1/checkins", body, key: "ci-old");

        Assert.Equal(Legacy, await recent.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Created, old.StatusCode);
        Assert.Equal(("ci-old", 1L), ((await JsonOf(old)).GetProperty("recordId").GetString(), (await JsonOf(old)).GetProperty("seq").GetInt64()));
        Assert.Equal(1, api.Backlog(Streams.CheckIns));
    }

    private static BsonDocument LegacyResponse(string id, string body, string response, DateTimeOffset at) => new()
    {
        ["_id"] = id,
        ["f"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("/api/v1/checkins\n" + body))),
        ["s"] = 201,
        ["b"] = response,
        ["at"] = at.UtcDateTime,
    };
}
