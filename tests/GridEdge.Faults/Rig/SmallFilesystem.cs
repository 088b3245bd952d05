using System.Diagnostics;

namespace GridEdge.Faults.Rig;

/// <summary>A tmpfs of a given size mounted on a folder (needs root or CAP_SYS_ADMIN), grown or unmounted by the harness.</summary>
public sealed class SmallFilesystem : IDisposable
{
    private SmallFilesystem(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MB on <paramref name="path"/>, or says why it cannot.</summary>
    public static async Task<(SmallFilesystem? Mounted, string? Why)> TryMountAsync(string path, int megabytes)
    {
        if (!OperatingSystem.IsLinux()) return (null, "mounting a small filesystem needs Linux");
        Directory.CreateDirectory(path);
        var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        return code == 0 ? (new SmallFilesystem(path), null) : (null, $"mount -t tmpfs -o size={megabytes}m tmpfs {path} failed ({code}): {output.Trim()}");
    }

    /// <summary>Grows (or shrinks, down to what is used) the filesystem to <paramref name="megabytes"/> MB.</summary>
    public async Task ResizeAsync(int megabytes)
    {
        var (code, output) = await RunAsync("mount", "-o", $"remount,size={megabytes}m", Path);
        if (code != 0) throw new IOException($"remounting {Path} with size={megabytes}m failed ({code}): {output.Trim()}");
    }

    /// <summary>Fills what is left with a file of zeros, as another process would; returns its path and size.</summary>
    public (string File, long Bytes) Fill()
    {
        var file = System.IO.Path.Combine(Path, "filler.bin");
        var chunk = new byte[256 * 1024];
        long written = 0;
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                stream.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException) { }
        // The last chunk may fit in part: fill the rest byte by byte blocks of 4 KiB.
        try
        {
            while (true)
            {
                stream.Write(chunk, 0, 4096);
                written += 4096;
            }
        }
        catch (IOException) { }
        return (file, written);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }

    public void Dispose()
    {
        var (code, output) = RunAsync("umount", "-l", Path).GetAwaiter().GetResult();
        if (code != 0) Console.Error.WriteLine($"umount {Path} failed ({code}): {output.Trim()}");
    }
}
