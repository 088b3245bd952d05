using System.Security.Cryptography;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Commands;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Grid;

/// <summary>A small real grid: Jinan (city), Lixia and Shizhong (counties), three townships, a few villages, members and their codes.</summary>
public static class GridSamples
{
    public const string City = "370100000000";
    public const string Lixia = "370102000000";
    public const string Shizhong = "370103000000";
    public const string TownA = "370102001000";   // served by gw-alpha
    public const string TownB = "370102002000";   // served by gw-beta
    public const string TownC = "370103001000";   // no gateway yet
    public const string VillageA1 = "370102001001";
    public const string VillageA2 = "370102001002";
    public const string VillageB1 = "370102002001";
    public const string VillageC1 = "370103001001";

    public static JsonElement Square(double lon, double lat, double size = 0.01) => JsonSerializer.SerializeToElement(new
    {
        type = "Polygon",
        coordinates = new[] { new[] { new[] { lon, lat }, new[] { lon + size, lat }, new[] { lon + size, lat + size }, new[] { lon, lat + size }, new[] { lon, lat } } },
    });

    public static GridDocument Document() => new(
        Grids:
        [
            // Children before parents on purpose: the import orders them.
            new GridInput(VillageA1, "Village A1", Boundary: Square(117.00, 36.60)),
            new GridInput(City, "Jinan"),
            new GridInput(Lixia, "Lixia District", Level: 2, Parent: City),
            new GridInput(Shizhong, "Shizhong District"),
            new GridInput(TownA, "Town A", Gateway: "gw-alpha", Chief: "wang.wei"),
            new GridInput(TownB, "Town B", Gateway: "gw-beta"),
            new GridInput(TownC, "Town C"),
            new GridInput(VillageA2, "Village A2", Boundary: Square(117.02, 36.60)),
            new GridInput(VillageB1, "Village B1", Boundary: Square(117.10, 36.60)),
            new GridInput(VillageC1, "Village C1", Boundary: Square(117.20, 36.60)),
        ],
        Members:
        [
            new MemberInput("li.na", "Li Na", VillageA1, "13800000001"),
            new MemberInput("zhao.lei", "Zhao Lei", VillageA2),
            new MemberInput("sun.li", "Sun Li", VillageB1),
            new MemberInput("chen.jie", "Chen Jie", VillageC1),
            new MemberInput("county.inspector", "County Inspector", Lixia),
        ],
        KeyPoints: [new KeyPointInput("kp-1", "Construction site 3", VillageA1, 36.605, 117.005)],
        Enterprises:
        [
            new EnterpriseInput("ent-1", "Lixia Cement", EnterpriseClasses.Province, VillageA1,
                JsonSerializer.SerializeToElement(new { license = "91370100MA3C", discharges = new[] { "dust" } })),
        ]);
}

/// <summary>Terminal records as gateways send them up.</summary>
public static class TerminalSamples
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 2, 1, 0, 0, TimeSpan.Zero);

    public static CheckIn CheckIn(string recordId, string member, string grid, DateTimeOffset fix, string terminal = "t-1",
        GeofenceResult geofence = GeofenceResult.Inside) =>
        new(recordId, member, terminal, grid, 36.605, 117.005, 8.5, fix, "north gate", geofence, fix.AddSeconds(2), ClockQuality.NetworkSynced);

    public static PatrolRecord Patrol(string recordId, string member, string grid, DateTimeOffset start, params string[] attachments) =>
        new(recordId, member, "t-1", grid, start, start.AddMinutes(40),
            [new TrackPoint(36.601, 117.001, start), new TrackPoint(36.603, 117.004, start.AddMinutes(20))],
            [new PlaceVisit(PlaceKind.KeyPoint, "kp-1", "Construction site 3", start.AddMinutes(10)),
             new PlaceVisit(PlaceKind.Enterprise, "ent-1", "Lixia Cement", start.AddMinutes(25)),
             new PlaceVisit(PlaceKind.Other, null, "Riverbank", start.AddMinutes(35))],
            "dust net missing on the east pile", attachments, start.AddMinutes(41), ClockQuality.GnssDisciplined);

    public static ProblemReport Problem(string recordId, string member, string grid, DateTimeOffset at, ProblemCategory category = ProblemCategory.Dust,
        params string[] attachments) =>
        new(recordId, member, "t-1", grid, 36.604, 117.006, "East pile, site 3", category, "uncovered pile, visible dust", attachments, at, ClockQuality.NetworkSynced);

    public static Batch Batch(string gateway, string stream, long firstSeq, params GridEdge.Protocol.Records.Record[] records) => new(gateway, stream, firstSeq, records);

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A file cut into chunks of <paramref name="chunk"/> bytes.</summary>
    public static List<AttachmentChunk> Chunks(byte[] file, int chunk, string? sha = null, string terminal = "t-1") =>
        Enumerable.Range(0, Math.Max(1, (file.Length + chunk - 1) / chunk))
            .Select(i => new AttachmentChunk(sha ?? Sha(file), "image/jpeg", file.Length, (long)i * chunk,
                file.AsSpan(i * chunk, Math.Min(chunk, file.Length - i * chunk)).ToArray(), terminal, T0.AddSeconds(i), ClockQuality.NetworkSynced))
            .ToList();
}

/// <summary>An <see cref="IDownlinkPublisher"/> that keeps what it was given, and can fail like a broker that is down.</summary>
public sealed class RecordingDownlink : IDownlinkPublisher
{
    private readonly Lock _gate = new();
    private readonly List<GatewayConfig> _configs = [];
    public bool Fail { get; set; }

    public IReadOnlyList<GatewayConfig> Configs { get { lock (_gate) return _configs.ToList(); } }

    public GatewayConfig Last(string gateway) => Configs.Last(c => c.GatewayId == gateway);

    public Task PublishAsync(Command command, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task PublishAsync(GatewayConfig config, CancellationToken cancellationToken = default)
    {
        if (Fail) throw new InvalidOperationException("broker unavailable");
        lock (_gate) _configs.Add(config);
        return Task.CompletedTask;
    }

    private readonly List<TaskList> _tasks = [];

    public IReadOnlyList<TaskList> TaskLists { get { lock (_gate) return _tasks.ToList(); } }

    public Task PublishAsync(TaskList tasks, CancellationToken cancellationToken = default)
    {
        if (Fail) throw new InvalidOperationException("broker unavailable");
        lock (_gate) _tasks.Add(tasks);
        return Task.CompletedTask;
    }
}

/// <summary>The grid's stores and the readings ledger on one SQLite file, a recording downlink, the publisher and the registry.</summary>
public sealed class GridRig : IDisposable
{
    private readonly TempFolder _folder = new();

    public GridRig()
    {
        Ledger = TestLedger.OpenSqliteWithGrid(_folder.File("ledger.db"));
        Stores = GridLedgerSet.CreateAsync(Ledger.Database).GetAwaiter().GetResult();
        Publisher = new TerminalDirectoryPublisher(Stores.Registry, Ledger.Commands, Downlink, TimeProvider.System, NullLogger<TerminalDirectoryPublisher>.Instance);
        Registry = new GridRegistry(Stores.Registry, Stores.Terminals, Publisher);
    }

    public TestLedger Ledger { get; }
    public SqliteLedgerDatabase Database => (SqliteLedgerDatabase)Ledger.Database;
    public GridLedgerSet Stores { get; }
    public IGridRegistryStore Store => Stores.Registry;
    public GridStore Ingest => Stores.Ingest;
    public RecordingDownlink Downlink { get; } = new();
    public TerminalDirectoryPublisher Publisher { get; }
    public GridRegistry Registry { get; }
    public string Folder => _folder.Path;

    public static TerminalDirectory Directory(GatewayConfig config)
    {
        Assert.NotNull(config.Terminals);
        var directory = TerminalDirectory.Parse(config.Terminals!, out var errors);
        Assert.True(directory is not null, string.Join("; ", errors));
        return directory!;
    }

    public void Dispose()
    {
        Ledger.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _folder.Dispose();
    }
}
