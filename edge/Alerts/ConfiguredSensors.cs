using GridEdge.Edge.Monitors;
using GridEdge.Edge.Sensors;
using GridEdge.Hardware;

namespace GridEdge.Edge.Alerts;

/// <summary>The sensor ids a gateway's configuration gives it: its own sensors, the sources its host added and its registered HJ 212 monitors (by MN).</summary>
public static class ConfiguredSensors
{
    public static IReadOnlyCollection<string> Of(HardwareOptions hardware, Hj212Options hj212, IEnumerable<ISensorSource> sources)
    {
        var sensors = new HashSet<string>(StringComparer.Ordinal);
        if (hardware.Enabled)
        {
            if (hardware.Dust.Enabled) sensors.Add(GatewaySensors.DustSensorId);
            if (hardware.Smoke.Enabled) sensors.Add(GatewaySensors.SmokeSensorId);
            if (hardware.Gnss.Enabled) sensors.Add(GatewaySensors.GnssSensorId);
        }
        foreach (var source in sources) sensors.UnionWith(source.SensorIds);
        foreach (var monitor in hj212.Monitors) sensors.Add(monitor.Mn);
        return sensors;
    }
}
