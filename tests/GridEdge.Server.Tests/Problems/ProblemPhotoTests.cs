using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using GridEdge.Testing;

namespace GridEdge.Server.Tests.Problems;

/// <summary>POST /api/problems/{id}/photos: a rectification photo uploaded from the console, served to its grid only.</summary>
public sealed class ProblemPhotoTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string TownA = "370102001000", VillageA = "370102001001", TownB = "370202001000", VillageB = "370202001001";

    /// <summary>A valid 1x1 PNG with <paramref name="trailer"/> after its end (ignored by viewers), so each test has its own SHA-256.</summary>
    internal static byte[] Png(string trailer) =>
        [.. Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
            .. System.Text.Encoding.UTF8.GetBytes(trailer)];

    private static async Task<(HttpStatusCode Status, JsonElement Body)> UploadAsync(HttpClient http, long problem, byte[] bytes, string contentType)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await http.PostAsync($"/api/problems/{problem}/photos", content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_photo_uploaded_for_a_problem_is_served_back_byte_for_byte_to_its_grid_carried_by_the_rectification_and_audited()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        var problem = rows.Problem(VillageA, DateTimeOffset.UtcNow.AddHours(-2));
        var township = await server.UserAsync("town-a", "township", TownA);
        var chief = await server.UserAsync("chief-a", "village_chief", VillageA);
        using var http = server.Http(chief.ApiKey);
        var photo = Png("rectified " + Guid.NewGuid());

        var (status, body) = await UploadAsync(http, problem, photo, "image/png");

        Assert.Equal(HttpStatusCode.Created, status);
        var sha = Convert.ToHexStringLower(SHA256.HashData(photo));
        Assert.Equal((problem, sha, (long)photo.Length, "image/png"),
            (body.GetProperty("problem").GetInt64(), body.GetProperty("sha256").GetString(), body.GetProperty("size").GetInt64(), body.GetProperty("contentType").GetString()));
        // Served to another user of the grid (the township above it), as uploaded.
        using var townHttp = server.Http(township.ApiKey);
        using (var served = await townHttp.GetAsync($"/api/attachments/{sha}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
            Assert.Equal(photo, await served.Content.ReadAsByteArrayAsync(Ct));
        }
        using (var rectify = await http.PostAsJsonAsync($"/api/problems/{problem}/rectify", new { result = "已覆盖防尘网", attachments = new[] { sha } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, rectify.StatusCode);
            var e = (await rectify.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("event");
            Assert.Equal(sha, e.GetProperty("detail").GetProperty("attachments")[0].GetString());
        }
        // The same photo again: the same answer, stored once.
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(http, problem, photo, "image/png")).Status);

        using var admin = server.Http();
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=problem.photo", Ct);
        var entries = audit.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, a => Assert.Equal(("chief-a", "problem", problem.ToString(), VillageA, sha, photo.Length),
            (a.GetProperty("actor").GetString(), a.GetProperty("objectKind").GetString(), a.GetProperty("objectId").GetString(), a.GetProperty("grid").GetString(),
                a.GetProperty("after").GetProperty("sha256").GetString(), a.GetProperty("after").GetProperty("size").GetInt32())));
    }

    [Fact(Timeout = 60_000)]
    public async Task Another_townships_user_can_neither_upload_for_the_problem_nor_see_its_photo()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        var problem = rows.Problem(VillageA, DateTimeOffset.UtcNow.AddHours(-2));
        using var inside = server.Http((await server.UserAsync("town-a", "township", TownA)).ApiKey);
        using var outside = server.Http((await server.UserAsync("town-b", "township", TownB)).ApiKey);
        var photo = Png("mine " + Guid.NewGuid());
        var sha = Convert.ToHexStringLower(SHA256.HashData(photo));

        var (status, body) = await UploadAsync(outside, problem, Png("theirs " + Guid.NewGuid()), "image/png");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("id", body.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(inside, problem, photo, "image/png")).Status);

        using var refused = await outside.GetAsync($"/api/attachments/{sha}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        using var served = await inside.GetAsync($"/api/attachments/{sha}", Ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        // A problem that does not exist answers the same as one outside the grid.
        Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(inside, 999_999, photo, "image/png")).Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task Non_images_and_bodies_over_10_MB_are_refused_naming_the_field_and_nothing_is_stored()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        var problem = rows.Problem(VillageA, DateTimeOffset.UtcNow.AddHours(-2));
        using var http = server.Http((await server.UserAsync("town-a", "township", TownA)).ApiKey);
        var text = "这不是照片"u8.ToArray();
        var big = new byte[10 * 1024 * 1024 + 1];
        Png("").CopyTo(big, 0);

        var refusals = new[]
        {
            (await UploadAsync(http, problem, text, "text/plain"), HttpStatusCode.UnsupportedMediaType, "Content-Type"),
            (await UploadAsync(http, problem, text, "image/jpeg"), HttpStatusCode.BadRequest, "body"),
            (await UploadAsync(http, problem, Png("a png"), "image/jpeg"), HttpStatusCode.BadRequest, "body"),
            (await UploadAsync(http, problem, [], "image/png"), HttpStatusCode.BadRequest, "body"),
            (await UploadAsync(http, problem, big, "image/png"), HttpStatusCode.RequestEntityTooLarge, "body"),
        };

        foreach (var ((status, body), expected, field) in refusals)
        {
            Assert.Equal(expected, status);
            Assert.Equal(field, body.GetProperty("field").GetString());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("expected").GetString()));
        }
        Assert.Equal(0L, rows.Scalar("SELECT count(*) FROM attachments;"));
        Assert.Equal(0L, rows.Scalar("SELECT count(*) FROM attachment_owners;"));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task An_uploaded_photo_is_complete_verified_and_belongs_to_the_grids_of_its_problems(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        var set = await GridLedgerSet.CreateAsync(db);
        var photo = new byte[300_000];
        new Random(11).NextBytes(photo);
        PngMagic.CopyTo(photo, 0);
        var at = DateTimeOffset.UtcNow;

        var first = await db.WriteAsync((c, t) => set.Photos.AddUploadAsync(c, t, photo, "image/png", 7, VillageA, "chief-a", at, Ct), Ct);
        var again = await db.WriteAsync((c, t) => set.Photos.AddUploadAsync(c, t, photo, "image/png", 8, VillageB, "chief-b", at, Ct), Ct);

        Assert.True(first.New);
        Assert.False(again.New);
        var stored = (await set.Photos.GetAsync(first.Sha256, Ct))!;
        Assert.Equal((photo.Length, (long)photo.Length), (stored.Size, stored.Received));
        Assert.NotNull(stored.CompleteAt);
        var read = await set.Photos.ReadAsync(stored, Ct);
        await using (var content = read.Content!)
        {
            var back = new MemoryStream();
            await content.CopyToAsync(back, Ct);
            Assert.Equal(photo, back.ToArray());
        }
        Assert.Equal([VillageA, VillageB], (await set.Photos.GridsOfAsync(stored, Ct)).Order(StringComparer.Ordinal));
        Assert.Equal(1L, set.Photos.Counters.Completed);
    }

    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
}
