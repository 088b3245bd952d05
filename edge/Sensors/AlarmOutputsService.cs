using GridEdge.Hardware;
using GridEdge.Hardware.Outputs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Sensors;

/// <summary>
/// Owns the buzzer, light and relay. The first thing the gateway does at start, before any other service, is to drive
/// every output to its safe state: after a crash the relay to a siren or fog cannon may still be on. On shutdown
/// everything is driven off again.
/// </summary>
public sealed class AlarmOutputsService(IHardwareBuses buses, IOptions<HardwareOptions> hardware, ILogger<AlarmOutputsService> logger) : IHostedService, IDisposable
{
    /// <summary>The outputs once started; null when Edge:Hardware:Enabled is false.</summary>
    public AlarmOutputs? Outputs { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = hardware.Value;
        if (!options.Enabled) return Task.CompletedTask;
        var gpio = buses.OpenGpio();
        var outputs = options.Alarm.ToAlarmOutputsOptions();
        AlarmOutputs.ForceSafe(gpio, outputs);
        Outputs = new AlarmOutputs(gpio, outputs);
        logger.LogInformation("Alarm outputs driven to their safe state (buzzer pin {Buzzer}, light pin {Light}, relay pin {Relay})",
            options.Alarm.BuzzerPin, options.Alarm.LightPin, options.Alarm.RelayPin);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Outputs?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => Outputs?.Dispose();
}
