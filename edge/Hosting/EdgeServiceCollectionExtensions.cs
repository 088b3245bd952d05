using GridEdge.Edge.Alerts;
using GridEdge.Edge.Outbox;
using GridEdge.Edge.Sensors;
using GridEdge.Hardware;
using GridEdge.Protocol.Configuration;
using Microsoft.Extensions.Hosting.Systemd;
using GridEdge.Edge.Time;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Hosting;

/// <summary>One Add… per edge feature; <see cref="EdgeHost"/> composes them.</summary>
public static class EdgeServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="EdgeOptions"/> from the "Edge" section and validates it when the host starts.
    /// <paramref name="extensionSections"/> are the sub-sections a host's extension binds (<see cref="IEdgeExtension.Sections"/>).
    /// </summary>
    public static IServiceCollection AddEdgeOptions(this IServiceCollection services, IConfiguration configuration,
        IReadOnlyDictionary<string, Type>? extensionSections = null)
    {
        // Every key under Edge: is checked, those of the sub-sections bound to their own options too.
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            [HardwareOptions.Section] = typeof(HardwareOptions),
            ["Hj212"] = typeof(Monitors.Hj212Options),
            ["Alerts"] = typeof(AlertOptions),
        };
        foreach (var (name, type) in extensionSections ?? new Dictionary<string, Type>()) sections[name] = type;
        var notShipped = NotShippedSections.Missing(sections.Keys);
        foreach (var name in notShipped) sections[name] = typeof(NotShippedSections.AnyKeys);
        services.AddOptions<EdgeOptions>().BindChecked(configuration, EdgeOptions.Section, sections).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EdgeOptions>, EdgeOptionsValidator>();
        if (notShipped.Count > 0) services.AddSingleton<IValidateOptions<EdgeOptions>>(new NotShippedSections(configuration, notShipped));
        return services;
    }

    /// <summary>
    /// The outbox, one per host, opened in {DataDirectory}/outbox.db when first needed, after this process has taken the
    /// data directory's lock (a second gateway process on the same directory stops there, naming the holder).
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddSingleton(sp => DataDirectoryLock.Acquire(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.DataDirectory));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EdgeOptions>>().Value;
            _ = sp.GetRequiredService<DataDirectoryLock>();
            var settings = new OutboxSettings(Path.GetFullPath(options.DataDirectory))
            {
                QuotaBytes = options.Outbox.QuotaBytes,
                RepeatedErrorLogInterval = TimeSpan.FromSeconds(options.Outbox.RepeatedErrorLogSeconds),
            };
            return new Outbox.OutboxStore(settings, sp.GetRequiredService<ILogger<Outbox.OutboxStore>>(), sp.GetRequiredService<GatewayClock>(),
                sp.GetService<TimeProvider>());
        });
        return services;
    }

    /// <summary>
    /// The gateway's own hardware (section Edge:Hardware) on the Pi's buses (an extension may register other
    /// <see cref="IHardwareBuses"/> after this), and its alarm outputs. Register this first: hosted services start in
    /// order, and the outputs must be driven safe before anything else starts.
    /// </summary>
    public static IServiceCollection AddGatewayHardware(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HardwareOptions>().BindChecked(configuration, $"{EdgeOptions.Section}:{HardwareOptions.Section}", checkKeys: false).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HardwareOptions>, HardwareOptionsValidator>();
        services.AddSingleton<IHardwareBuses>(sp => new HardwareBuses(sp.GetRequiredService<IOptions<HardwareOptions>>().Value));
        services.AddSingleton<AlarmOutputsService>();
        services.AddHostedService(sp => sp.GetRequiredService<AlarmOutputsService>());
        return services;
    }

    /// <summary>The dust, smoke and GNSS drivers feeding the outbox and the clock; after the clock, so the first GNSS time is not missed.</summary>
    public static IServiceCollection AddGatewaySensors(this IServiceCollection services)
    {
        services.AddSingleton<GatewaySensors>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewaySensors>());
        return services;
    }

    /// <summary>Pets the systemd watchdog when the unit asks for one.</summary>
    public static IServiceCollection AddSystemdWatchdog(this IServiceCollection services)
    {
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddHostedService<SystemdWatchdog>();
        return services;
    }

    /// <summary>The gateway's clock (quality, boot id, monotonic time) and the watcher that corrects early stamps once it is trustworthy.</summary>
    public static IServiceCollection AddGatewayClock(this IServiceCollection services)
    {
        services.AddSingleton(sp => GatewayClock.ForThisBoot(sp.GetService<TimeProvider>()));
        services.AddHostedService<ClockWatcher>();
        return services;
    }

    /// <summary>The uplink, also resolvable as itself so a host can read its status.</summary>
    public static IServiceCollection AddUplink(this IServiceCollection services)
    {
        services.AddSingleton<Uplink.UplinkService>();
        services.AddHostedService(sp => sp.GetRequiredService<Uplink.UplinkService>());
        return services;
    }
}

/// <summary>Checks Edge:Hardware when the gateway's own hardware is enabled, naming every wrong key.</summary>
internal sealed class HardwareOptionsValidator : IValidateOptions<HardwareOptions>
{
    public ValidateOptionsResult Validate(string? name, HardwareOptions options)
    {
        if (!options.Enabled) return ValidateOptionsResult.Success;
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
