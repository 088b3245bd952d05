using System.Runtime.InteropServices;

namespace GridEdge.Edge.Time;

/// <summary>Asks the Linux kernel whether the system clock is synchronised (adjtimex(2) with no changes: TIME_ERROR means not).</summary>
internal static partial class KernelTimeSync
{
    private const int TimeError = 5;

    /// <summary>True or false on Linux; null where the kernel cannot be asked.</summary>
    public static bool? IsSynchronised()
    {
        if (!OperatingSystem.IsLinux()) return null;
        // struct timex is 208 bytes on 64-bit Linux; modes (the first field) = 0 reads without changing anything.
        var timex = new byte[256];
        int state;
        try { state = Adjtimex(timex); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
        return state < 0 ? null : state != TimeError;
    }

    [LibraryImport("libc", EntryPoint = "adjtimex", SetLastError = true)]
    private static partial int Adjtimex([In, Out] byte[] timex);
}
