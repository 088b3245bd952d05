using System.Collections.Concurrent;

namespace GridEdge.Protocol.Diagnostics;

/// <summary>
/// Decides when a repeated event is worth a log line: the first of each key at once, then at most one per interval,
/// carrying how many happened since the last line. Both hosts use it so that a flood of identical errors (a full disk, a
/// hostile client) costs one line per interval, not one per event. Pure logic: the caller logs.
/// </summary>
public sealed class LogThrottle(TimeSpan interval, TimeProvider time)
{
    private sealed class Entry
    {
        public long LastLogged = long.MinValue;
        public long Suppressed;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts one event of <paramref name="key"/>; true when it should be logged now, with <paramref name="count"/> the
    /// events it stands for (itself and those suppressed since the last line).
    /// </summary>
    public bool ShouldLog(string key, out long count)
    {
        var entry = _entries.GetOrAdd(key, _ => new Entry());
        lock (entry)
        {
            var now = time.GetTimestamp();
            if (entry.LastLogged == long.MinValue || time.GetElapsedTime(entry.LastLogged, now) >= interval)
            {
                count = entry.Suppressed + 1;
                entry.Suppressed = 0;
                entry.LastLogged = now;
                return true;
            }
            entry.Suppressed++;
            count = 0;
            return false;
        }
    }
}
