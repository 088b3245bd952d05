using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Terminals;
using static GridEdge.Server.Tests.Grid.GridSamples;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Server.Tests.Grid;

/// <summary>The registry against a real SQLite file: validation, terminals and tokens, and the directory each gateway is sent.</summary>
public sealed class GridRegistryTests : IDisposable
{
    private readonly GridRig _rig = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _rig.Dispose();

    [Fact(Timeout = 30_000)]
    public async Task Levels_and_parents_follow_from_the_code()
    {
        var result = await _rig.Registry.ImportAsync(Document(), cancellationToken: Ct);

        Assert.True(result.Ok, string.Join("; ", result.Errors));
        Assert.Equal((10, 5, 1, 1), (result.Value!.Grids, result.Value.Members, result.Value.KeyPoints, result.Value.Enterprises));
        Assert.Equal((1, null), ((await _rig.Store.GetGridAsync(City, Ct))!.Level, (await _rig.Store.GetGridAsync(City, Ct))!.Parent));
        Assert.Equal((2, City), ((await _rig.Store.GetGridAsync(Lixia, Ct))!.Level, (await _rig.Store.GetGridAsync(Lixia, Ct))!.Parent));
        Assert.Equal((3, Lixia, "gw-alpha"), ((await _rig.Store.GetGridAsync(TownA, Ct))!.Level, (await _rig.Store.GetGridAsync(TownA, Ct))!.Parent,
            (await _rig.Store.GetGridAsync(TownA, Ct))!.Gateway));
        Assert.Equal((4, TownA), ((await _rig.Store.GetGridAsync(VillageA1, Ct))!.Level, (await _rig.Store.GetGridAsync(VillageA1, Ct))!.Parent));
        Assert.Equal([VillageA1, VillageA2], (await _rig.Store.ListGridsAsync(TownA, null, null, 100, Ct)).Select(g => g.Code));
        Assert.Equal(3, (await _rig.Store.ListGridsAsync(null, 3, null, 100, Ct)).Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task Every_wrong_field_is_named_and_nothing_is_stored()
    {
        var bad = new GridDocument(
            Grids:
            [
                new GridInput("37010", "short code"),
                new GridInput("370102001003", "level given wrong", Level: 3),
                new GridInput("370102009001", "parent township missing"),
                new GridInput("370102001004", "gateway on a village", Gateway: "gw-alpha"),
                new GridInput("370102001005", "parent given wrong", Parent: Shizhong),
                new GridInput("370102001006", "unclosed ring", Boundary: JsonSerializer.SerializeToElement(new
                    { type = "Polygon", coordinates = new[] { new[] { new[] { 117.0, 36.6 }, new[] { 117.1, 36.6 }, new[] { 117.1, 36.7 }, new[] { 117.0, 36.7 } } } })),
                new GridInput("370102001007", "a point", Boundary: JsonSerializer.SerializeToElement(new { type = "Point", coordinates = new[] { 117.0, 36.6 } })),
                new GridInput("370102001008", "latitude out of range", Boundary: Square(117.0, 95)),
                new GridInput("370102001009", ""),
                new GridInput("370102002000", "township with a bad gateway id", Gateway: "GW Beta"),
            ],
            Members: [new MemberInput("bad id!", "Someone", "370102777777"), new MemberInput("ok.member", "Someone", "999999999999")],
            Enterprises: [new EnterpriseInput("ent-x", "Works", "county", City, JsonSerializer.SerializeToElement(new[] { 1 }))]);

        var result = await _rig.Registry.ImportAsync(bad, cancellationToken: Ct);

        Assert.Equal(RegistryFailure.Invalid, result.Failure);
        var fields = result.Errors.Select(e => e.Field).ToList();
        Assert.Contains("grids[0].code", fields);
        Assert.Contains("grids[1].level", fields);
        Assert.Contains("grids[3].gateway", fields);
        Assert.Contains("grids[4].parent", fields);
        Assert.Contains("grids[5].boundary.coordinates[0]", fields);
        Assert.Contains("grids[6].boundary.type", fields);
        Assert.Contains("grids[7].boundary.coordinates[0][0]", fields);
        Assert.Contains("grids[8].name", fields);
        Assert.Contains("grids[9].gateway", fields);
        Assert.Contains("members[0].id", fields);
        Assert.Contains("enterprises[0].class", fields);
        Assert.Contains("enterprises[0].file", fields);
        Assert.Empty(await _rig.Store.ListGridsAsync(null, null, null, 100, Ct));

        // Structure right, references wrong: the missing parents and grids are named.
        var orphans = await _rig.Registry.ImportAsync(new GridDocument(
            Grids: [new GridInput(City, "Jinan"), new GridInput("370102009001", "parent township missing")],
            Members: [new MemberInput("ok.member", "Someone", "370199000000")]), cancellationToken: Ct);
        Assert.Equal(RegistryFailure.Invalid, orphans.Failure);
        Assert.Equal(["grids[1].parent", "members[0].grid"], orphans.Errors.Select(e => e.Field));
        Assert.Equal("370102009000", orphans.Errors[0].Value);
        Assert.Empty(await _rig.Store.ListGridsAsync(null, null, null, 100, Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task Creating_what_exists_is_a_conflict_and_a_put_replaces_it()
    {
        await _rig.Registry.ImportAsync(Document(), cancellationToken: Ct);

        var again = await _rig.Registry.ImportAsync(new GridDocument(Grids: [new GridInput(TownA, "Town A again")]), create: true, Ct);
        Assert.Equal(RegistryFailure.Conflict, again.Failure);

        var replaced = await _rig.Registry.ImportAsync(new GridDocument(Grids: [new GridInput(TownA, "Town A renamed", Gateway: "gw-alpha")]), cancellationToken: Ct);
        Assert.True(replaced.Ok);
        Assert.Equal("Town A renamed", (await _rig.Store.GetGridAsync(TownA, Ct))!.Name);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_token_is_returned_once_and_only_its_hash_is_stored()
    {
        await _rig.Registry.ImportAsync(Document(), cancellationToken: Ct);

        var issued = await _rig.Registry.IssueTerminalAsync("t-1", "li.na", Ct);

        Assert.True(issued.Ok);
        var token = issued.Value!.Token;
        Assert.Equal(32, Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Equal(TerminalTokens.Hash(token), issued.Value.TokenSha256);
        var stored = (await _rig.Stores.Terminals.GetAsync("t-1", Ct))!;
        Assert.Equal(TerminalTokens.Hash(token), stored.TokenSha256);
        Assert.Equal(VillageA1, stored.Grid);

        // The token itself is nowhere in the ledger file (nor its WAL).
        _rig.Database.ClearPool();
        foreach (var file in Directory.GetFiles(_rig.Folder, "ledger.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file, Ct);
            Assert.DoesNotContain(token, Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Issuing_needs_an_active_member_and_a_free_id()
    {
        await _rig.Registry.ImportAsync(Document(), cancellationToken: Ct);
        await _rig.Registry.IssueTerminalAsync("t-1", "li.na", Ct);

        Assert.Equal(RegistryFailure.NotFound, (await _rig.Registry.IssueTerminalAsync("t-2", "nobody", Ct)).Failure);
        Assert.Equal(RegistryFailure.Conflict, (await _rig.Registry.IssueTerminalAsync("t-1", "zhao.lei", Ct)).Failure);
        await _rig.Registry.ImportAsync(new GridDocument(Members: [new MemberInput("zhao.lei", "Zhao Lei", VillageA2, Active: false)]), cancellationToken: Ct);
        Assert.Equal(RegistryFailure.Conflict, (await _rig.Registry.IssueTerminalAsync("t-2", "zhao.lei", Ct)).Failure);

        // A revoked id may be issued again, with a new token.
        var first = (await _rig.Stores.Terminals.GetAsync("t-1", Ct))!.TokenSha256;
        await _rig.Registry.RevokeTerminalAsync("t-1", Ct);
        var reissued = await _rig.Registry.IssueTerminalAsync("t-1", "sun.li", Ct);
        Assert.True(reissued.Ok);
        Assert.NotEqual(first, reissued.Value!.TokenSha256);
    }

    [Fact(Timeout = 30_000)]
    public async Task Each_gateway_gets_the_terminals_and_village_boundaries_of_its_townships()
    {
        await _rig.Registry.ImportAsync(Document(), cancellationToken: Ct);
        await _rig.Registry.IssueTerminalAsync("t-1", "li.na", Ct);
        await _rig.Registry.IssueTerminalAsync("t-2", "zhao.lei", Ct);
        await _rig.Registry.IssueTerminalAsync("t-3", "sun.li", Ct);
        await _rig.Registry.IssueTerminalAsync("t-4", "chen.jie", Ct);          // Town C has no gateway
        await _rig.Registry.IssueTerminalAsync("t-5", "county.inspector", Ct);  // a county member is under no township

        var alpha = GridRig.Directory(_rig.Downlink.Last("gw-alpha"));
        Assert.Equal(["t-1", "t-2"], alpha.Terminals.Select(t => t.TerminalId));
        Assert.Equal(("li.na", VillageA1), (alpha.Terminals[0].MemberId, alpha.Terminals[0].GridCode));
        Assert.Equal([VillageA1, VillageA2], alpha.Grids.Select(g => g.GridCode));
        Assert.Equal("Polygon", alpha.Grids[0].Boundary.GetProperty("type").GetString());
        var beta = GridRig.Directory(_rig.Downlink.Last("gw-beta"));
        Assert.Equal(["t-3"], beta.Terminals.Select(t => t.TerminalId));
        Assert.Equal([VillageB1], beta.Grids.Select(g => g.GridCode));
        Assert.DoesNotContain(_rig.Downlink.Configs, c => c.GatewayId is not ("gw-alpha" or "gw-beta"));

        // Versions keep increasing, and no rules were ever sent: "" keeps the rules in effect.
        var versions = _rig.Downlink.Configs.Where(c => c.GatewayId == "gw-alpha").Select(c => c.Version).ToList();
        Assert.Equal(["terminals-1", "terminals-2", "terminals-3"], versions);
        Assert.All(_rig.Downlink.Configs, c => Assert.Equal("", c.AlertRules));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_revoked_terminal_leaves_the_directory_and_a_moved_member_changes_gateway()
    {
        await _rig.Registry.ImportAsync(Document(), cancellationToken: Ct);
        await _rig.Registry.IssueTerminalAsync("t-1", "li.na", Ct);
        await _rig.Registry.IssueTerminalAsync("t-2", "zhao.lei", Ct);

        var revoked = await _rig.Registry.RevokeTerminalAsync("t-1", Ct);

        Assert.True(revoked.Ok);
        Assert.NotNull(revoked.Value!.RevokedAt);
        Assert.Equal(["t-2"], GridRig.Directory(_rig.Downlink.Last("gw-alpha")).Terminals.Select(t => t.TerminalId));

        // Zhao Lei moves to Town B: gw-alpha loses the terminal, gw-beta gains it.
        await _rig.Registry.ImportAsync(new GridDocument(Members: [new MemberInput("zhao.lei", "Zhao Lei", VillageB1)]), cancellationToken: Ct);
        Assert.Empty(GridRig.Directory(_rig.Downlink.Last("gw-alpha")).Terminals);
        Assert.Equal(["t-2"], GridRig.Directory(_rig.Downlink.Last("gw-beta")).Terminals.Select(t => t.TerminalId));

        // Town B gets another gateway: gw-beta is sent an empty directory, gw-gamma the terminal.
        await _rig.Registry.ImportAsync(new GridDocument(Grids: [new GridInput(TownB, "Town B", Gateway: "gw-gamma")]), cancellationToken: Ct);
        Assert.Empty(GridRig.Directory(_rig.Downlink.Last("gw-beta")).Terminals);
        Assert.Empty(GridRig.Directory(_rig.Downlink.Last("gw-beta")).Grids);
        Assert.Equal(["t-2"], GridRig.Directory(_rig.Downlink.Last("gw-gamma")).Terminals.Select(t => t.TerminalId));

        // A member made inactive takes the terminal out of the directory.
        await _rig.Registry.ImportAsync(new GridDocument(Members: [new MemberInput("zhao.lei", "Zhao Lei", VillageB1, Active: false)]), cancellationToken: Ct);
        Assert.Empty(GridRig.Directory(_rig.Downlink.Last("gw-gamma")).Terminals);
        await _rig.Registry.ImportAsync(new GridDocument(Members: [new MemberInput("zhao.lei", "Zhao Lei", VillageB1)]), cancellationToken: Ct);

        // An unchanged directory is not sent again.
        var count = _rig.Downlink.Configs.Count;
        await _rig.Registry.ImportAsync(new GridDocument(Members: [new MemberInput("zhao.lei", "Zhao Lei", VillageB1)]), cancellationToken: Ct);
        Assert.Equal(count, _rig.Downlink.Configs.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task Rules_carry_the_directory_and_a_directory_carries_the_last_rules()
    {
        await _rig.Registry.ImportAsync(Document(), cancellationToken: Ct);
        await _rig.Registry.IssueTerminalAsync("t-1", "li.na", Ct);

        var sent = await _rig.Publisher.PublishRulesAsync("gw-alpha", """{"dust": []}""", Ct);

        var config = _rig.Downlink.Last("gw-alpha");
        Assert.Equal((sent.Version, """{"dust": []}"""), (config.Version, config.AlertRules));
        Assert.StartsWith("rules-", config.Version, StringComparison.Ordinal);
        Assert.Equal(["t-1"], GridRig.Directory(config).Terminals.Select(t => t.TerminalId));

        await _rig.Registry.IssueTerminalAsync("t-2", "zhao.lei", Ct);
        var next = _rig.Downlink.Last("gw-alpha");
        Assert.Equal("""{"dust": []}""", next.AlertRules);
        Assert.Equal(["t-1", "t-2"], GridRig.Directory(next).Terminals.Select(t => t.TerminalId));

        // A gateway serving no township gets rules only (its directory left as it is).
        await _rig.Publisher.PublishRulesAsync("gw-gamma", """{"dust": []}""", Ct);
        Assert.Null(_rig.Downlink.Last("gw-gamma").Terminals);
    }

    private sealed class Holder(bool holds) : Cluster.IDutyHolder
    {
        public bool Holds(string duty) => holds && duty == DirectoryDuty.DutyName;
    }

    [Fact(Timeout = 30_000)]
    public async Task Only_the_node_holding_the_directories_duty_publishes_and_it_publishes_what_another_node_recorded()
    {
        // Node B shares node A's ledger and broker but does not hold the duty: its changes are committed, not published.
        var nodeB = new TerminalDirectoryPublisher(_rig.Stores.Registry, _rig.Ledger.Commands, _rig.Downlink, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TerminalDirectoryPublisher>.Instance, new Holder(false));
        var nodeA = new TerminalDirectoryPublisher(_rig.Stores.Registry, _rig.Ledger.Commands, _rig.Downlink, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TerminalDirectoryPublisher>.Instance, new Holder(true));
        var registryB = new GridRegistry(_rig.Stores.Registry, _rig.Stores.Terminals, nodeB);
        await _rig.Registry.ImportAsync(Document(), cancellationToken: Ct);
        await nodeA.SyncAllAsync(republishSame: false, Ct);
        var published = _rig.Downlink.Configs.Count;

        var rules = await nodeB.PublishRulesAsync("gw-alpha", """{"dust": []}""", Ct);
        Assert.Equal(published, _rig.Downlink.Configs.Count);
        Assert.False(nodeB.MayPublish);

        // The holder's next round publishes the rules under the version node B recorded.
        await nodeA.SyncAllAsync(republishSame: false, Ct);
        Assert.Equal((rules.Version, """{"dust": []}"""), (_rig.Downlink.Last("gw-alpha").Version, _rig.Downlink.Last("gw-alpha").AlertRules));

        // A terminal issued on node B: committed there, published by the holder with the rules in effect.
        Assert.True((await registryB.IssueTerminalAsync("t-1", "li.na", Ct)).Ok);
        Assert.Empty(GridRig.Directory(_rig.Downlink.Last("gw-alpha")).Terminals);
        await nodeA.SyncAllAsync(republishSame: false, Ct);
        var config = _rig.Downlink.Last("gw-alpha");
        Assert.Equal("""{"dust": []}""", config.AlertRules);
        Assert.Equal(["t-1"], GridRig.Directory(config).Terminals.Select(t => t.TerminalId));
        // And only once: a further round finds nothing new.
        var count = _rig.Downlink.Configs.Count;
        await nodeA.SyncAllAsync(republishSame: false, Ct);
        Assert.Equal(count, _rig.Downlink.Configs.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_broker_failure_keeps_the_change_and_the_directory_is_sent_later()
    {
        await _rig.Registry.ImportAsync(Document(), cancellationToken: Ct);
        _rig.Downlink.Fail = true;

        var issued = await _rig.Registry.IssueTerminalAsync("t-1", "li.na", Ct);

        Assert.True(issued.Ok);
        Assert.True(issued.PublishFailed);
        Assert.NotNull(await _rig.Stores.Terminals.GetAsync("t-1", Ct));
        Assert.Equal(["gw-alpha"], _rig.Publisher.Pending);

        _rig.Downlink.Fail = false;
        await _rig.Publisher.PublishChangedAsync(_rig.Publisher.Pending, Ct);
        Assert.Empty(_rig.Publisher.Pending);
        Assert.Equal(["t-1"], GridRig.Directory(_rig.Downlink.Last("gw-alpha")).Terminals.Select(t => t.TerminalId));

        // After a restart of the broker, the same configuration is published again, same version.
        var before = _rig.Downlink.Last("gw-alpha");
        await _rig.Publisher.SyncAllAsync(republishSame: true, Ct);
        Assert.Equal(before, _rig.Downlink.Last("gw-alpha"));
    }

    [Fact(Timeout = 30_000)]
    public void Geojson_multipolygons_are_checked_polygon_by_polygon()
    {
        var good = JsonSerializer.SerializeToElement(new
        {
            type = "MultiPolygon",
            coordinates = new[] { new[] { new[] { new[] { 117.0, 36.6 }, new[] { 117.1, 36.6 }, new[] { 117.1, 36.7 }, new[] { 117.0, 36.6 } } } },
        });
        Assert.Empty(GeoJsonBoundary.Check(good, "boundary"));
        var bad = JsonSerializer.SerializeToElement(new { type = "MultiPolygon", coordinates = new[] { new[] { new[] { new[] { 117.0, 36.6 } } } } });
        Assert.Contains(GeoJsonBoundary.Check(bad, "boundary"), p => p.StartsWith("boundary.coordinates[0][0]: 1 positions", StringComparison.Ordinal));
        Assert.NotEmpty(GeoJsonBoundary.Check(JsonSerializer.SerializeToElement("Polygon"), "boundary"));
    }
}
