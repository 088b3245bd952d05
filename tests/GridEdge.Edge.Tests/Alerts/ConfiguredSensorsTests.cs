using GridEdge.Edge.Alerts;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Monitors;
using GridEdge.Hardware;

namespace GridEdge.Edge.Tests.Alerts;

public sealed class ConfiguredSensorsTests
{
    [Fact]
    public void A_gateways_sensors_are_its_hardware_simulation_load_source_and_registered_monitors()
    {
        var edge = new EdgeOptions { Simulation = { Enabled = true, Sensors = 2 }, Load = { Count = 10, SensorId = "load-x" } };
        var hardware = new HardwareOptions { Enabled = true, Gnss = { Enabled = false } };
        var hj212 = new Hj212Options { Monitors = [new MonitorRegistration { Mn = "37010200000001" }] };

        Assert.Equal(["37010200000001", "load-x", "mq2", "pms5003", "sim-01", "sim-02"], ConfiguredSensors.Of(edge, hardware, hj212).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_shipped_rules_name_no_sensor_so_they_fit_any_gateway()
    {
        Assert.Empty(RuleSensors.Named(AlertRules.Defaults()));
        Assert.Empty(RuleSensors.Unmatched(AlertRules.Defaults(), ["mq2-1", "pms-1"], "sensors configured on this gateway"));
    }
}
