using System.Collections.Concurrent;
using System.Diagnostics;

namespace GridEdge.Testing;

/// <summary>A child process (a GridEdge host or Mosquitto) whose output lines the test can wait for; killed when disposed.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Action<string>? _log;
    private readonly string _name;

    private HostProcess(string name, Process process, Action<string>? log)
    {
        _name = name;
        _process = process;
        _log = log;
    }

    public static HostProcess Start(string name, string fileName, IEnumerable<string> args, Action<string>? log, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new HostProcess(name, process, log);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public static HostProcess StartDotnet(string name, string dll, IEnumerable<string> args, Action<string>? log, string? workingDirectory = null) =>
        Start(name, "dotnet", new[] { dll }.Concat(args), log, workingDirectory);

    private void OnLine(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        if (!line.StartsWith("APPENDED ", StringComparison.Ordinal))
        {
            try { _log?.Invoke($"[{_name}] {line}"); } catch (InvalidOperationException) { /* the test already ended */ }
        }
    }

    public IReadOnlyCollection<string> Lines => _lines;
    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;

    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.Any(match)) return;
            if (_process.HasExited) throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode} before the expected line");
            await Task.Delay(50);
        }
        throw new TimeoutException($"{_name} did not print the expected line within {timeout}");
    }

    /// <summary>Waits for the process to exit on its own (all its output read) and returns its exit status.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"{_name} did not exit within {timeout}"); }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, like a power cut for the process.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM and wait for a graceful exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Kill(); throw new TimeoutException($"{_name} did not stop within {timeout} of SIGTERM"); }
    }

    public void Dispose()
    {
        try { Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
