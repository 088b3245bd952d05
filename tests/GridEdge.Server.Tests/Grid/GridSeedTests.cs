using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static GridEdge.Server.Tests.Grid.GridSamples;

namespace GridEdge.Server.Tests.Grid;

/// <summary>The seed file (Server:Grid:SeedFile) and a whole city's import.</summary>
public sealed class GridSeedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_seed_file_sets_a_township_up_and_its_directory_is_published_at_start()
    {
        using var folder = new TempFolder();
        var seed = folder.File("grid-seed.json");
        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(Document(), new JsonSerializerOptions(JsonSerializerDefaults.Web)), Ct);

        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Grid:SeedFile"] = seed });
        using var http = server.Http();

        var grid = await http.GetFromJsonAsync<JsonElement>($"/api/grids/{TownA}", Ct);
        Assert.Equal(("gw-alpha", 2), (grid.GetProperty("gateway").GetString(), grid.GetProperty("children").GetInt32()));
        using var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
        await gateway.SubscribeAsync(Topics.Config("gw-alpha"), Ct);
        var decoded = WireCodec.Decode(System.Buffers.BuffersExtensions.ToArray(gateway.Receive(TimeSpan.FromSeconds(10)).Payload));
        var config = Assert.IsType<GatewayConfig>(decoded.Value);
        Assert.Equal([VillageA1, VillageA2], GridRig.Directory(config).Grids.Select(g => g.GridCode));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_bad_seed_file_stops_the_host_naming_the_field()
    {
        using var folder = new TempFolder();
        var seed = folder.File("grid-seed.json");
        await File.WriteAllTextAsync(seed, """{"grids": [{"code": "370100000000", "name": "Jinan"}, {"code": "370102001001", "name": "orphan village"}]}""", Ct);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Grid:SeedFile"] = seed }));

        Assert.Contains("Server:Grid:SeedFile", e.Message, StringComparison.Ordinal);
        Assert.Contains("grids[1].parent", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_grid_tables_exist_before_the_broker_lets_gateways_in()
    {
        using var folder = new TempFolder();
        await using var app = ServerHost.Build([], new Dictionary<string, string?>
        {
            ["Server:Ledger:Path"] = folder.File("ledger.db"),
            ["Server:Logs:Directory"] = folder.File("logs"),
        });

        var order = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Select(s => s.GetType().Name).ToList();

        foreach (var name in new[] { "LedgerMigration", "GridInitializer", "EmbeddedBroker", "SingletonDuties" }) Assert.Contains(name, order);
        Assert.True(order.IndexOf("LedgerMigration") < order.IndexOf("GridInitializer"), string.Join(", ", order));
        Assert.True(order.IndexOf("GridInitializer") < order.IndexOf("EmbeddedBroker"), string.Join(", ", order));
        // The directories duty publishes through the broker: the duties start after it.
        Assert.True(order.IndexOf("EmbeddedBroker") < order.IndexOf("SingletonDuties"), string.Join(", ", order));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_city_of_5209_villages_imports_in_one_document()
    {
        using var rig = new GridRig();
        var grids = new List<GridInput> { new(City, "Jinan") };
        var villages = 0;
        for (var county = 1; county <= 12; county++)
        {
            var countyCode = $"3701{county:D2}000000";
            grids.Add(new GridInput(countyCode, $"County {county}"));
            for (var town = 1; town <= 12 && grids.Count(g => g.Code!.EndsWith("000", StringComparison.Ordinal) && GridLevels.Of(g.Code!) == 3) < 143; town++)
            {
                var townCode = $"3701{county:D2}{town:D3}000";
                grids.Add(new GridInput(townCode, $"Town {county}-{town}", Gateway: $"gw-{county:D2}{town:D3}"));
                for (var v = 1; v <= 37 && villages < 5209; v++, villages++)
                    grids.Add(new GridInput($"3701{county:D2}{town:D3}{v:D3}", $"Village {county}-{town}-{v}", Boundary: Square(116.5 + town * 0.1, 36 + v * 0.01)));
            }
        }
        Assert.Equal(5209, villages);

        var result = await rig.Registry.ImportAsync(new GridDocument(Grids: grids), cancellationToken: Ct);

        Assert.True(result.Ok, string.Join("; ", result.Errors));
        Assert.Equal(5209, (await rig.Store.ListGridsAsync(null, 4, null, 10_000, Ct)).Count);
        Assert.Equal(result.Value!.Gateways.Count, rig.Downlink.Configs.Count);
        Assert.Equal(143, rig.Downlink.Configs.Count);
        Assert.Equal(5209, rig.Downlink.Configs.Sum(c => GridRig.Directory(c).Grids.Count));
    }
}
