using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridEdge.Server.Grid;
using Microsoft.Extensions.Options;

using GridEdge.Server;

namespace GridEdge.Demo;

/// <summary>Where each demo gateway's terminal API listens, filled in as the gateways start.</summary>
public sealed class DemoTerminalApis
{
    public ConcurrentDictionary<string, Uri> ByGateway { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The demo's grid and its people: a city, a district, one township per demo gateway with two villages each (boundaries,
/// key monitoring points, an enterprise of each class), two members per village with a terminal each. Every member walks
/// a route through their village over the real terminal API of their township's gateway: a check-in at each stop, a patrol
/// record at the end of the round (track, places visited), and now and then a problem report with a generated photo.
/// The terminals' tokens go into data/demo.json, so a person can post with curl as one of them.
/// </summary>
internal sealed class DemoMembers(
    GridRegistry registry,
    DemoTerminalApis apis,
    IOptions<ServerOptions> options,
    GridEdge.Server.Users.IUserStore users,
    GridEdge.Server.Departments.IDepartmentStore departments,
    ILogger<DemoMembers> log) : BackgroundService
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(4);
    private const int StopsPerRound = 5;

    private sealed record Village(string Code, string Name, string Township, string Gateway, double West, double South, double Size,
        IReadOnlyList<(string Id, string Name, double Lat, double Lon)> KeyPoints, IReadOnlyList<(string Id, string Name, double Lat, double Lon)> Enterprises);

    private sealed record Member(string Id, string Name, string Terminal, string Token, Village Village);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        List<Member> members;
        JsonArray people;
        try
        {
            members = await SeedAsync(stoppingToken);
            people = await DemoUsers.CreateAsync(users, departments, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "The demo grid could not be set up; the demo runs without grid members");
            return;
        }
        await WriteDemoFileAsync(members, people, stoppingToken);
        log.LogInformation("Demo grid: {Members} members walking patrol routes in {Villages} villages; their tokens are in {File}",
            members.Count, members.Select(m => m.Village.Code).Distinct().Count(), DemoData.DemoFile);
        await Task.WhenAll(members.Select((m, i) => WalkAsync(m, new Random(1000 + i), stoppingToken)));
    }

    private async Task<List<Member>> SeedAsync(CancellationToken ct)
    {
        const string city = "370100000000", district = "370102000000";
        var grids = new List<GridInput> { new(city, "济南市 (demo)", 1), new(district, "历下区 (demo)", 2, city) };
        var villages = new List<Village>();
        var keyPoints = new List<KeyPointInput>();
        var enterprises = new List<EnterpriseInput>();
        var memberInputs = new List<MemberInput>();
        string[] classes = ["province", "city_county", "other"];
        for (var t = 0; t < DemoGateways.GatewayIds.Count; t++)
        {
            var township = $"370102{t + 1:D3}000";
            grids.Add(new GridInput(township, $"demo township {t + 1}", 3, district, DemoGateways.GatewayIds[t]));
            for (var v = 0; v < 2; v++)
            {
                var code = township[..9] + $"{v + 1:D3}";
                var (west, south, size) = (117.10 + t * 0.1 + v * 0.03, 36.64, 0.02);
                var boundary = JsonSerializer.SerializeToElement(new
                {
                    type = "Polygon",
                    coordinates = new[] { new[] { new[] { west, south }, new[] { west + size, south }, new[] { west + size, south + size }, new[] { west, south + size }, new[] { west, south } } },
                });
                grids.Add(new GridInput(code, $"demo village {t + 1}-{v + 1}", 4, township, null, boundary));
                var points = Enumerable.Range(1, 2).Select(k => ($"kp-{code}-{k}", $"key point {k} of {code}", south + size * 0.3 * k, west + size * 0.25 * k)).ToList();
                var firms = Enumerable.Range(1, 1).Select(k => ($"ent-{code}-{k}", $"enterprise {k} of {code}", south + size * 0.7, west + size * 0.6)).ToList();
                keyPoints.AddRange(points.Select(p => new KeyPointInput(p.Item1, p.Item2, code, p.Item3, p.Item4)));
                enterprises.AddRange(firms.Select((f, k) => new EnterpriseInput(f.Item1, f.Item2, classes[(t * 2 + v) % 3], code,
                    JsonSerializer.SerializeToElement(new { legalPerson = "demo", permit = $"PW-{code}-{k + 1}", products = new[] { "bricks" } }), f.Item3, f.Item4)));
                var village = new Village(code, $"demo village {t + 1}-{v + 1}", township, DemoGateways.GatewayIds[t], west, south, size, points, firms);
                villages.Add(village);
                for (var m = 0; m < 2; m++)
                    memberInputs.Add(new MemberInput($"m-demo-{t + 1}{v + 1}{m + 1}", $"demo member {t + 1}-{v + 1}-{m + 1}", code));
            }
        }
        var imported = await registry.ImportAsync(new GridDocument(grids, memberInputs, keyPoints, enterprises), create: false, ct);
        if (!imported.Ok) throw new InvalidOperationException($"demo grid refused: {string.Join("; ", imported.Errors.Select(e => $"{e.Field}: {e.Expected}"))}");

        var members = new List<Member>();
        foreach (var input in memberInputs)
        {
            var terminal = "t-" + input.Id![2..];
            // A restarted demo finds its terminals issued before: revoke and issue again, as an operator replacing a lost token would.
            var issued = await registry.IssueTerminalAsync(terminal, input.Id, ct);
            if (!issued.Ok)
            {
                await registry.RevokeTerminalAsync(terminal, ct);
                terminal += "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant();
                issued = await registry.IssueTerminalAsync(terminal, input.Id, ct);
            }
            if (!issued.Ok) throw new InvalidOperationException($"terminal {terminal}: {issued.Failure}");
            members.Add(new Member(input.Id, input.Name!, terminal, issued.Value!.Token, villages.Single(v => v.Code == input.Grid)));
        }
        return members;
    }

    private async Task WriteDemoFileAsync(IReadOnlyList<Member> members, JsonArray people, CancellationToken ct)
    {
        try
        {
            await DemoMonitor.UpdateDemoFileAsync(DemoData.DemoFile, root =>
            {
                root["server"] = options.Value.Http.Url;
                // One user per role: sign in with the password, or send the key as Authorization: Bearer KEY.
                root["users"] = people;
                var gateways = (JsonArray)(root["gateways"] ??= new JsonArray());
                foreach (var group in members.GroupBy(m => m.Village.Gateway))
                {
                    var entry = gateways.OfType<JsonObject>().FirstOrDefault(g => g["id"]?.GetValue<string>() == group.Key);
                    if (entry is null) gateways.Add(entry = new JsonObject { ["id"] = group.Key });
                    entry["terminalApi"] = apis.ByGateway.TryGetValue(group.Key, out var url) ? url.ToString().TrimEnd('/') : null;
                    entry["terminals"] = new JsonArray(group.Select(m => (JsonNode)new JsonObject
                    {
                        ["id"] = m.Terminal, ["token"] = m.Token, ["member"] = m.Id, ["grid"] = m.Village.Code,
                    }).ToArray());
                }
            }, ct);
        }
        catch (IOException e)
        {
            log.LogWarning("Could not write {File}: {Error}", DemoData.DemoFile, e.Message);
        }
    }

    private async Task WalkAsync(Member member, Random random, CancellationToken ct)
    {
        if (!apis.ByGateway.TryGetValue(member.Village.Gateway, out var api)) return;
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", member.Token);
        var round = 0;
        // Stagger the members so their rounds do not line up.
        await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 4000)), ct);
        while (!ct.IsCancellationRequested)
        {
            round++;
            var started = DateTimeOffset.UtcNow;
            var track = new List<object>();
            var village = member.Village;
            for (var stop = 0; stop < StopsPerRound && !ct.IsCancellationRequested; stop++)
            {
                // Mostly inside the village; now and then just over its edge, or with a poor fix.
                var outside = random.NextDouble() < 0.1;
                var lat = village.South + village.Size * (outside ? 1.05 + 0.1 * random.NextDouble() : 0.1 + 0.8 * random.NextDouble());
                var lon = village.West + village.Size * (0.1 + 0.8 * random.NextDouble());
                var accuracy = random.NextDouble() < 0.1 ? 150 : Math.Round(3 + 20 * random.NextDouble(), 1);
                var now = DateTimeOffset.UtcNow;
                track.Add(new { latitude = lat, longitude = lon, time = now });
                await PostAsync(http, "/api/v1/checkins", $"ci-{member.Terminal}-{started.ToUnixTimeSeconds()}-{stop}", new
                {
                    memberId = member.Id, terminalId = member.Terminal, gridCode = village.Code, latitude = lat, longitude = lon,
                    accuracyMeters = accuracy, fixTime = now, note = stop == 0 ? $"round {round} starts" : null,
                }, member, ct);
                await Task.Delay(Step, ct);
            }
            var attachments = new List<string>();
            if (random.NextDouble() < 0.3 && await UploadPhotoAsync(http, member, random, ct) is { } sha)
            {
                attachments.Add(sha);
                string[] categories = ["straw_burning", "dust", "illegal_discharge", "livestock_waste", "garbage", "other"];
                await PostAsync(http, "/api/v1/problems", $"pb-{member.Terminal}-{started.ToUnixTimeSeconds()}", new
                {
                    memberId = member.Id, terminalId = member.Terminal, gridCode = village.Code,
                    latitude = village.South + village.Size / 2, longitude = village.West + village.Size / 2,
                    address = $"{village.Name}, by the main road", category = categories[random.Next(categories.Length)],
                    description = "seen on the demo patrol; photo attached", attachments = new[] { sha },
                }, member, ct);
            }
            var places = village.KeyPoints.Select(k => (object)new { kind = "key_point", id = k.Id, name = k.Name, at = DateTimeOffset.UtcNow })
                .Concat(village.Enterprises.Select(e => (object)new { kind = "enterprise", id = e.Id, name = e.Name, at = DateTimeOffset.UtcNow }))
                .Where(_ => random.NextDouble() < 0.7).ToList();
            await PostAsync(http, "/api/v1/patrols", $"pt-{member.Terminal}-{started.ToUnixTimeSeconds()}", new
            {
                memberId = member.Id, terminalId = member.Terminal, gridCode = village.Code, startedAt = started, endedAt = DateTimeOffset.UtcNow,
                track, places, findings = attachments.Count > 0 ? "problem reported with a photo" : "nothing to report", attachments,
            }, member, ct);
        }
    }

    private async Task<string?> UploadPhotoAsync(HttpClient http, Member member, Random random, CancellationToken ct)
    {
        var photo = DemoPhoto.Png(320, 240, random);
        var sha = Convert.ToHexString(SHA256.HashData(photo)).ToLowerInvariant();
        if (!await PostAsync(http, "/api/v1/attachments", $"att-{sha[..32]}", new { sha256 = sha, size = photo.Length, contentType = "image/png" }, member, ct))
            return null;
        // Two pieces, as a terminal on a weak link would send them.
        var half = photo.Length / 2;
        foreach (var (offset, length) in new[] { (0, half), (half, photo.Length - half) })
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/attachments/{sha}") { Content = new ByteArrayContent(photo, offset, length) };
            put.Content.Headers.ContentRange = new ContentRangeHeaderValue(offset, offset + length - 1, photo.Length);
            try
            {
                using var response = await http.SendAsync(put, ct);
                if (!response.IsSuccessStatusCode)
                {
                    log.LogDebug("Demo member {Member}: photo piece at {Offset} refused: {Status}", member.Id, offset, (int)response.StatusCode);
                    return null;
                }
            }
            catch (HttpRequestException e)
            {
                log.LogDebug("Demo member {Member}: photo upload failed: {Error}", member.Id, e.Message);
                return null;
            }
        }
        return sha;
    }

    private async Task<bool> PostAsync(HttpClient http, string path, string key, object body, Member member, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode) return true;
            // 401 until the gateway has received its terminal directory; the member simply tries again next stop.
            var level = response.StatusCode == HttpStatusCode.Unauthorized ? LogLevel.Debug : LogLevel.Warning;
            log.Log(level, "Demo member {Member}: {Path} answered {Status}: {Body}", member.Id, path, (int)response.StatusCode,
                await response.Content.ReadAsStringAsync(ct));
        }
        catch (HttpRequestException e)
        {
            log.LogDebug("Demo member {Member}: {Path} failed: {Error}", member.Id, path, e.Message);
        }
        return false;
    }
}
