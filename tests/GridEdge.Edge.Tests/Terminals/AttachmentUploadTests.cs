using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using static GridEdge.Edge.Tests.Terminals.TerminalApiFixture;

namespace GridEdge.Edge.Tests.Terminals;

/// <summary>Resumable photo uploads through a real Kestrel into the outbox's attachments stream.</summary>
public sealed class AttachmentUploadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Photo(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static Task<HttpResponseMessage> OpenAsync(TerminalApiFixture api, string sha, long size, string type = "image/jpeg", string token = Token1) =>
        api.PostAsync("/api/v1/attachments", $$"""{"sha256":"{{sha}}","size":{{size}},"contentType":"{{type}}"}""", token);

    // No Content-Type: the bytes of a range are raw whatever is declared.
    private static Task<HttpResponseMessage> PutAsync(TerminalApiFixture api, string sha, byte[] photo, long from, long to, string token = Token1)
    {
        var content = new ByteArrayContent(photo, (int)from, (int)(to - from + 1));
        content.Headers.ContentRange = new ContentRangeHeaderValue(from, to, photo.Length);
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/attachments/{sha}") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api.Http.SendAsync(request, Ct);
    }

    private static Task<HttpResponseMessage> StatusAsync(TerminalApiFixture api, string sha, string token = Token1, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, $"/api/v1/attachments/{sha}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api.Http.SendAsync(request, Ct);
    }

    private static async Task<long> ReceivedAsync(TerminalApiFixture api, string sha)
    {
        using var response = await StatusAsync(api, sha);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await JsonOf(response)).GetProperty("received").GetInt64();
    }

    private static List<AttachmentChunk> Chunks(TerminalApiFixture api) =>
        [.. api.Outbox.ReadPending(Streams.Attachments, 0, 10_000, int.MaxValue).Select(e => (AttachmentChunk)e.Record)];

    private static long StagedBytes(TerminalApiFixture api, string sha) =>
        Directory.EnumerateFiles(api.DataDirectory, $"{sha}.part", SearchOption.AllDirectories).Select(f => new FileInfo(f).Length).DefaultIfEmpty(0).Max();

    // Sends the head of a range on a raw connection and drops it mid-body, as a terminal losing its 4G does.
    private static async Task SendAndDropAsync(TerminalApiFixture api, string sha, byte[] photo, long from, long to, int send)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, api.Service.BaseAddress!.Port, Ct);
        var stream = tcp.GetStream();
        var head = $"PUT /api/v1/attachments/{sha} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Token1}\r\n" +
                   $"Content-Range: bytes {from}-{to}/{photo.Length}\r\nContent-Length: {to - from + 1}\r\nContent-Type: application/octet-stream\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);
        await stream.WriteAsync(photo.AsMemory((int)from, send), Ct);
        await stream.FlushAsync(Ct);
        // Dropped only once some of the range is in the gateway's staged file, so there is an offset to resume from (the
        // status request would wait for the upload's lock, held until the request ends).
        await Eventually.True(() => StagedBytes(api, sha) > from, "the first bytes of the range to be staged");
        tcp.Client.LingerState = new LingerOption(true, 0); // reset, not a polite close
        tcp.Close();
    }

    [Fact]
    public async Task A_5_MB_photo_survives_a_dropped_connection_resumes_from_the_kept_offset_and_reassembles_from_the_outbox()
    {
        await using var api = await StartAsync();
        var photo = Photo(5 * 1024 * 1024, 1);
        var sha = Hash(photo);
        const int chunk = 2 * 1024 * 1024;

        using var open = await OpenAsync(api, sha, photo.Length);
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        using var first = await PutAsync(api, sha, photo, 0, chunk - 1);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(("partial", chunk), ((await JsonOf(first)).GetProperty("state").GetString(), (await JsonOf(first)).GetProperty("received").GetInt64()));

        // The second range is cut off after 700 KB: what arrived is kept.
        await SendAndDropAsync(api, sha, photo, chunk, 2L * chunk - 1, 700 * 1024);
        var received = await ReceivedAsync(api, sha);
        Assert.InRange(received, chunk + 1, chunk + 700 * 1024);
        Assert.Equal(1, api.Service.Counters.Snapshot().InterruptedUploads);

        // A range that does not start where the gateway is: 409 with the offset to resume from.
        using var wrong = await PutAsync(api, sha, photo, chunk, chunk + 9);
        Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        Assert.Equal(received, (await JsonOf(wrong)).GetProperty("received").GetInt64());
        Assert.Empty(Chunks(api));

        using var rest = await PutAsync(api, sha, photo, received, photo.Length - 1);
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        Assert.Equal("complete", (await JsonOf(rest)).GetProperty("state").GetString());

        var chunks = Chunks(api);
        Assert.Equal(80, chunks.Count); // 5 MiB in 64 KiB pieces
        Assert.All(chunks, c => Assert.Equal((sha, "image/jpeg", (long)photo.Length, "term-1"), (c.Sha256, c.ContentType, c.TotalSize, c.TerminalId)));
        var reassembled = chunks.OrderBy(c => c.Offset).SelectMany(c => c.Data).ToArray();
        Assert.Equal(sha, Hash(reassembled));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(api.DataDirectory, "attachments")));

        // The same photo again (another patrol refers to it): complete at once, nothing stored twice.
        using var again = await OpenAsync(api, sha, photo.Length);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("complete", (await JsonOf(again)).GetProperty("state").GetString());
        Assert.Equal(80, Chunks(api).Count);
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_hash_are_refused_with_422_and_discarded()
    {
        await using var api = await StartAsync();
        var photo = Photo(300_000, 2);
        var sha = Hash(photo);
        using var open = await OpenAsync(api, sha, photo.Length, "image/png");
        photo[150_000] ^= 0xFF; // flipped on the way

        using var put = await PutAsync(api, sha, photo, 0, photo.Length - 1);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        Assert.Equal(["sha256"], FieldsOf(await JsonOf(put)));
        Assert.Empty(Chunks(api));
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/attachments/{sha}") { Headers = { Authorization = new("Bearer", Token1) } };
        using var status = await api.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(api.DataDirectory, "attachments")));
        Assert.Equal(1, api.Service.Counters.Snapshot().Refused.HashMismatch);
    }

    [Fact]
    public async Task Uploads_past_the_quota_of_staged_and_unsent_bytes_are_refused_with_507()
    {
        await using var api = await StartAsync(o => o.AttachmentQuotaBytes = 1_000_000);
        var a = Photo(600_000, 3);
        var b = Photo(600_000, 4);

        using var openA = await OpenAsync(api, Hash(a), a.Length);
        using var openB = await OpenAsync(api, Hash(b), b.Length);
        Assert.Equal(HttpStatusCode.Created, openA.StatusCode);
        Assert.Equal(HttpStatusCode.InsufficientStorage, openB.StatusCode);
        Assert.Contains("quota", (await JsonOf(openB)).GetProperty("errors")[0].GetProperty("problem").GetString());

        // A's bytes move from staging into the outbox: they still count until the server acknowledges them.
        using var putA = await PutAsync(api, Hash(a), a, 0, a.Length - 1);
        Assert.Equal(HttpStatusCode.OK, putA.StatusCode);
        using var stillFull = await OpenAsync(api, Hash(b), b.Length);
        Assert.Equal(HttpStatusCode.InsufficientStorage, stillFull.StatusCode);

        // Acknowledged by the server: room again.
        var seqs = api.Outbox.ReadPending(Streams.Attachments, 0, 10_000, int.MaxValue).Select(e => e.Seq).ToList();
        api.Outbox.MarkDelivered(Streams.Attachments, new SeqRange(seqs.Min(), seqs.Max()));
        using var room = await OpenAsync(api, Hash(b), b.Length);
        Assert.Equal(HttpStatusCode.Created, room.StatusCode);
        Assert.Equal(2, api.Service.Counters.Snapshot().Refused.OverQuota);
    }

    [Fact]
    public async Task An_upload_without_a_new_byte_for_StaleUploadMinutes_is_dropped_and_another_terminal_gets_its_room()
    {
        await using var api = await StartAsync(o => { o.AttachmentQuotaBytes = 1_000_000; o.StaleUploadMinutes = 60; });
        var a = Photo(600_000, 5);
        var b = Photo(600_000, 6);
        using var openA = await OpenAsync(api, Hash(a), a.Length);
        using var putA = await PutAsync(api, Hash(a), a, 0, 99_999);
        Assert.Equal(100_000, (await JsonOf(putA)).GetProperty("received").GetInt64());
        using var refused = await OpenAsync(api, Hash(b), b.Length, token: Token2);
        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);

        // New bytes after 50 minutes start the hour again.
        api.Time.Advance(TimeSpan.FromMinutes(50));
        using var more = await PutAsync(api, Hash(a), a, 100_000, 199_999);
        Assert.Equal(HttpStatusCode.OK, more.StatusCode);
        api.Time.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(200_000, await ReceivedAsync(api, Hash(a)));

        // Then nothing for an hour: the gateway's own sweep drops it, before anyone asks for room.
        api.Time.Advance(TimeSpan.FromMinutes(15));
        using var gone = await StatusAsync(api, Hash(a));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(api.DataDirectory, "attachments")));
        using var accepted = await OpenAsync(api, Hash(b), b.Length, token: Token2);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task An_upload_opened_by_one_terminal_does_not_exist_for_another()
    {
        await using var api = await StartAsync();
        var photo = Photo(200_000, 8);
        var sha = Hash(photo);
        using var open = await OpenAsync(api, sha, photo.Length);
        using var half = await PutAsync(api, sha, photo, 0, 99_999);

        using var put = await PutAsync(api, sha, photo, 100_000, photo.Length - 1, token: Token2);
        using var get = await StatusAsync(api, sha, Token2);
        using var head = await StatusAsync(api, sha, Token2, HttpMethod.Head);
        using var reopen = await OpenAsync(api, sha, photo.Length, token: Token2);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (put.StatusCode, get.StatusCode, head.StatusCode));
        Assert.Equal(HttpStatusCode.Conflict, reopen.StatusCode);
        Assert.Equal(["sha256"], FieldsOf(await JsonOf(reopen)));
        Assert.Equal(100_000, await ReceivedAsync(api, sha));
        Assert.Empty(Chunks(api));

        // The terminal that opened it finishes it; the photo is then known to both (they hold the same bytes).
        using var rest = await PutAsync(api, sha, photo, 100_000, photo.Length - 1);
        Assert.Equal("complete", (await JsonOf(rest)).GetProperty("state").GetString());
        Assert.All(Chunks(api), c => Assert.Equal("term-1", c.TerminalId));
        using var known = await OpenAsync(api, sha, photo.Length, token: Token2);
        Assert.Equal("complete", (await JsonOf(known)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_terminal_at_its_own_share_of_the_quota_gets_507_while_another_terminal_still_uploads()
    {
        await using var api = await StartAsync(o => { o.UploadQuotaBytesPerTerminal = 1_000_000; o.MaxOpenUploadsPerTerminal = 3; });
        var big = Photo(600_000, 9);
        var small = Enumerable.Range(10, 3).Select(seed => Photo(1000, seed)).ToList();

        using var first = await OpenAsync(api, Hash(big), big.Length);
        using var overShare = await OpenAsync(api, Hash(Photo(600_000, 20)), 600_000);
        using var theirs = await OpenAsync(api, Hash(Photo(600_000, 21)), 600_000, token: Token2);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.InsufficientStorage, HttpStatusCode.Created), (first.StatusCode, overShare.StatusCode, theirs.StatusCode));
        Assert.Contains("UploadQuotaBytesPerTerminal", (await JsonOf(overShare)).GetProperty("errors")[0].GetProperty("problem").GetString());

        using var second = await OpenAsync(api, Hash(small[0]), 1000);
        using var third = await OpenAsync(api, Hash(small[1]), 1000);
        using var fourth = await OpenAsync(api, Hash(small[2]), 1000);
        using var theirSecond = await OpenAsync(api, Hash(small[2]), 1000, token: Token2);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.InsufficientStorage, HttpStatusCode.Created),
            (second.StatusCode, third.StatusCode, fourth.StatusCode, theirSecond.StatusCode));
        Assert.Contains("MaxOpenUploadsPerTerminal", (await JsonOf(fourth)).GetProperty("errors")[0].GetProperty("problem").GetString());

        // Finishing one gives the terminal its room back.
        using var done = await PutAsync(api, Hash(small[0]), small[0], 0, 999);
        Assert.Equal("complete", (await JsonOf(done)).GetProperty("state").GetString());
        using var now = await OpenAsync(api, Hash(Photo(1000, 30)), 1000);
        Assert.Equal(HttpStatusCode.Created, now.StatusCode);
    }

    [Fact]
    public async Task A_photo_sent_with_its_own_content_type_in_one_range_is_stored_at_once()
    {
        await using var api = await StartAsync(o => o.AttachmentChunkBytes = 100_000);
        var photo = Photo(250_000, 7);
        var sha = Hash(photo);
        using var open = await OpenAsync(api, sha, photo.Length, "image/webp");
        var content = new ByteArrayContent(photo);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/webp");
        content.Headers.ContentRange = new ContentRangeHeaderValue(0, photo.Length - 1, photo.Length);
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/attachments/{sha}") { Content = content, Headers = { Authorization = new("Bearer", Token1) } };

        using var put = await api.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal([0L, 100_000L, 200_000L], Chunks(api).Select(c => c.Offset));
        Assert.Equal([100_000, 100_000, 50_000], Chunks(api).Select(c => c.Data.Length));
        Assert.True(Chunks(api)[^1].IsLast);
    }

    [Fact]
    public async Task An_opening_with_wrong_fields_names_each_of_them()
    {
        await using var api = await StartAsync();
        using var response = await api.PostAsync("/api/v1/attachments", """{"sha256":"ABC","size":999999999999,"contentType":"image/gif"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["sha256", "size", "contentType"], FieldsOf(await JsonOf(response)));
    }
}
