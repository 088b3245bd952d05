using GridEdge.Edge.Alerts;
using GridEdge.Edge.Sensors;
using GridEdge.Edge.Monitors;
using GridEdge.Hardware;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Alerts;

public sealed class ConfiguredSensorsTests
{
    [Fact]
    public void A_gateways_sensors_are_its_hardware_the_sources_its_host_added_and_registered_monitors()
    {
        ISensorSource[] sources = [new Source(["sim-01", "sim-02"]), new Source(["load-x"])];
        var hardware = new HardwareOptions { Enabled = true, Gnss = { Enabled = false } };
        var hj212 = new Hj212Options { Monitors = [new MonitorRegistration { Mn = "37010200000001" }] };

        Assert.Equal(["37010200000001", "load-x", "mq2", "pms5003", "sim-01", "sim-02"], ConfiguredSensors.Of(hardware, hj212, sources).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_shipped_rules_name_no_sensor_so_they_fit_any_gateway()
    {
        Assert.Empty(RuleSensors.Named(AlertRules.Defaults()));
        Assert.Empty(RuleSensors.Unmatched(AlertRules.Defaults(), ["mq2-1", "pms-1"], "sensors configured on this gateway"));
    }

    private sealed class Source(IEnumerable<string> ids) : ISensorSource
    {
        public IEnumerable<string> SensorIds => ids;
    }
}
