using System.Globalization;

namespace GridEdge.Integration.Tests.Arm64;

/// <summary>
/// The resident memory of the program a qemu-user process emulates, without qemu's own: what the program would hold on
/// the board. qemu maps the guest's address space low (at its guest base) and keeps its translated code and its own
/// malloc heap above it, from its [heap] on; the guest's share is what lies below that heap. Null when it cannot tell.
/// </summary>
public static class EmulatedMemory
{
    public static long? GuestRssKb(int pid)
    {
        List<(ulong Start, string Name, long RssKb)> maps = [];
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                // A mapping's header: "55037f0000-5503b3b000 r--p 00000000 08:01 123 /path"; its fields ("Rss: 4 kB") follow.
                if (fields.Length >= 5 && fields[0].Contains('-') && fields[1].Length == 4)
                    maps.Add((ulong.Parse(fields[0][..fields[0].IndexOf('-')], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields.Length == 6 ? fields[5].Trim() : "", 0));
                else if (line.StartsWith("Rss:", StringComparison.Ordinal) && maps.Count > 0)
                    maps[^1] = maps[^1] with { RssKb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) };
            }
        }
        catch (IOException) { return null; } // the process is gone
        var heap = maps.FirstOrDefault(m => m.Name == "[heap]");
        return heap.Name is null ? null : maps.Where(m => m.Start < heap.Start).Sum(m => m.RssKb);
    }
}
