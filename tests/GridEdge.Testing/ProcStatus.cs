using System.Globalization;

namespace GridEdge.Testing;

/// <summary>Memory figures of a running host process from /proc/{pid}/status (Linux), in kB; null once it has exited.</summary>
public static class ProcStatus
{
    /// <summary>Resident memory now (VmRSS).</summary>
    public static long? RssKb(int pid) => Field(pid, "VmRSS:");

    /// <summary>The highest resident memory so far (VmHWM).</summary>
    public static long? PeakRssKb(int pid) => Field(pid, "VmHWM:");

    public static long? Field(int pid, string name)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return null; } // the process is gone
    }
}
