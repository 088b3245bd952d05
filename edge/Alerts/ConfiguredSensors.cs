using GridEdge.Edge.Hosting;
using GridEdge.Edge.Monitors;
using GridEdge.Edge.Sensors;
using GridEdge.Edge.Simulation;
using GridEdge.Hardware;

namespace GridEdge.Edge.Alerts;

/// <summary>The sensor ids a gateway's configuration gives it: its own sensors, simulated ones, the load source and its registered HJ 212 monitors (by MN).</summary>
public static class ConfiguredSensors
{
    public static IReadOnlyCollection<string> Of(EdgeOptions edge, HardwareOptions hardware, Hj212Options hj212)
    {
        var sensors = new HashSet<string>(StringComparer.Ordinal);
        if (hardware.Enabled)
        {
            if (hardware.Dust.Enabled) sensors.Add(GatewaySensors.DustSensorId);
            if (hardware.Smoke.Enabled) sensors.Add(GatewaySensors.SmokeSensorId);
            if (hardware.Gnss.Enabled) sensors.Add(GatewaySensors.GnssSensorId);
        }
        if (edge.Simulation.Enabled)
            for (var n = 1; n <= edge.Simulation.Sensors; n++) sensors.Add(SimulatedSensors.SensorId(n));
        if (edge.Load.Count > 0) sensors.Add(edge.Load.SensorId);
        foreach (var monitor in hj212.Monitors) sensors.Add(monitor.Mn);
        return sensors;
    }
}
