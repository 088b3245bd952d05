using System.Security.Cryptography;
using System.Text;
using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Edge.Terminals;

/// <summary>
/// The terminal directory in force on this gateway: which bearer tokens belong to which terminal and member, and the
/// boundaries of their grids. Set by the server's configuration (<see cref="Commands.CommandService"/>), kept in
/// {DataDirectory}/terminals.json so the gateway serves terminals after a reboot without uplink.
/// </summary>
public sealed class TerminalDirectoryStore
{
    /// <summary>The directory as last accepted from the server.</summary>
    public const string FileName = "terminals.json";

    private readonly string _dataDirectory;
    private readonly ILogger _logger;
    private volatile PreparedDirectory _current = PreparedDirectory.Empty;

    public TerminalDirectoryStore(string dataDirectory, ILogger? logger = null)
    {
        _dataDirectory = dataDirectory;
        _logger = logger ?? NullLogger.Instance;
        Load();
    }

    /// <summary>The directory in force (empty until the server sends one: every terminal is refused).</summary>
    public TerminalDirectory Directory => _current.Directory;

    /// <summary>Raised after a new directory took effect.</summary>
    public event Action<TerminalDirectory>? Changed;

    /// <summary>The terminal whose bearer token this is, or null (never issued, or revoked).</summary>
    public TerminalEntry? FindByToken(string token)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        return _current.ByTokenHash.GetValueOrDefault(hash);
    }

    /// <summary>The boundary of a grid, or null when the directory has none for it.</summary>
    public GridArea? FindArea(string gridCode) => _current.Areas.GetValueOrDefault(gridCode);

    /// <summary>Parses and checks a directory (the protocol's rules, and every boundary a Polygon or MultiPolygon); null with every problem named otherwise.</summary>
    public static PreparedDirectory? Prepare(string json, out IReadOnlyList<string> errors)
    {
        var directory = TerminalDirectory.Parse(json, out errors);
        if (directory is null) return null;
        var problems = new List<string>();
        var areas = new Dictionary<string, GridArea>(StringComparer.Ordinal);
        for (var i = 0; i < directory.Grids.Count; i++)
        {
            var area = GridArea.Parse(directory.Grids[i].Boundary, $"$.grids[{i}].boundary", out var problem);
            if (area is null) problems.Add(problem!);
            else areas[directory.Grids[i].GridCode] = area;
        }
        var byToken = new Dictionary<string, TerminalEntry>(StringComparer.Ordinal);
        for (var i = 0; i < directory.Terminals.Count; i++)
        {
            var t = directory.Terminals[i];
            if (!byToken.TryAdd(t.TokenSha256, t)) problems.Add($"$.terminals[{i}].tokenSha256: the same token as terminal '{byToken[t.TokenSha256].TerminalId}'");
        }
        errors = problems;
        return problems.Count == 0 ? new PreparedDirectory(directory, json, byToken, areas) : null;
    }

    /// <summary>Stores a prepared directory durably (temp file, fsync, rename, fsync of the folder) and then puts it in force.</summary>
    /// <exception cref="IOException">It could not be stored; the directory in force stays.</exception>
    public void Apply(PreparedDirectory prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        System.IO.Directory.CreateDirectory(_dataDirectory);
        FileSync.Replace(Path.Combine(_dataDirectory, FileName), Encoding.UTF8.GetBytes(prepared.Json));
        _current = prepared;
        _logger.LogInformation("Terminal directory in force: {Terminals} terminals, {Grids} grids", prepared.Directory.Terminals.Count, prepared.Directory.Grids.Count);
        Changed?.Invoke(prepared.Directory);
    }

    private void Load()
    {
        var path = Path.Combine(_dataDirectory, FileName);
        if (!File.Exists(path)) return;
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(e, "The stored terminal directory {Path} cannot be read; every terminal is refused until the server sends one", path);
            return;
        }
        var prepared = Prepare(json, out var errors);
        if (prepared is null)
        {
            _logger.LogError("The stored terminal directory {Path} is not valid ({Errors}); every terminal is refused until the server sends one", path, string.Join("; ", errors));
            return;
        }
        _current = prepared;
        _logger.LogInformation("Terminal directory loaded from {Path}: {Terminals} terminals, {Grids} grids", path, prepared.Directory.Terminals.Count, prepared.Directory.Grids.Count);
    }
}

/// <summary>A checked terminal directory with its look-ups built, ready to be put in force.</summary>
public sealed class PreparedDirectory
{
    internal PreparedDirectory(TerminalDirectory directory, string json, IReadOnlyDictionary<string, TerminalEntry> byTokenHash, IReadOnlyDictionary<string, GridArea> areas)
    {
        Directory = directory;
        Json = json;
        ByTokenHash = byTokenHash;
        Areas = areas;
    }

    internal static PreparedDirectory Empty { get; } = new(TerminalDirectory.Empty, TerminalDirectory.Empty.ToJson(),
        new Dictionary<string, TerminalEntry>(), new Dictionary<string, GridArea>());

    public TerminalDirectory Directory { get; }
    internal string Json { get; }
    internal IReadOnlyDictionary<string, TerminalEntry> ByTokenHash { get; }
    internal IReadOnlyDictionary<string, GridArea> Areas { get; }
}
