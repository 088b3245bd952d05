using System.Diagnostics;

namespace GridEdge.Edge.Tests;

/// <summary>A 4 MB tmpfs mounted on a temp folder, unmounted at the end: the gateway's data on a real, small filesystem that another process fills. Needs root to mount; tests skip otherwise.</summary>
internal sealed class SmallFileSystem : IDisposable
{
    private readonly TempDirectory _mountPoint = new();
    public string Path => _mountPoint.Path;

    private SmallFileSystem() { }

    public static SmallFileSystem MountOrSkip()
    {
        var fs = new SmallFileSystem();
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", fs.Path);
        if (code != 0)
        {
            fs._mountPoint.Dispose();
            Assert.Skip($"needs a 4 MB tmpfs to fill, and 'mount -t tmpfs' failed (not root, or no CAP_SYS_ADMIN): {error.Trim()}");
        }
        return fs;
    }

    /// <summary>Writes a file until the filesystem refuses another byte, as another process filling the disk would.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        using var file = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        var block = new byte[4096];
        try
        {
            while (true) file.Write(block);
        }
        catch (IOException)
        {
            // Full. A page or two may still be free below a block: fill those too.
            try { while (true) file.Write(block, 0, 1); }
            catch (IOException) { }
        }
        return filler;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        _mountPoint.Dispose();
    }

    private static (int Code, string Error) Run(string command, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
