namespace GridEdge.Hardware.Tests;

/// <summary>Finds the captures of tests/testdata, which the build copies into the output as testdata/.</summary>
internal static class TestCaptures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "testdata");

    public static string PathOf(string file)
    {
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path)) Assert.Fail($"Capture {path} is missing: tests/testdata/{file} should be copied into the test output.");
        return path;
    }
}
