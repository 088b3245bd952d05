using GridEdge.Edge.Time;
using GridEdge.Hardware.Simulation;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Simulation;

/// <summary>The air at a simulated gateway's own sensors: one <see cref="DustModel"/> (seeded by the gateway id) sampled at the gateway clock's time.</summary>
public static class GatewayAir
{
    /// <summary>
    /// What the simulated PMS5003 and MQ-2 read: the dust model's PM (PM1.0 taken as 70 % of PM2.5) and its smoke ratio
    /// times the clean-air 0.4 V. The episodes, when enabled, count from now.
    /// </summary>
    public static SimulatedAir For(string gatewayId, SimulationOptions options, GatewayClock clock, ILogger logger)
    {
        const double CleanAirVolts = 0.4;
        var model = new DustModel(gatewayId.GetHashCode(StringComparison.Ordinal)) { Episodes = Episodes(options.Episodes, clock, logger) };
        var gate = new Lock();
        // The dust stream and the smoke loop sample from their own threads; the model's noise is one state.
        DustSample Sample()
        {
            lock (gate) return model.Sample(clock.Now().At, TimeSpan.FromSeconds(1));
        }
        return new SimulatedAir
        {
            Dust = () =>
            {
                var s = Sample();
                return (s.Pm2_5 * 0.7, s.Pm2_5, s.Pm10);
            },
            SmokeVolts = () => CleanAirVolts * Sample().Smoke,
            Latitude = options.Latitude,
            Longitude = options.Longitude,
        };
    }

    private static PollutionEpisodes? Episodes(EpisodeOptions options, GatewayClock clock, ILogger logger)
    {
        if (!options.Enabled) return null;
        var episodes = new PollutionEpisodes(options, clock.Now().At);
        var (first, kind) = episodes.Episode(0);
        logger.LogInformation("Simulated air: a {Kind} episode at {First:HH:mm:ss} UTC for {Duration}, then one every {Every} s, alternating dust and straw fire",
            kind, first, episodes.Duration, options.EverySeconds);
        return episodes;
    }
}
