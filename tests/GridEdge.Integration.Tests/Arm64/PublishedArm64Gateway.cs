using GridEdge.Testing;

namespace GridEdge.Integration.Tests.Arm64;

/// <summary>
/// The gateway tests/arm64/publish.sh published self-contained for linux-arm64 (artifacts/edge-linux-arm64), and the
/// qemu-user emulator that runs it on an x64 machine; or why they are not there.
/// </summary>
public static class PublishedArm64Gateway
{
    public static string Directory => Path.Combine(Loopback.Repository, "artifacts", "edge-linux-arm64");

    /// <summary>The command that runs the arm64 gateway (emulator, then the gateway's executable), or null with the reason.</summary>
    public static IReadOnlyList<string>? Command(out string reason)
    {
        var skipFile = Directory + ".skip";
        var executable = Path.Combine(Directory, "GridEdge.Edge");
        var emulator = Emulator();
        reason = "";
        if (File.Exists(skipFile)) reason = "tests/arm64/publish.sh did not publish it: " + File.ReadAllText(skipFile).Trim();
        else if (!File.Exists(executable)) reason = $"{executable} is not published: run tests/arm64/publish.sh";
        else if (emulator is null) reason = "qemu-aarch64-static is not installed (tests/arm64/publish.sh installs it with apt)";
        // A publish older than the x64 build may be of older code: what this run tests is the code just built.
        else if (File.GetLastWriteTimeUtc(Path.Combine(Directory, "GridEdge.Edge.dll")) < File.GetLastWriteTimeUtc(Loopback.HostDll("edge", "GridEdge.Edge")))
            reason = $"{Directory} is older than the x64 build of the gateway: run tests/arm64/publish.sh again";
        // .NET's W^X double-maps the code it writes; qemu-user misses writes through the second mapping and runs stale code
        // (segfaults, NullReferenceExceptions inside LiteDB: dotnet/runtime#94909). .NET does not support qemu; a Pi keeps W^X.
        return reason.Length > 0 ? null : [emulator!, "-E", "DOTNET_EnableWriteXorExecute=0", executable];
    }

    private static string? Emulator() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "qemu-aarch64-static"))
            .FirstOrDefault(File.Exists);
}
