using System.Globalization;

namespace GridEdge.Load;

/// <summary>What the load commands read about a host process from /proc (Linux).</summary>
internal static class ProcStats
{
    /// <summary>utime + stime of a process, from /proc/{pid}/stat (clock ticks of 1/100 s on Linux).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>A numeric field of /proc/{pid}/status ("VmRSS:", "VmHWM:", "RssAnon:" in kB; "Threads:"), read by the harness's one parser.</summary>
    public static long Status(int pid, string field) =>
        Testing.ProcStatus.Field(pid, field) ?? throw new InvalidOperationException($"/proc/{pid}/status has no {field} (has the process exited?)");
}
