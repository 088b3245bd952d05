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

    /// <summary>
    /// CPU seconds of the PostgreSQL cluster listening on <paramref name="port"/>: its postmaster (found by its -p option),
    /// the processes it runs now (backends, writers) and those that have exited.
    /// </summary>
    public static double PostgresCpuSeconds(int port)
    {
        var pids = Directory.GetDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0).Where(p => p > 0).ToList();
        var postmaster = pids.FirstOrDefault(pid =>
        {
            try
            {
                var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
                return args[0].EndsWith("/postgres", StringComparison.Ordinal) && args.Zip(args.Skip(1)).Any(a => a is ("-p", var p) && p == port.ToString(CultureInfo.InvariantCulture));
            }
            catch (IOException) { return false; }
        });
        if (postmaster == 0) throw new InvalidOperationException($"no postgres process listens on port {port}");
        var total = 0.0;
        foreach (var pid in pids)
        {
            string[] fields;
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            }
            catch (IOException) { continue; }
            if (pid != postmaster && fields[1] != postmaster.ToString(CultureInfo.InvariantCulture)) continue;
            // utime, stime; for the postmaster also cutime and cstime, its exited children.
            var columns = pid == postmaster ? new[] { 11, 12, 13, 14 } : [11, 12];
            total += columns.Sum(c => long.Parse(fields[c], CultureInfo.InvariantCulture)) / 100.0;
        }
        return total;
    }

    /// <summary>Bytes a process caused to be written to the block device, and passed to write(2), from /proc/{pid}/io.</summary>
    public static (long WriteBytes, long WriteChars) Io(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/io");
        long Field(string name) => long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim(), CultureInfo.InvariantCulture);
        return (Field("write_bytes"), Field("wchar"));
    }

    /// <summary>A numeric field of /proc/{pid}/status ("VmRSS:", "VmHWM:", "RssAnon:" in kB; "Threads:"), read by the harness's one parser.</summary>
    public static long Status(int pid, string field) =>
        Testing.ProcStatus.Field(pid, field) ?? throw new InvalidOperationException($"/proc/{pid}/status has no {field} (has the process exited?)");
}
