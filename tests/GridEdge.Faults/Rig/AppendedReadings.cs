using System.Globalization;
using GridEdge.Testing;

namespace GridEdge.Faults.Rig;

/// <summary>
/// The readings a gateway's load source reported as committed (its <c>APPENDED readings {seq} {sensor} {value}</c>
/// lines), gathered across the gateway processes of a run; a line cut short by SIGKILL is not a report.
/// </summary>
public sealed class AppendedReadings
{
    private readonly Dictionary<double, long> _seqByValue = [];

    public int Count => _seqByValue.Count;
    public IEnumerable<double> Values => _seqByValue.Keys;

    /// <summary>Takes the reports of one process (call before it is replaced by the next start).</summary>
    public void Collect(HostProcess process)
    {
        foreach (var line in process.Lines)
        {
            if (!line.StartsWith("APPENDED readings ", StringComparison.Ordinal)) continue;
            var p = line.Split(' ');
            if (p.Length == 5 && long.TryParse(p[2], CultureInfo.InvariantCulture, out var seq)
                && double.TryParse(p[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                _seqByValue[value] = seq;
        }
    }
}
