using System.Runtime.InteropServices;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// fsync for files another component has open. LiteDB 5.0.x never syncs its log on commit (LiteDB issue #2818: a
/// commit is a plain write into the OS page cache, lost on a power cut), so the outbox syncs the log file itself
/// after each group commit. The file is opened with open(2) rather than a FileStream so that .NET's advisory
/// locks cannot collide with LiteDB's own handle.
/// </summary>
internal static partial class FileSync
{
    private const int ReadOnly = 0, CloseOnExec = 0x80000; // O_RDONLY, O_CLOEXEC (Linux)

    /// <summary>Forces a file's written data to the storage device. A missing file is fine (nothing to sync).</summary>
    public static void File(string path)
    {
        if (!System.IO.File.Exists(path)) return;
        if (OperatingSystem.IsLinux()) SyncPath(path);
        else
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> durably with <paramref name="content"/>: written to a temporary file beside it and
    /// synced, renamed over it, and the folder synced, so a power cut leaves the old file or the new, never a torn one.
    /// </summary>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }
        System.IO.File.Move(temp, path, overwrite: true);
        Directory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
    }

    /// <summary>Forces a directory's entries (a rename, a new file) to the storage device, where the OS allows it.</summary>
    public static void Directory(string path)
    {
        if (OperatingSystem.IsLinux()) SyncPath(path);
    }

    private static void SyncPath(string path)
    {
        var fd = Open(path, ReadOnly | CloseOnExec);
        if (fd < 0) throw new IOException($"open({path}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
