using System.Net;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using static GridEdge.Edge.Tests.Terminals.TerminalApiFixture;

namespace GridEdge.Edge.Tests.Terminals;

/// <summary>The terminal API on a real Kestrel over a real outbox: authentication, idempotency, validation and the geofence.</summary>
public sealed class TerminalApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Missing_unknown_and_revoked_tokens_are_refused_with_401_and_nothing_is_stored()
    {
        await using var api = await StartAsync();

        using var missing = await api.PostAsync("/api/v1/checkins", CheckInJson(), token: null);
        using var unknown = await api.PostAsync("/api/v1/checkins", CheckInJson(), token: "not-a-token");
        // Terminal 2 is revoked: the server sends a directory without it.
        api.Directory.Apply(Prepare(DirectoryJson(includeTerminal2: false)));
        using var revoked = await api.PostAsync("/api/v1/checkins", CheckInJson(terminal: "term-2", member: "member-2", grid: Grid2), token: Token2);
        using var openUpload = await api.PostAsync("/api/v1/attachments", """{"sha256":"00","size":1,"contentType":"image/jpeg"}""", token: "not-a-token");

        foreach (var response in new[] { missing, unknown, revoked, openUpload })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }
        Assert.Equal(0, api.Backlog(Streams.CheckIns));
        Assert.Equal(4, api.Service.Counters.Snapshot().Refused.Unauthorized);
        // The token still listed works.
        using var ok = await api.PostAsync("/api/v1/checkins", CheckInJson());
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_full_outbox_answers_507_with_nothing_stored_and_the_same_key_succeeds_once_there_is_room()
    {
        await using var api = await StartAsync(o => o.RequestsPerMinute = o.RequestBurst = 100_000, outboxQuotaBytes: 32 * 1024);

        HttpResponseMessage? full = null;
        for (var i = 0; i < 2000 && full is null; i++)
        {
            var response = await api.PostAsync("/api/v1/checkins", CheckInJson(), key: $"ci-{i:D4}");
            if (response.StatusCode == HttpStatusCode.Created) { response.Dispose(); continue; }
            full = response;
        }

        Assert.NotNull(full);
        using (full)
        {
            Assert.Equal((HttpStatusCode)507, full.StatusCode);
            var error = await JsonOf(full);
            Assert.Contains("storage is full", error.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Contains("Edge:Outbox:QuotaBytes", error.GetProperty("errors")[0].GetProperty("problem").GetString(), StringComparison.Ordinal);
        }
        var stored = api.Backlog(Streams.CheckIns);
        Assert.Equal(stored + 1, api.Outbox.NextSeq(Streams.CheckIns));   // the refused one took no number
        var refusedKey = $"ci-{stored:D4}";

        // The uplink delivers; the terminal's retry with the same key is stored, not answered from memory with 507.
        api.Outbox.MarkDelivered(Streams.CheckIns, new SeqRange(1, stored));
        using var retry = await api.PostAsync("/api/v1/checkins", CheckInJson(), key: refusedKey);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(stored + 1, (await JsonOf(retry)).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_body_naming_another_terminal_member_or_grid_is_forbidden_naming_each_field()
    {
        await using var api = await StartAsync();

        using var response = await api.PostAsync("/api/v1/checkins", CheckInJson(terminal: "term-2", member: "member-2", grid: Grid2), token: Token1);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["terminalId", "memberId", "gridCode"], FieldsOf(await JsonOf(response)));
        Assert.Equal(0, api.Backlog(Streams.CheckIns));
    }

    [Fact]
    public async Task A_retry_with_the_same_key_gets_the_first_response_and_stores_nothing_twice()
    {
        await using var api = await StartAsync();
        var body = CheckInJson();

        using var first = await api.PostAsync("/api/v1/checkins", body, key: "ci-0001");
        using var retry = await api.PostAsync("/api/v1/checkins", body, key: "ci-0001");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var firstBody = await first.Content.ReadAsStringAsync(Ct);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync(Ct));
        var json = JsonDocument.Parse(firstBody).RootElement;
        Assert.Equal(("ci-0001", "checkins"), (json.GetProperty("recordId").GetString(), json.GetProperty("stream").GetString()));
        var stored = Assert.Single(api.Outbox.ReadPending(Streams.CheckIns, 0, 100, 1 << 20));
        Assert.Equal(json.GetProperty("seq").GetInt64(), stored.Seq);
        var checkIn = Assert.IsType<CheckIn>(stored.Record);
        Assert.Equal(("ci-0001", "term-1", "member-1"), (checkIn.RecordId, checkIn.TerminalId, checkIn.MemberId));
        Assert.Equal(ClockQuality.NetworkSynced, checkIn.Clock);
        Assert.Equal(1, api.Service.Counters.Snapshot().Accepted.Replays);

        // The same key with another body is refused, naming the header; nothing is stored.
        using var other = await api.PostAsync("/api/v1/checkins", CheckInJson(note: "another"), key: "ci-0001");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal(["Idempotency-Key"], FieldsOf(await JsonOf(other)));
        Assert.Equal(1, api.Backlog(Streams.CheckIns));
    }

    [Fact]
    public async Task The_first_response_is_remembered_across_a_restart_of_the_gateway()
    {
        using var dir = new TempDirectory();
        string firstBody;
        await using (var api = await StartAsync(dataDirectory: dir.Path))
        {
            api.Directory.Apply(Prepare(DirectoryJson(includeTerminal2: true)));
            using var first = await api.PostAsync("/api/v1/problems", ProblemJson(), key: "pr-1");
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            firstBody = await first.Content.ReadAsStringAsync(Ct);
        }
        await using var restarted = await StartAsync(dataDirectory: dir.Path);
        using var retry = await restarted.PostAsync("/api/v1/problems", ProblemJson(), key: "pr-1");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, restarted.Backlog(Streams.Uploads));
    }

    [Fact]
    public async Task A_damaged_store_of_responses_is_moved_aside_and_the_api_still_starts()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(Path.Combine(dir.Path, "terminals.db"), [.. Enumerable.Repeat((byte)0x5A, 16384)]);

        await using var api = await StartAsync(dataDirectory: dir.Path);
        api.Directory.Apply(Prepare(DirectoryJson(includeTerminal2: false)));
        using var response = await api.PostAsync("/api/v1/checkins", CheckInJson());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Single(Directory.EnumerateFiles(dir.Path, "terminals.db.corrupt-*"));
    }

    [Fact]
    public async Task Concurrent_requests_with_the_same_key_append_once()
    {
        await using var api = await StartAsync();
        var body = CheckInJson();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => api.PostAsync("/api/v1/checkins", body, key: "ci-race")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var seqs = await Task.WhenAll(responses.Select(async r => (await JsonOf(r)).GetProperty("seq").GetInt64()));
        Assert.Single(seqs.Distinct());
        Assert.Equal(1, api.Backlog(Streams.CheckIns));
        foreach (var r in responses) r.Dispose();
    }

    [Fact]
    public async Task Every_wrong_field_is_named_at_once_and_nothing_is_stored()
    {
        await using var api = await StartAsync();
        const string problem = """
            {"memberId":"member-1","terminalId":"term-1","gridCode":"3701","latitude":200,"longitude":"east",
             "category":"fire","attachments":["abc"]}
            """;
        const string patrol = """
            {"memberId":"member-1","terminalId":"term-1","gridCode":"370102001001","startedAt":"2025-03-01T09:00:00+08:00",
             "endedAt":"2025-03-01T08:00:00+08:00","track":[{"latitude":36.0,"longitude":117.0,"time":"yesterday"}],
             "places":[{"kind":"enterprise","name":"Brick works","at":"2025-03-01T08:30:00+08:00"},{"kind":"castle","name":"x","at":"2025-03-01T00:30:00Z"}],
             "findings":"none","attachments":[]}
            """;

        using var badProblem = await api.PostAsync("/api/v1/problems", problem);
        using var badPatrol = await api.PostAsync("/api/v1/patrols", patrol);
        using var malformed = await api.PostAsync("/api/v1/checkins", """{"memberId":"member-1","track":[{"latitude":1},{"latitude": nope}]}""");
        using var noKey = await api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkins")
        {
            Content = new StringContent(CheckInJson(), System.Text.Encoding.UTF8, "application/json"),
            Headers = { Authorization = new("Bearer", Token1) },
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, badProblem.StatusCode);
        Assert.Equal(["gridCode", "latitude", "longitude", "category", "description", "attachments[0]"], FieldsOf(await JsonOf(badProblem)));
        Assert.Equal(HttpStatusCode.BadRequest, badPatrol.StatusCode);
        Assert.Equal(["endedAt", "track[0].time", "places[0].id", "places[1].kind"], FieldsOf(await JsonOf(badPatrol)));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(["$.track[1].latitude"], FieldsOf(await JsonOf(malformed)));
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Equal(["Idempotency-Key"], FieldsOf(await JsonOf(noKey)));
        Assert.Equal(0, api.Backlog(Streams.Uploads));
        Assert.Equal(0, api.Backlog(Streams.CheckIns));
        Assert.Equal(3, api.Service.Counters.Snapshot().Refused.Invalid);
    }

    [Fact]
    public async Task A_body_that_is_not_declared_json_is_refused_naming_the_content_type()
    {
        await using var api = await StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkins")
        {
            Content = new StringContent(CheckInJson()),
            Headers = { Authorization = new("Bearer", Token1) },
        };
        request.Headers.Add("Idempotency-Key", "ci-text");
        using var response = await api.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(["Content-Type"], FieldsOf(await JsonOf(response)));
        Assert.Equal(0, api.Backlog(Streams.CheckIns));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read()
    {
        await using var api = await StartAsync(o => o.MaxJsonBytes = 4096);
        using var response = await api.PostAsync("/api/v1/checkins", CheckInJson(note: new string('x', 5000)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, api.Backlog(Streams.CheckIns));
    }

    [Fact]
    public async Task Patrols_and_problems_go_to_the_uploads_stream_stamped_with_the_gateway_clock()
    {
        await using var api = await StartAsync();
        const string patrol = """
            {"memberId":"member-1","terminalId":"term-1","gridCode":"370102001001","startedAt":"2025-03-01T08:00:00+08:00",
             "endedAt":"2025-03-01T09:00:00+08:00","track":[{"latitude":36.001,"longitude":117.001,"time":"2025-03-01T08:05:00+08:00"}],
             "places":[{"kind":"enterprise","id":"ent-7","name":"Brick works","at":"2025-03-01T08:30:00+08:00"},{"kind":"other","name":"Bridge","at":"2025-03-01T08:40:00+08:00"}],
             "findings":"dust cover missing","attachments":["0000000000000000000000000000000000000000000000000000000000000000"]}
            """;

        using var p = await api.PostAsync("/api/v1/patrols", patrol, key: "pa-1");
        using var q = await api.PostAsync("/api/v1/problems", ProblemJson(), key: "pr-1");

        Assert.Equal(HttpStatusCode.Created, p.StatusCode);
        Assert.Equal(HttpStatusCode.Created, q.StatusCode);
        var stored = api.Outbox.ReadPending(Streams.Uploads, 0, 10, 1 << 20);
        var patrolRecord = Assert.IsType<PatrolRecord>(stored[0].Record);
        Assert.Equal(("pa-1", 1, 2, PlaceKind.Enterprise, "ent-7"), (patrolRecord.RecordId, patrolRecord.Track.Count, patrolRecord.Places.Count, patrolRecord.Places[0].Kind, patrolRecord.Places[0].Id));
        Assert.Equal(GatewayNow, patrolRecord.Timestamp);
        var report = Assert.IsType<ProblemReport>(stored[1].Record);
        Assert.Equal((ProblemCategory.StrawBurning, "by the canal"), (report.Category, report.Address));
        Assert.False((await JsonOf(q)).TryGetProperty("geofence", out _));
    }

    [Theory]
    [InlineData(36.004, 117.004, 10, "inside")]        // in the square, far from the hole
    [InlineData(36.010, 117.010, 10, "outside")]       // in the hole
    [InlineData(36.050, 117.050, 10, "outside")]       // beyond the square
    [InlineData(36.010, 117.0002, 50, "inaccurate")]   // ~18 m from the western edge, circle of 50 m crosses it
    [InlineData(36.0085, 117.010, 100, "inaccurate")]  // ~55 m from the hole's edge
    [InlineData(36.004, 117.004, 150, "inaccurate")]   // a fix coarser than MaxAccuracyMeters (100)
    public async Task A_check_in_is_judged_against_the_grid_boundary_with_its_hole(double latitude, double longitude, double accuracy, string expected)
    {
        await using var api = await StartAsync();

        using var response = await api.PostAsync("/api/v1/checkins", CheckInJson(latitude, longitude, accuracy));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(expected, (await JsonOf(response)).GetProperty("geofence").GetString());
        var stored = Assert.IsType<CheckIn>(Assert.Single(api.Outbox.ReadPending(Streams.CheckIns, 0, 10, 1 << 20)).Record);
        Assert.Equal(expected, JsonSerializer.Serialize(stored.Geofence).Trim('"'));
    }

    [Fact]
    public async Task A_member_whose_grid_has_no_boundary_checks_in_as_no_boundary()
    {
        await using var api = await StartAsync();
        using var response = await api.PostAsync("/api/v1/checkins", CheckInJson(terminal: "term-2", member: "member-2", grid: Grid2), token: Token2);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no_boundary", (await JsonOf(response)).GetProperty("geofence").GetString());
    }

    [Fact]
    public async Task The_openapi_document_and_the_status_are_served()
    {
        await using var api = await StartAsync();
        using var ok = await api.PostAsync("/api/v1/checkins", CheckInJson());

        var document = JsonDocument.Parse(await api.Http.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var status = JsonDocument.Parse(await api.Http.GetStringAsync("/api/v1/status", Ct)).RootElement;

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/checkins", "/api/v1/patrols", "/api/v1/problems", "/api/v1/attachments", "/api/v1/attachments/{sha256}", "/api/v1/status" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        Assert.True(paths.GetProperty("/api/v1/checkins").GetProperty("post").TryGetProperty("requestBody", out _));
        Assert.Equal(1, status.GetProperty("counters").GetProperty("accepted").GetProperty("checkIns").GetInt64());
        Assert.Equal(2, status.GetProperty("directory").GetProperty("terminals").GetInt32());
    }

    [Fact]
    public async Task A_lone_surrogate_or_invalid_utf8_in_a_string_is_refused_with_400_naming_the_field()
    {
        await using var api = await StartAsync();
        var escaped = CheckInJson(note: "x").Replace("\"note\":\"x\"", "\"note\":\"\\ud800\"", StringComparison.Ordinal);
        var raw = Encoding.UTF8.GetBytes(CheckInJson(note: "AB"));
        var at = raw.AsSpan().IndexOf("\"AB\""u8) + 1;
        (raw[at], raw[at + 1]) = (0xC3, 0x28); // a lead byte followed by one that cannot continue it
        const string patrol = """
            {"memberId":"member-1","terminalId":"term-1","gridCode":"370102001001","startedAt":"2025-03-01T08:00:00+08:00",
             "endedAt":"2025-03-01T09:00:00+08:00","track":[],"places":[{"kind":"other","name":"bridge \udc00","at":"2025-03-01T08:30:00+08:00"}],
             "findings":"","attachments":[]}
            """;

        using var surrogate = await api.PostAsync("/api/v1/checkins", escaped);
        using var invalid = await PostBytesAsync(api, "/api/v1/checkins", raw, "application/json");
        using var nested = await api.PostAsync("/api/v1/patrols", patrol);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (surrogate.StatusCode, invalid.StatusCode, nested.StatusCode));
        Assert.Equal(["note"], FieldsOf(await JsonOf(surrogate)));
        Assert.Equal(["note"], FieldsOf(await JsonOf(invalid)));
        Assert.Equal(["places[0].name"], FieldsOf(await JsonOf(nested)));
        Assert.Contains("not valid Unicode", (await JsonOf(invalid)).GetProperty("errors")[0].GetProperty("problem").GetString());
        Assert.Equal((0L, 0L), (api.Backlog(Streams.CheckIns), api.Backlog(Streams.Uploads)));
        Assert.Equal(0, api.Service.Counters.Snapshot().Refused.Failed);
    }

    [Fact]
    public async Task A_json_body_without_a_content_type_or_with_another_charset_is_refused_with_415()
    {
        await using var api = await StartAsync();
        var body = Encoding.UTF8.GetBytes(CheckInJson());

        using var none = await PostBytesAsync(api, "/api/v1/checkins", body, contentType: null);
        using var latin1 = await PostBytesAsync(api, "/api/v1/checkins", body, "application/json; charset=iso-8859-1");
        using var opening = await PostBytesAsync(api, "/api/v1/attachments", """{"sha256":"00","size":1,"contentType":"image/jpeg"}"""u8.ToArray(), contentType: null);
        using var plain = await PostBytesAsync(api, "/api/v1/checkins", body, "application/json");
        using var utf8 = await PostBytesAsync(api, "/api/v1/checkins", body, "Application/JSON; charset=UTF-8");

        foreach (var refused in new[] { none, latin1, opening })
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
            Assert.Equal(["Content-Type"], FieldsOf(await JsonOf(refused)));
            Assert.Contains("expected application/json", (await JsonOf(refused)).GetProperty("errors")[0].GetProperty("problem").GetString());
        }
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (plain.StatusCode, utf8.StatusCode));
        Assert.Equal(2, api.Backlog(Streams.CheckIns));
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("2025-03-01T01:11:00Z")]      // 11 minutes ahead of the gateway (01:00Z)
    [InlineData("2025-01-29T09:00:00+08:00")] // 31 days old
    public async Task A_record_time_far_from_the_gateway_clock_is_refused_naming_the_field_the_value_and_the_window(string fixTime)
    {
        await using var api = await StartAsync();

        using var response = await api.PostAsync("/api/v1/checkins", CheckInJson(fixTime: fixTime));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await JsonOf(response);
        Assert.Equal(["fixTime"], FieldsOf(error));
        var problem = error.GetProperty("errors")[0].GetProperty("problem").GetString()!;
        Assert.Contains(fixTime, problem);
        Assert.Contains("2025-01-30T01:00:00Z to 2025-03-01T01:10:00Z", problem);
        Assert.Equal(0, api.Backlog(Streams.CheckIns));
    }

    [Fact]
    public async Task Patrol_times_are_held_to_the_window_and_an_unsynchronised_gateway_only_holds_them_to_the_age()
    {
        await using var api = await StartAsync(o => o.MaxFutureSkewMinutes = 10);
        const string patrol = """
            {"memberId":"member-1","terminalId":"term-1","gridCode":"370102001001","startedAt":"2025-03-01T08:00:00+08:00",
             "endedAt":"2025-03-03T09:00:00+08:00","track":[{"latitude":36.0,"longitude":117.0,"time":"9999-01-01T00:00:00Z"}],
             "places":[{"kind":"other","name":"bridge","at":"0001-01-01T00:00:00Z"}],"findings":"","attachments":[]}
            """;
        using var refused = await api.PostAsync("/api/v1/patrols", patrol);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["endedAt", "track[0].time", "places[0].at"], FieldsOf(await JsonOf(refused)));

        // A Pi booted without GNSS or NTP may be days behind; a terminal two days ahead of it is believed, year 9999 is not.
        api.Clock.ReportKernelSynchronised(false);
        using var ahead = await api.PostAsync("/api/v1/checkins", CheckInJson(fixTime: "2025-03-03T08:00:00+08:00"));
        using var absurd = await api.PostAsync("/api/v1/checkins", CheckInJson(fixTime: "9999-12-31T23:59:59Z"));
        Assert.Equal(HttpStatusCode.Created, ahead.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, absurd.StatusCode);
        Assert.Contains("not synchronised", (await JsonOf(absurd)).GetProperty("errors")[0].GetProperty("problem").GetString());
    }

    private static Task<HttpResponseMessage> PostBytesAsync(TerminalApiFixture api, string path, byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content, Headers = { Authorization = new("Bearer", Token1) } };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return api.Http.SendAsync(request, Ct);
    }

    internal static string ProblemJson() => """
        {"memberId":"member-1","terminalId":"term-1","gridCode":"370102001001","latitude":36.003,"longitude":117.003,
         "address":"by the canal","category":"straw_burning","description":"smoke over the wheat field","attachments":[]}
        """;
}
