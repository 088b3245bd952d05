using System.Diagnostics;
using Npgsql;

namespace GridEdge.Testing;

/// <summary>
/// A private PostgreSQL cluster for one test run: Debian's <c>initdb</c> and <c>pg_ctl</c> (tests/run.sh installs the
/// postgresql package) on a free loopback port, its data in a temporary folder, run as the <c>postgres</c> user when the
/// tests run as root (PostgreSQL refuses root), stopped and removed on dispose. Each test takes a database of its own.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string Superuser = "gridedge";
    private readonly string _bin;
    private readonly string _dir;
    private int _databases;

    private PostgresCluster(string bin, string dir, int port)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
    }

    /// <summary>The port the cluster listens on (127.0.0.1 only).</summary>
    public int Port { get; }

    /// <summary>
    /// Creates and starts a cluster. <paramref name="durable"/> false turns fsync off (tests of behaviour); true keeps
    /// PostgreSQL's defaults (measurements).
    /// </summary>
    public static async Task<PostgresCluster> StartAsync(bool durable = false, Action<string>? log = null)
    {
        var bin = FindBin() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run tests/run.sh, which installs the postgresql package from apt");
        var dir = Path.Combine(Path.GetTempPath(), "gridedge-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", ["postgres:postgres", dir], log);
        var data = Path.Combine(dir, "data");
        await RunAsync(asRoot, Path.Combine(bin, "initdb"), ["-D", data, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], log);
        var port = Loopback.FreePort();
        string[] options = ["-c", "listen_addresses=127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", dir,
            "-c", "max_connections=300", "-c", "shared_buffers=64MB"];
        if (!durable) options = [.. options, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
        await RunAsync(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(dir, "log"), "-w", "-t", "60", "-o", string.Join(' ', options), "start"], log);
        return new PostgresCluster(bin, dir, port);
    }

    /// <summary>The connection string of the cluster's maintenance database.</summary>
    public string AdminConnectionString => Connection("postgres");

    /// <summary>Creates an empty database of its own for one test; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var name = $"{prefix ?? "t"}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection);
        await create.ExecuteNonQueryAsync();
        return Connection(name);
    }

    /// <summary>The connection string of database <paramref name="database"/>.</summary>
    public string Connection(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = Superuser, Database = database, Pooling = true, MaxPoolSize = 50 }.ToString();

    /// <summary>Stops the cluster at once and removes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await RunAsync(Environment.UserName == "root", Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"], null); }
        catch (InvalidOperationException) { /* already stopped */ }
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            : null;

    private static Task RunAsync(bool asPostgres, string program, string[] args, Action<string>? log) =>
        asPostgres ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args], log) : RunAsync(program, args, log);

    private static async Task RunAsync(string program, string[] args, Action<string>? log)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var output = (await stdout) + (await stderr);
        log?.Invoke($"{Path.GetFileName(program)}: {output.Trim()}");
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} exited {process.ExitCode}: {output.Trim()}");
    }
}
