namespace GridEdge.Edge.Sensors;

/// <summary>A source of readings a host adds to the gateway (a simulation, a load generator): the sensor ids it appends under.</summary>
public interface ISensorSource
{
    /// <summary>The sensor ids this source's readings carry, as configured.</summary>
    IEnumerable<string> SensorIds { get; }
}
