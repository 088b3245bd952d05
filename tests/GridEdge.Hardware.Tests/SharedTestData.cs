using System.Runtime.CompilerServices;

namespace GridEdge.Hardware.Tests;

/// <summary>Finds ../shared/testdata beside the repository clone.</summary>
internal static class SharedTestData
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Directory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "testdata"));

    public static string PathOf(string file)
    {
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path)) Assert.Fail($"Shared capture {path} is missing: the tests expect ../shared/testdata beside the clone.");
        return path;
    }

    private static string FindRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
