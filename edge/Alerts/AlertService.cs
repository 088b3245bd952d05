using GridEdge.Protocol.Configuration;
using System.Threading.Channels;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Monitors;
using GridEdge.Edge.Sensors;
using GridEdge.Edge.Time;
using GridEdge.Hardware;
using GridEdge.Protocol.Diagnostics;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Alerts;

/// <summary>Edge:Alerts: where the alert rules come from.</summary>
public sealed class AlertOptions
{
    public const string Section = $"{EdgeOptions.Section}:Alerts";

    /// <summary>A rules file (JSON, see <see cref="AlertRules"/>); null or empty for <see cref="AlertRules.Defaults"/>.</summary>
    public string? RulesFile { get; set; }

    /// <summary>How often the engine's time is moved on by the gateway clock, so a sensor gone silent is noticed.</summary>
    public int TickSeconds { get; set; } = 10;

    /// <summary>A reading stamped more than this ahead of the gateway's clock is not judged by the engine (and an HJ 212 one is stored flagged).</summary>
    public int MaxFutureSkewMinutes { get; set; } = 10;

    /// <summary>A reading stamped more than this behind the gateway's clock is not judged by the engine (and an HJ 212 one is stored flagged).</summary>
    public int MaxAgeDays { get; set; } = 7;

    /// <summary>The most series (sensor, quantity, unit) the engine keeps state for; past it the least recently seen is dropped.</summary>
    public int MaxSeries { get; set; } = AlertEngine.DefaultMaxSeries;

    /// <summary>The engine's clock on a gateway: the gateway clock, with the window these options give.</summary>
    public AlertClock ClockOf(GatewayClock clock) => AlertClock.OfGateway(clock, TimeSpan.FromMinutes(MaxFutureSkewMinutes), TimeSpan.FromDays(MaxAgeDays));

    /// <summary>The rules this configuration names, or null with every problem found.</summary>
    public AlertRules? LoadRules(out IReadOnlyList<string> errors)
    {
        if (string.IsNullOrWhiteSpace(RulesFile))
        {
            errors = [];
            return AlertRules.Defaults();
        }
        return AlertRules.Load(Path.GetFullPath(RulesFile), out errors);
    }
}

/// <summary>Rejects Edge:Alerts at start when the rules file is unreadable or invalid, naming every problem.</summary>
internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = new List<string>();
        if (options.TickSeconds is < 1 or > 3600) errors.Add($"{AlertOptions.Section}:TickSeconds: {options.TickSeconds}; expected 1-3600");
        if (options.MaxFutureSkewMinutes is < 0 or > 10_080) errors.Add($"{AlertOptions.Section}:MaxFutureSkewMinutes: {options.MaxFutureSkewMinutes}; expected 0-10080 minutes (a week)");
        if (options.MaxAgeDays is < 1 or > 366) errors.Add($"{AlertOptions.Section}:MaxAgeDays: {options.MaxAgeDays}; expected 1-366 days");
        if (options.MaxSeries is < 16 or > 1_000_000) errors.Add($"{AlertOptions.Section}:MaxSeries: {options.MaxSeries}; expected 16-1000000");
        if (options.LoadRules(out var ruleErrors) is null) errors.AddRange(ruleErrors.Select(e => $"{AlertOptions.Section}:RulesFile ({options.RulesFile}): {e}"));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Registers the alert engine and the service that wires it to the alarm outputs.</summary>
public static class AlertServiceCollectionExtensions
{
    /// <summary>
    /// Binds Edge:Alerts (validated at start), the <see cref="AlertEngine"/> singleton (rules from Edge:Alerts:RulesFile,
    /// or the defaults; time from the gateway clock) and <see cref="AlertService"/>. Register after AddGatewayHardware and
    /// AddGatewayClock: the engine runs on the clock, and the outputs must exist when the service starts.
    /// </summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().BindChecked(configuration, AlertOptions.Section, checkKeys: false).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AlertOptions>>().Value;
            var clock = options.ClockOf(sp.GetRequiredService<GatewayClock>());
            // Rules accepted from the server's config topic survive a restart and win over the configured ones.
            var dataDirectory = sp.GetService<IOptions<EdgeOptions>>()?.Value.DataDirectory;
            if (dataDirectory is not null && Commands.CommandService.LoadPersistedRules(Path.GetFullPath(dataDirectory), out _) is { } persisted)
                return new AlertEngine(persisted, clock, options.MaxSeries);
            var rules = options.LoadRules(out var errors) ?? throw new OptionsValidationException(AlertOptions.Section, typeof(AlertOptions), errors);
            return new AlertEngine(rules, clock, options.MaxSeries);
        });
        services.AddSingleton<AlertService>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertService>());
        return services;
    }
}

/// <summary>
/// Runs the alert engine for the gateway: attaches the <see cref="AlertActuator"/> to the alarm outputs (when hardware
/// is enabled), logs every transition and actuation, appends every transition as an <see cref="Alert"/> record to the
/// outbox's <see cref="Streams.Alerts"/> stream (drained before any readings backlog), and moves the engine's time on
/// with the gateway clock so silent sensors are noticed. Readings reach the engine through <see cref="AlertEngine.Observe"/>,
/// called by each source before it appends to the outbox.
/// </summary>
/// <remarks>
/// Transition handlers run on the observing thread, so the handler only stamps the record and hands it to a channel;
/// a loop of this service appends from there, in order, and an append never holds up a reading or the outputs.
/// </remarks>
public sealed class AlertService(
    AlertEngine engine,
    AlarmOutputsService outputs,
    GatewayClock clock,
    Outbox.OutboxStore outbox,
    IOptions<AlertOptions> options,
    IOptions<HardwareOptions> hardware,
    IOptions<Hj212Options> hj212,
    IEnumerable<ISensorSource> sources,
    ILogger<AlertService> logger)
    : BackgroundService
{
    private readonly LogThrottle _throttle = new(TimeSpan.FromMinutes(1), TimeProvider.System);
    private readonly Channel<Alert> _records = Channel.CreateUnbounded<Alert>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private AlertActuator? _actuator;
    private long _appended;

    /// <summary>The actuator once started; null when the gateway has no alarm outputs.</summary>
    public AlertActuator? Actuator => _actuator;

    /// <summary>Alert records appended to the outbox so far.</summary>
    public long Appended => Interlocked.Read(ref _appended);

    /// <summary>The record a transition is sent as: its time with the gateway clock's current quality.</summary>
    public static Alert ToRecord(AlertTransition t, ClockQuality clock) => new(
        t.AlertId, t.RuleId, t.Kind, t.State, t.Severity, t.Sensor, t.Quantity, t.Values, t.Time, clock,
        t.State == AlertState.Acknowledged ? t.AcknowledgedBy ?? "unknown" : null);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        engine.Transition += LogTransition;
        engine.Transition += QueueTransition;
        engine.SeriesEvicted += LogEviction;
        var appender = AppendLoopAsync(stop);
        try
        {
            if (outputs.Outputs is { } alarm)
            {
                _actuator = new AlertActuator(alarm, engine, () => clock.Now().At);
                _actuator.Actuated += LogActuation;
            }
            else logger.LogInformation("No alarm outputs (hardware disabled): alerts are raised and logged, nothing is switched");
            logger.LogInformation("Alert engine running {Dust} dust, {Straw} straw-burning and {Health} sensor-health rules",
                engine.Rules.Dust.Count, engine.Rules.StrawBurning.Count, engine.Rules.SensorFault.Count);
            foreach (var problem in RuleSensors.Unmatched(engine.Rules, ConfiguredSensors.Of(hardware.Value, hj212.Value, sources), "sensors configured on this gateway"))
                logger.LogWarning("Alert rules: {Problem}", problem);

            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.TickSeconds));
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false)) engine.Advance();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            engine.SeriesEvicted -= LogEviction;
            engine.Transition -= QueueTransition;
            engine.Transition -= LogTransition;
            _records.Writer.TryComplete();
            _actuator?.Dispose();
            await appender.ConfigureAwait(false);
        }
    }

    private void QueueTransition(AlertTransition t) => _records.Writer.TryWrite(ToRecord(t, clock.Quality));

    private async Task AppendLoopAsync(CancellationToken stop)
    {
        await Task.Yield();
        try
        {
            // On stop, what is already queued is still appended: the outbox outlives this service.
            await foreach (var record in _records.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                try
                {
                    var seq = await outbox.AppendAsync(Streams.Alerts, record, CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Increment(ref _appended);
                    logger.LogInformation("Alert {AlertId} {AlertState} stored as {Stream} {Seq}", record.AlertId, record.State, Streams.Alerts, seq);
                }
                catch (Exception e) when (e is ArgumentException or ObjectDisposedException)
                {
                    logger.LogError(e, "Alert {AlertId} {AlertState} could not be stored in the outbox", record.AlertId, record.State);
                    if (e is ObjectDisposedException) return;
                }
            }
        }
        finally
        {
            // A single-reader channel cannot count: drain what is left to say how many were lost.
            var lost = 0;
            while (_records.Reader.TryRead(out _)) lost++;
            if (lost > 0) logger.LogWarning("{Count} alert transitions were not stored: the outbox closed", lost);
        }
    }

    private void LogTransition(AlertTransition t) =>
        logger.Log(t.State == AlertState.Raised ? LogLevel.Warning : LogLevel.Information,
            "Alert {AlertState} {Rule} ({AlertKind}, {Severity}) on {Sensor} {Quantity} at {Time}: {Values}",
            t.State, t.RuleId, t.Kind, t.Severity, t.Sensor, t.Quantity, t.Time, t.Values);

    private void LogEviction(string sensor, string quantity, string unit)
    {
        // A flood of new series (a monitor inventing codes a rule watches) costs one line a minute, not one per series.
        if (!_throttle.ShouldLog("series-evicted", out var count)) return;
        logger.LogWarning("Alert engine dropped {Count} series to stay within {Key} ({MaxSeries}), the latest {Sensor} {Quantity} ({Unit}); {Total} since start",
            count, $"{AlertOptions.Section}:MaxSeries", engine.MaxSeries, sensor, quantity, unit, engine.Evicted);
    }

    private void LogActuation(Actuation a)
    {
        if (a.Relay is { } relay)
            logger.Log(relay.Outcome == Hardware.Outputs.RelayActivation.CoolingDown ? LogLevel.Warning : LogLevel.Information,
                "Relay for alert {AlertId}: {Outcome} (on for {OnFor}, cool-down left {CooldownRemaining})", a.Transition.AlertId, relay.Outcome, relay.OnFor, relay.CooldownRemaining);
        logger.LogDebug("Outputs for alert {AlertId}: buzzer {Buzzer}, light {Light}", a.Transition.AlertId, a.Buzzer, a.Light);
    }
}
