using GridEdge.Protocol.Alerts;
namespace GridEdge.Edge.Alerts;

/// <summary>
/// The sensor ids alert rules name (a dust or sensor-health rule's sensor, a straw-burning rule's sensor_groups),
/// checked against the sensors a gateway has: a rule naming a sensor that never reports never fires, and says nothing.
/// </summary>
public static class RuleSensors
{
    /// <summary>Each sensor id the rules name, with the JSON path naming it and the rule's id.</summary>
    public static IEnumerable<(string Path, string RuleId, string Sensor)> Named(AlertRules rules)
    {
        for (var i = 0; i < rules.Dust.Count; i++)
            if (rules.Dust[i].Sensor is { } sensor) yield return ($"$.dust[{i}].sensor", rules.Dust[i].Id, sensor);
        for (var i = 0; i < rules.StrawBurning.Count; i++)
            for (var j = 0; j < rules.StrawBurning[i].SensorGroups.Count; j++)
                foreach (var sensor in rules.StrawBurning[i].SensorGroups[j])
                    yield return ($"$.straw_burning[{i}].sensor_groups[{j}]", rules.StrawBurning[i].Id, sensor);
        for (var i = 0; i < rules.SensorFault.Count; i++)
            if (rules.SensorFault[i].Sensor is { } sensor) yield return ($"$.sensor_fault[{i}].sensor", rules.SensorFault[i].Id, sensor);
    }

    /// <summary>
    /// One message per sensor id the rules name that is not in <paramref name="known"/> (described as
    /// <paramref name="knownAs"/>, e.g. "sensors in the readings"), naming the rule, the JSON path and the known sensors.
    /// </summary>
    public static IReadOnlyList<string> Unmatched(AlertRules rules, IReadOnlyCollection<string> known, string knownAs)
    {
        var list = known.Count == 0 ? "none" : string.Join(", ", known.Order(StringComparer.Ordinal));
        return Named(rules)
            .Where(n => !known.Contains(n.Sensor))
            .Select(n => $"rule {n.RuleId} names sensor '{n.Sensor}' ({n.Path}), which is none of the {knownAs} ({list}): the rule never applies to it")
            .ToList();
    }
}
