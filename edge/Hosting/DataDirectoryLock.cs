using System.Diagnostics;
using System.Globalization;

namespace GridEdge.Edge.Hosting;

/// <summary>
/// An exclusive lock on the gateway's data directory, held for the life of the process: two gateway processes on one
/// directory would write the same LiteDB files and corrupt the outbox. The lock is the kernel's (flock on
/// <c>.lock</c>, released when the process dies, even by SIGKILL); <c>.lock.owner</c> says who holds it, for the
/// message the second process prints.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _lock;

    private DataDirectoryLock(FileStream stream, string directory)
    {
        _lock = stream;
        Directory = directory;
    }

    /// <summary>The directory held.</summary>
    public string Directory { get; }

    /// <summary>Takes the lock, or throws <see cref="DataDirectoryInUseException"/> naming the process that holds it.</summary>
    public static DataDirectoryLock Acquire(string directory)
    {
        var full = Path.GetFullPath(directory);
        var path = Path.Combine(full, ".lock");
        var owner = Path.Combine(full, ".lock.owner");
        try
        {
            System.IO.Directory.CreateDirectory(full);
            File.WriteAllText(Path.Combine(full, ".lock.probe"), "");
            File.Delete(Path.Combine(full, ".lock.probe"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Edge:DataDirectory is '{full}': cannot create or write to it ({e.Message}); expected a writable directory", e);
        }
        FileStream stream;
        try
        {
            // FileShare.None is an exclusive, non-blocking flock(2) on Unix: a second process fails at once.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            var holder = File.Exists(owner) ? File.ReadAllText(owner).Trim() : "another process";
            throw new DataDirectoryInUseException(
                $"Edge:DataDirectory {full} is in use by {holder}: stop that gateway, or give this one its own Edge:DataDirectory", e);
        }
        using (var process = Process.GetCurrentProcess())
        {
            File.WriteAllText(owner, string.Create(CultureInfo.InvariantCulture,
                $"GridEdge.Edge pid {Environment.ProcessId} ({process.ProcessName}) since {DateTimeOffset.UtcNow:O}"));
        }
        return new DataDirectoryLock(stream, full);
    }

    public void Dispose() => _lock.Dispose();
}

/// <summary>The data directory is held by another gateway process.</summary>
public sealed class DataDirectoryInUseException(string message, Exception inner) : IOException(message, inner);
