using System.Threading.Channels;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Terminals;
using GridEdge.Hardware.Outputs;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Commands;

/// <summary>
/// Carries out what the server sends down: commands (<c>cmd</c> topic: acknowledge, silence, test_outputs) and the
/// retained configuration (<c>config</c> topic: alert rules and the terminal directory). Every command, and every configuration that changes
/// something, is answered with a <see cref="CommandResult"/> appended to the outbox's <see cref="Streams.CommandResults"/>
/// stream. A command id seen before is not carried out again; a payload that does not decode is answered with a rejection
/// naming the problem. Never throws on bad input.
/// </summary>
/// <remarks>
/// The uplink's MQTT receive handler only queues (<see cref="Submit"/>); one loop here handles the queue in order, so a
/// test of the outputs (seconds) never holds up acknowledgements from the server.
/// </remarks>
public sealed class CommandService : BackgroundService
{
    /// <summary>The accepted rules, kept in the data directory so they survive restarts.</summary>
    public const string RulesFileName = "alert-rules.json";
    /// <summary>The version of the accepted rules, beside them.</summary>
    public const string VersionFileName = "alert-rules.version";
    private const int RememberedIds = 512;

    private readonly AlertEngine _engine;
    private readonly Func<AlarmOutputs?> _outputs;
    private readonly Func<(DateTimeOffset At, ClockQuality Quality)> _now;
    private readonly Outbox.OutboxStore _outbox;
    private readonly string _dataDirectory;
    private readonly ILogger _logger;
    private readonly Channel<(string Leaf, byte[] Payload)> _queue = Channel.CreateUnbounded<(string, byte[])>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new();
    private string? _lastRejectedVersion;
    private volatile string _configVersion;
    private TerminalDirectoryStore? _terminalDirectory;

    /// <param name="outputs">The alarm outputs, or null when the gateway has none (asked each time: they exist once started).</param>
    /// <param name="now">The gateway clock: time and quality for results and acknowledgements.</param>
    /// <param name="configVersion">The version of the rules the engine started with.</param>
    public CommandService(AlertEngine engine, Func<AlarmOutputs?> outputs, Func<(DateTimeOffset At, ClockQuality Quality)> now, Outbox.OutboxStore outbox,
        string dataDirectory, string configVersion, ILogger<CommandService> logger)
    {
        _engine = engine;
        _outputs = outputs;
        _now = now;
        _outbox = outbox;
        _dataDirectory = dataDirectory;
        // The engine started with the persisted rules when they are usable (AddAlerts): report their version then.
        _configVersion = LoadPersistedRules(dataDirectory, out var persisted) is not null && persisted is not null ? persisted : configVersion;
        _logger = logger;
    }

    /// <summary>How long test_outputs keeps the buzzer and light on (and asks the relay for).</summary>
    public TimeSpan TestDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The gateway's own id: commands and configurations addressed to another are rejected. Null accepts any.</summary>
    public string? GatewayId { get; init; }

    /// <summary>Where a terminal directory from the server is put in force and stored (one over the data directory when not given).</summary>
    public TerminalDirectoryStore TerminalDirectoryStore
    {
        get => _terminalDirectory ??= new TerminalDirectoryStore(_dataDirectory, _logger);
        init => _terminalDirectory = value;
    }

    /// <summary>The version of the configuration in effect: reported in the gateway's status.</summary>
    public string ConfigVersion => _configVersion;

    /// <summary>Raised after a configuration took effect (the uplink republishes its status).</summary>
    public event Action<string>? ConfigApplied;

    /// <summary>Queues a payload received on the cmd or config topic (leaf "cmd" or "config"); never blocks, never throws.</summary>
    public void Submit(string leaf, byte[] payload) => _queue.Writer.TryWrite((leaf, payload));

    /// <summary>The rules persisted by an earlier accepted configuration, or null when there are none (or they are unusable).</summary>
    public static AlertRules? LoadPersistedRules(string dataDirectory, out string? version)
    {
        version = null;
        var path = Path.Combine(dataDirectory, RulesFileName);
        if (!File.Exists(path)) return null;
        var rules = AlertRules.Load(path, out _);
        if (rules is not null) version = ReadPersistedVersion(dataDirectory);
        return rules;
    }

    private static string? ReadPersistedVersion(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, VersionFileName);
        if (!File.Exists(path) || !File.Exists(Path.Combine(dataDirectory, RulesFileName))) return null;
        try { return File.ReadAllText(path).Trim() is { Length: > 0 } version ? version : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield();
        try
        {
            await foreach (var (leaf, payload) in _queue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                try { await HandlePayloadAsync(leaf, payload, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { throw; }
                catch (Exception e) { _logger.LogError(e, "Handling a payload on the {Leaf} topic failed", leaf); }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Decodes and carries out one payload of the cmd or config topic; returns the result appended, or null when nothing was.</summary>
    public async Task<CommandResult?> HandlePayloadAsync(string leaf, byte[] payload, CancellationToken cancellationToken = default)
    {
        if (payload.Length == 0) return null; // a cleared retained config
        var decoded = WireCodec.Decode(payload);
        var name = leaf == "config" ? CommandNames.Config : "?";
        if (!decoded.Ok)
            return await ReportAsync("?", name, CommandOutcome.Rejected, $"the payload does not decode: {decoded.Error.Field}: {decoded.Error.Problem}", cancellationToken).ConfigureAwait(false);
        return (leaf, decoded.Value) switch
        {
            ("cmd", Command c) => await HandleAsync(c, cancellationToken).ConfigureAwait(false),
            ("config", GatewayConfig g) => await ApplyAsync(g, cancellationToken).ConfigureAwait(false),
            _ => await ReportAsync(decoded.Value is Command other ? other.Id : "?", name, CommandOutcome.Rejected,
                $"a {decoded.Value.GetType().Name} does not belong on the {leaf} topic", cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Carries out one command once (a repeated id is ignored: null) and appends its result.</summary>
    public async Task<CommandResult?> HandleAsync(Command command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!Remember(command.Id))
        {
            _logger.LogInformation("Command {CommandId} ({Name}) was carried out before; ignored", command.Id, command.Name);
            return null;
        }
        _logger.LogInformation("Command {CommandId}: {Name} (alert {AlertId}, by {By})", command.Id, command.Name, command.AlertId, command.By);
        if (GatewayId is not null && command.GatewayId != GatewayId)
            return await ReportAsync(command.Id, command.Name, CommandOutcome.Rejected, $"addressed to gateway '{command.GatewayId}', not this one", cancellationToken).ConfigureAwait(false);
        var (outcome, detail) = command.Name switch
        {
            CommandNames.Acknowledge => Acknowledge(command),
            CommandNames.Silence => Silence(),
            CommandNames.TestOutputs => await TestOutputsAsync(cancellationToken).ConfigureAwait(false),
            _ => (CommandOutcome.Rejected, $"unknown command '{command.Name}'; expected one of {string.Join(", ", CommandNames.All)}"),
        };
        return await ReportAsync(command.Id, command.Name, outcome, detail, cancellationToken).ConfigureAwait(false);
    }

    private bool Remember(string id)
    {
        lock (_seen)
        {
            if (!_seen.Add(id)) return false;
            _seenOrder.Enqueue(id);
            while (_seenOrder.Count > RememberedIds) _seen.Remove(_seenOrder.Dequeue());
            return true;
        }
    }

    private (CommandOutcome, string) Acknowledge(Command command)
    {
        var by = string.IsNullOrEmpty(command.By) ? "server" : command.By;
        if (command.AlertId is { } id)
        {
            var active = _engine.Active.FirstOrDefault(a => a.AlertId == id);
            if (active is null) return (CommandOutcome.Rejected, $"alert '{id}' is not active on this gateway (cleared, or unknown)");
            if (active.Acknowledged) return (CommandOutcome.Ok, $"alert '{id}' was already acknowledged");
        }
        var transitions = _engine.Acknowledge(_now().At, by, command.AlertId);
        return (CommandOutcome.Ok, transitions.Count == 1 ? $"acknowledged alert '{transitions[0].AlertId}' for {by}" : $"acknowledged {transitions.Count} alerts for {by}");
    }

    private (CommandOutcome, string) Silence()
    {
        if (_outputs() is not { } outputs) return (CommandOutcome.Rejected, "this gateway has no alarm outputs (Edge:Hardware:Enabled is false)");
        if (outputs.Buzzer is null) return (CommandOutcome.Rejected, "this gateway has no buzzer to silence");
        outputs.Silence();
        return (CommandOutcome.Ok, "buzzer silenced");
    }

    private async Task<(CommandOutcome, string)> TestOutputsAsync(CancellationToken cancellationToken)
    {
        if (_outputs() is not { } outputs) return (CommandOutcome.Rejected, "this gateway has no alarm outputs (Edge:Hardware:Enabled is false)");
        var active = _engine.Active.Count;
        if (active > 0) return (CommandOutcome.Rejected, $"{active} alert(s) active: a test would switch their outputs off");
        try
        {
            var relay = outputs.Raise(BuzzerPattern.FastBeep, LightPattern.FastBlink, outputs.Relay is null ? null : TestDuration);
            await Task.Delay(TestDuration, cancellationToken).ConfigureAwait(false);
            outputs.AllOff();
            var parts = new List<string>();
            if (outputs.Buzzer is not null) parts.Add("buzzer");
            if (outputs.Light is not null) parts.Add("light");
            var tested = parts.Count == 0 ? "no buzzer or light" : string.Join(" and ", parts);
            var relayText = relay switch
            {
                null => "no relay",
                { Outcome: RelayActivation.CoolingDown } r => $"relay not switched: cooling down, {r.CooldownRemaining.TotalSeconds:F0} s left",
                { } r => $"relay {r.Outcome.ToString().ToLowerInvariant()} for {r.OnFor.TotalSeconds:F1} s",
            };
            return (CommandOutcome.Ok, $"{tested} on for {TestDuration.TotalSeconds:F1} s, then off; {relayText}");
        }
        catch (OperationCanceledException)
        {
            outputs.AllOff();
            throw;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ObjectDisposedException)
        {
            try { outputs.AllOff(); } catch (Exception) { /* reported below */ }
            return (CommandOutcome.Failed, $"driving the outputs failed: {e.Message}");
        }
    }

    /// <summary>
    /// Validates and applies a configuration; the same version twice (a retained config after a reconnect) does nothing the
    /// second time. Empty <see cref="GatewayConfig.AlertRules"/> keeps the rules in effect (the server sends a terminal
    /// directory before any rules were set); null <see cref="GatewayConfig.Terminals"/> keeps the terminal directory. Either
    /// part invalid rejects the whole configuration, naming every problem of both.
    /// </summary>
    public async Task<CommandResult?> ApplyAsync(GatewayConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Version == _configVersion || config.Version == _lastRejectedVersion)
        {
            _logger.LogDebug("Config {Version} already handled", config.Version);
            return null;
        }
        if (GatewayId is not null && config.GatewayId != GatewayId)
            return await ReportAsync(config.Version, CommandNames.Config, CommandOutcome.Rejected, $"addressed to gateway '{config.GatewayId}', not this one", cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        AlertRules? rules = null;
        if (config.AlertRules is { Length: > 0 })
        {
            rules = AlertRules.Parse(config.AlertRules, out var errors);
            if (rules is null) problems.AddRange(errors);
        }
        PreparedDirectory? directory = null;
        if (config.Terminals is not null)
        {
            directory = TerminalDirectoryStore.Prepare(config.Terminals, out var errors);
            if (directory is null) problems.AddRange(errors.Select(e => "terminals: " + e));
        }
        if (problems.Count > 0)
        {
            _lastRejectedVersion = config.Version;
            var detail = string.Join("; ", problems);
            _logger.LogWarning("Config {Version} rejected; the rules and terminal directory in effect stay ({Current}): {Errors}", config.Version, _configVersion, detail);
            return await ReportAsync(config.Version, CommandNames.Config, CommandOutcome.Rejected, detail, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            if (directory is not null) TerminalDirectoryStore.Apply(directory);
            if (rules is not null) Persist(config.Version, rules);
            else PersistVersion(config.Version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _lastRejectedVersion = config.Version;
            return await ReportAsync(config.Version, CommandNames.Config, CommandOutcome.Failed, $"cannot store the configuration: {e.Message}", cancellationToken).ConfigureAwait(false);
        }
        var parts = new List<string>();
        if (rules is not null && rules.ToJson() == _engine.Rules.ToJson())
        {
            // The server sends the rules in force with every directory change (a retained config is complete): the
            // same rules again must not clear active alerts.
            parts.Add("the alert rules are unchanged");
        }
        else if (rules is not null)
        {
            var cleared = _engine.ReplaceRules(rules, _now().At);
            _logger.LogInformation("Config {Version}: {Dust} dust, {Straw} straw-burning, {Health} sensor-health rules; {Cleared} active alerts cleared",
                config.Version, rules.Dust.Count, rules.StrawBurning.Count, rules.SensorFault.Count, cleared.Count);
            parts.Add($"applied {rules.Dust.Count} dust, {rules.StrawBurning.Count} straw-burning and {rules.SensorFault.Count} sensor-health rules; {cleared.Count} active alerts cleared");
        }
        else
        {
            parts.Add("kept the alert rules in effect");
        }
        if (directory is not null)
            parts.Add($"terminal directory of {directory.Directory.Terminals.Count} terminals and {directory.Directory.Grids.Count} grids in force");
        _configVersion = config.Version;
        _lastRejectedVersion = null;
        _logger.LogInformation("Config {Version} applied: {Detail}", config.Version, string.Join("; ", parts));
        ConfigApplied?.Invoke(config.Version);
        return await ReportAsync(config.Version, CommandNames.Config, CommandOutcome.Ok, string.Join("; ", parts), cancellationToken).ConfigureAwait(false);
    }

    // Rules kept: the version still moves on, but only beside persisted rules (without them the shipped rules apply at start).
    private void PersistVersion(string version)
    {
        var versionPath = Path.Combine(_dataDirectory, VersionFileName);
        if (!File.Exists(Path.Combine(_dataDirectory, RulesFileName))) return;
        File.WriteAllText(versionPath + ".tmp", version);
        File.Move(versionPath + ".tmp", versionPath, overwrite: true);
    }

    private void Persist(string version, AlertRules rules)
    {
        Directory.CreateDirectory(_dataDirectory);
        var rulesPath = Path.Combine(_dataDirectory, RulesFileName);
        var versionPath = Path.Combine(_dataDirectory, VersionFileName);
        File.WriteAllText(rulesPath + ".tmp", rules.ToJson());
        File.WriteAllText(versionPath + ".tmp", version);
        File.Move(rulesPath + ".tmp", rulesPath, overwrite: true);
        File.Move(versionPath + ".tmp", versionPath, overwrite: true);
    }

    private async Task<CommandResult> ReportAsync(string id, string name, CommandOutcome outcome, string detail, CancellationToken cancellationToken)
    {
        static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
        var (at, quality) = _now();
        var result = new CommandResult(Cut(id, Validation.MaxIdLength), Cut(name, Validation.MaxIdLength), outcome, Cut(detail, Validation.MaxDetailLength), at, quality);
        try
        {
            var seq = await _outbox.AppendAsync(Streams.CommandResults, result, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Command {CommandId} ({Name}): {Outcome}: {Detail}; stored as {Stream} {Seq}", result.CommandId, result.Name, outcome, result.Detail,
                Streams.CommandResults, seq);
        }
        catch (Exception e) when (e is ArgumentException or ObjectDisposedException)
        {
            _logger.LogError(e, "The result of command {CommandId} could not be stored in the outbox", result.CommandId);
        }
        return result;
    }
}

/// <summary>Registers <see cref="CommandService"/>.</summary>
public static class CommandServiceCollectionExtensions
{
    /// <summary>The handler of the server's commands and configuration; after AddAlerts, AddOutbox and AddGatewayHardware.</summary>
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<Hosting.EdgeOptions>>().Value;
            var outputs = sp.GetRequiredService<Sensors.AlarmOutputsService>();
            var clock = sp.GetRequiredService<Time.GatewayClock>();
            return new CommandService(
                sp.GetRequiredService<AlertEngine>(),
                () => outputs.Outputs,
                clock.Now,
                sp.GetRequiredService<Outbox.OutboxStore>(),
                Path.GetFullPath(options.DataDirectory),
                options.ConfigVersion,
                sp.GetRequiredService<ILogger<CommandService>>())
            {
                GatewayId = options.GatewayId,
                TerminalDirectoryStore = sp.GetRequiredService<TerminalDirectoryStore>(),
            };
        });
        services.TryAddSingleton(sp => new TerminalDirectoryStore(
            Path.GetFullPath(sp.GetRequiredService<IOptions<Hosting.EdgeOptions>>().Value.DataDirectory),
            sp.GetRequiredService<ILogger<TerminalDirectoryStore>>()));
        services.AddHostedService(sp => sp.GetRequiredService<CommandService>());
        return services;
    }
}
