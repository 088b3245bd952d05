using GridEdge.Testing;

namespace GridEdge.Integration.Tests;

/// <summary>
/// The alert rules the alarm tests give a gateway: a level rule on the load sensor's pm2_5 with no sustain, so the load
/// values (1, 2, 3, …) cross 100 early and raise one warning.
/// </summary>
internal static class LoadDustRule
{
    /// <summary>Writes the rules file into <paramref name="dir"/> and returns its path.</summary>
    public static string Write(TempDirectory dir)
    {
        var path = dir.File("rules.json");
        File.WriteAllText(path, """
            {
              "dust": [ { "id": "load-dust", "quantity": "pm2_5", "sensor": "load-x", "measure": "mean", "window_seconds": 1,
                          "sustain_seconds": 0, "hold_seconds": 0, "clear": 50, "levels": [ { "severity": "warning", "raise": 100 } ] } ],
              "straw_burning": [],
              "sensor_fault": []
            }
            """);
        return path;
    }
}
