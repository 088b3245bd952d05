using System.Globalization;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Options;

namespace GridEdge.Server;

/// <summary>Everything under the "Server" configuration section, bound once and validated at start.</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    public LedgerOptions Ledger { get; set; } = new();
    public IngestOptions Ingest { get; set; } = new();
    public BrokerOptions Broker { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
    public LogOptions Logs { get; set; } = new();
    public Alerts.AlertResponseOptions Alerts { get; set; } = new();
    public GridOptions Grid { get; set; } = new();
    public Calendar.CalendarOptions Calendar { get; set; } = new();
    public Scores.ScoreOptions Scores { get; set; } = new();

    /// <summary>Gateways allowed to connect to the embedded broker: client id = username = <see cref="GatewayAccountOptions.Id"/>.</summary>
    public List<GatewayAccountOptions> Gateways { get; set; } = [];
}

/// <summary>Server:Ledger: the engine that holds the ledgers and where.</summary>
public sealed class LedgerOptions
{
    /// <summary>Server:Ledger:Provider: <c>sqlite</c> (embedded, the default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The SQLite ledger file (Server:Ledger:Path), for the sqlite provider.</summary>
    public string Path { get; set; } = "./data/ledger.db";

    /// <summary>An Npgsql connection string (Server:Ledger:ConnectionString), for the postgres provider.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Server:Ledger:ReadingsRetentionMonths: months of readings kept (0 keeps all). PostgreSQL drops whole monthly
    /// partitions older than this; SQLite deletes the rows.
    /// </summary>
    public int ReadingsRetentionMonths { get; set; }
}

/// <summary>Server:Ingest: limits applied to every payload before decoding.</summary>
public sealed class IngestOptions
{
    public const int DefaultMaxPayloadBytes = 1024 * 1024;

    /// <summary>Payloads above this are rejected before decoding (Server:Ingest:MaxPayloadBytes).</summary>
    public int MaxPayloadBytes { get; set; } = DefaultMaxPayloadBytes;
}

/// <summary>Where the MQTT broker is: in this process (embedded) or an external one such as Mosquitto or EMQX.</summary>
public enum BrokerMode
{
    Embedded,
    External,
}

/// <summary>Server:Broker: the embedded broker's endpoint, or the external broker and the ingest user's account.</summary>
public sealed class BrokerOptions
{
    public BrokerMode Mode { get; set; } = BrokerMode.Embedded;

    /// <summary>Embedded: the address to listen on. External: the broker to connect to.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>External only: the ingest user's credentials.</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>External only: the MQTT client id; stable so the broker keeps the session across restarts.</summary>
    public string? ClientId { get; set; }

    /// <summary>External mode: connect to the broker over TLS (Server:Broker:UseTls).</summary>
    public bool UseTls { get; set; }

    /// <summary>External mode with TLS: a PEM file of the CA that signed the broker's certificate, trusted instead of the system's CAs.</summary>
    public string? CaFile { get; set; }

    /// <summary>External only: the $share group ingest nodes split messages in; empty turns shared subscriptions off.</summary>
    public string? SharedGroup { get; set; } = "gridedge-ingest";

    /// <summary>External only: how long the broker keeps the ingest session while it is disconnected.</summary>
    public uint SessionExpirySeconds { get; set; } = 3600;

    /// <summary>External only: the ceiling of the reconnect backoff.</summary>
    public double ReconnectCapSeconds { get; set; } = 30;

    /// <summary>Embedded only: how many messages the broker queues per client before dropping the oldest.</summary>
    public int MaxPendingMessagesPerClient { get; set; } = 1000;

    /// <summary>Embedded only: the largest MQTT packet accepted; a fixed header announcing more closes the connection
    /// before the packet is read (a batch is at most Server:Ingest:MaxPayloadBytes plus its topic).</summary>
    public int MaxPacketBytes { get; set; } = IngestOptions.DefaultMaxPayloadBytes + 4096;

    /// <summary>Embedded only: connections held at once (gateways, the server's own, and anyone else); more are closed at once.</summary>
    public int MaxConnections { get; set; } = 2000;

    /// <summary>Embedded only: a connection that has not sent CONNECT within this is closed.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>How long a gateway's previous password keeps working after <c>gateways rotate</c> (both brokers).</summary>
    public double RotationGraceHours { get; set; } = 24;

    /// <summary>Embedded only: how often the broker looks for accounts revoked by another process (the command, another node) to disconnect them.</summary>
    public int RevocationCheckSeconds { get; set; } = 5;
}

/// <summary>Server:Gateways:{n}: one gateway's account on the embedded broker.</summary>
public sealed class GatewayAccountOptions
{
    public string Id { get; set; } = "";
    public string Password { get; set; } = "";
}

/// <summary>Server:Grid: the grid registry's seed and the terminal directory's publishing.</summary>
public sealed class GridOptions
{
    /// <summary>A JSON file of grids, members, key points and enterprises (the body of PUT /api/grids) applied at every start; none by default.</summary>
    public string? SeedFile { get; set; }

    /// <summary>
    /// How often the node holding the directories duty publishes what is not yet published: a directory or configuration
    /// changed on another node, or one the broker did not take.
    /// </summary>
    public int RetrySeconds { get; set; } = 5;
}

/// <summary>Server:Http: where the HTTP API listens.</summary>
public sealed class HttpOptions
{
    /// <summary>The URL the HTTP API listens on (Server:Http:Url); --urls overrides it.</summary>
    public string Url { get; set; } = "http://127.0.0.1:5080";
}

/// <summary>Server:Logs: where the rolling log files go.</summary>
public sealed class LogOptions
{
    /// <summary>The folder of the rolling log files (Server:Logs:Directory).</summary>
    public string Directory { get; set; } = "./data/logs";
}

/// <summary>Checks the options at start so a bad setting stops the host with a message naming its key.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions o)
    {
        var errors = new List<string>();
        void Fail(string key, object? value, string expected) => errors.Add($"Server:{key} is '{value}': expected {expected}");

        if (o.Ledger.Provider is not ("sqlite" or "postgres")) Fail("Ledger:Provider", o.Ledger.Provider, "sqlite or postgres");
        if (o.Ledger.Provider == "sqlite" && string.IsNullOrWhiteSpace(o.Ledger.Path)) Fail("Ledger:Path", o.Ledger.Path, "a file path");
        if (o.Ledger.Provider == "postgres" && string.IsNullOrWhiteSpace(o.Ledger.ConnectionString))
            Fail("Ledger:ConnectionString", o.Ledger.ConnectionString, "an Npgsql connection string (Host=...;Database=...;Username=...) for the postgres provider");
        if (o.Ledger.ReadingsRetentionMonths < 0) Fail("Ledger:ReadingsRetentionMonths", o.Ledger.ReadingsRetentionMonths.ToString(CultureInfo.InvariantCulture), "0 (keep all) or a number of months");
        if (o.Ingest.MaxPayloadBytes < 64 || o.Ingest.MaxPayloadBytes > WireCodec.DefaultMaxPayloadBytes)
            Fail("Ingest:MaxPayloadBytes", o.Ingest.MaxPayloadBytes, $"a byte count from 64 to {WireCodec.DefaultMaxPayloadBytes}");
        if (!Enum.IsDefined(o.Broker.Mode)) Fail("Broker:Mode", o.Broker.Mode, "embedded or external");
        if (string.IsNullOrWhiteSpace(o.Broker.Host)) Fail("Broker:Host", o.Broker.Host, "a host name or IP address");
        else if (o.Broker.Mode == BrokerMode.Embedded && !System.Net.IPAddress.TryParse(o.Broker.Host, out _) && o.Broker.Host != "localhost")
            Fail("Broker:Host", o.Broker.Host, "an IP address to listen on (embedded mode), e.g. 127.0.0.1 or 0.0.0.0");
        if (o.Broker.Port is < 1 or > 65535) Fail("Broker:Port", o.Broker.Port, "a TCP port from 1 to 65535");
        if (o.Broker.CaFile is { Length: > 0 } ca && (!o.Broker.UseTls || !File.Exists(ca)))
            Fail("Broker:CaFile", ca, "an existing PEM file of the broker's CA, with Broker:UseTls=true (external mode)");
        if (o.Broker.MaxPacketBytes < 1024 || o.Broker.MaxPacketBytes > 268_435_455)
            Fail("Broker:MaxPacketBytes", o.Broker.MaxPacketBytes, "a byte count from 1024 to 268435455");
        else if (o.Broker.MaxPacketBytes < o.Ingest.MaxPayloadBytes)
            Fail("Broker:MaxPacketBytes", o.Broker.MaxPacketBytes, $"at least Server:Ingest:MaxPayloadBytes ({o.Ingest.MaxPayloadBytes})");
        if (o.Broker.MaxConnections is < 1 or > 1_000_000) Fail("Broker:MaxConnections", o.Broker.MaxConnections, "a count from 1 to 1000000");
        if (o.Broker.ConnectTimeoutSeconds is < 1 or > 600) Fail("Broker:ConnectTimeoutSeconds", o.Broker.ConnectTimeoutSeconds, "seconds from 1 to 600");
        if (o.Broker.RotationGraceHours is < 0 or > 24 * 90 || double.IsNaN(o.Broker.RotationGraceHours))
            Fail("Broker:RotationGraceHours", o.Broker.RotationGraceHours.ToString(CultureInfo.InvariantCulture), "hours from 0 to 2160");
        if (o.Broker.RevocationCheckSeconds is < 1 or > 3600) Fail("Broker:RevocationCheckSeconds", o.Broker.RevocationCheckSeconds, "seconds from 1 to 3600");
        if (o.Broker.MaxPendingMessagesPerClient < 1) Fail("Broker:MaxPendingMessagesPerClient", o.Broker.MaxPendingMessagesPerClient, "at least 1");
        if (o.Broker.ReconnectCapSeconds is <= 0 or > 3600) Fail("Broker:ReconnectCapSeconds", o.Broker.ReconnectCapSeconds, "seconds from 0 to 3600");
        if (o.Broker.Mode == BrokerMode.External)
        {
            if (string.IsNullOrEmpty(o.Broker.Username)) Fail("Broker:Username", o.Broker.Username, "the ingest user's name (external mode)");
            if (string.IsNullOrEmpty(o.Broker.Password)) Fail("Broker:Password", "", "the ingest user's password (external mode)");
            if (o.Broker.SharedGroup is { Length: > 0 } g && (g.Contains('/') || g.Contains('+') || g.Contains('#')))
                Fail("Broker:SharedGroup", g, "a share name without '/', '+' or '#' (or empty to turn sharing off)");
        }
        if (!Uri.TryCreate(o.Http.Url, UriKind.Absolute, out var url) || (url.Scheme != "http" && url.Scheme != "https"))
            Fail("Http:Url", o.Http.Url, "an absolute http(s) URL such as http://127.0.0.1:5080");

        if (o.Grid.RetrySeconds is < 1 or > 3600) Fail("Grid:RetrySeconds", o.Grid.RetrySeconds, "seconds from 1 to 3600");
        if (o.Grid.SeedFile is { Length: > 0 } seed && !File.Exists(seed)) Fail("Grid:SeedFile", seed, "an existing JSON file (grids, members, keyPoints, enterprises)");

        o.Alerts.TryParse(out var alertErrors);
        errors.AddRange(alertErrors);
        try { GridEdge.Server.Calendar.HolidayCalendar.Load(o.Calendar.Folder); }
        catch (GridEdge.Server.Calendar.CalendarFileException e) { errors.Add("Server:Calendar:Directory: " + e.Message); }
        try { GridEdge.Server.Scores.ScoreSheets.Load(o.Scores.Folder); }
        catch (GridEdge.Server.Scores.ScoreSheetException e) { errors.Add("Server:Scores:Directory: " + e.Message); }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.Gateways.Count; i++)
        {
            var g = o.Gateways[i];
            if (!GatewayIds.IsValid(g.Id)) Fail($"Gateways:{i}:Id", g.Id, GatewayIds.Rule);
            else if (!seen.Add(g.Id)) Fail($"Gateways:{i}:Id", g.Id, "an id not already listed");
            if (string.IsNullOrEmpty(g.Password)) Fail($"Gateways:{i}:Password", "", "a non-empty password");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
