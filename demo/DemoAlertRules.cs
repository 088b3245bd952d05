using GridEdge.Protocol.Alerts;

namespace GridEdge.Demo;

/// <summary>
/// The alert rules of the demo's gateways: the shipped rules (<see cref="AlertRules.Defaults"/>) with the same
/// thresholds, and the windows, sustain and hold times of the dust and straw-burning rules <see cref="Speedup"/> times
/// shorter, as the rest of the demo is accelerated; so an episode raises its alert within about two minutes and clears
/// it about three minutes after it ends, instead of the quarter of an hour the shipped times take.
/// </summary>
public static class DemoAlertRules
{
    public const double Speedup = 5;

    public static AlertRules Create() => AlertRules.Defaults().Accelerated(Speedup);

    /// <summary>Writes <see cref="Create"/> as a rules file (the shape Edge:Alerts:RulesFile reads).</summary>
    public static void Write(string path) => File.WriteAllText(path, Create().ToJson());
}
