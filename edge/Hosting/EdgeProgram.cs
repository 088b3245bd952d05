using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Hosting;

/// <summary>The gateway process: its command line, then the host until it stops; shared by GridEdge.Edge and the simulated gateway.</summary>
public static class EdgeProgram
{
    /// <summary>Runs the command line; the gateway itself is built with <paramref name="extension"/> (none for the shipped gateway).</summary>
    public static int Run(string[] args, IEdgeExtension? extension = null) =>
        EdgeCommandLine.Create(a => RunGateway(a, extension)).Invoke(args, Console.Out, Console.Error);

    private static int RunGateway(string[] args, IEdgeExtension? extension)
    {
        try
        {
            using var host = EdgeHost.Build(args, extension: extension);
            // Validate before starting, so a bad setting is one line on stderr rather than a "hosting failed" stack trace.
            _ = host.Services.GetRequiredService<IOptions<EdgeOptions>>().Value;
            host.Run();
            return 0;
        }
        catch (OptionsValidationException e)
        {
            Console.Error.WriteLine($"GridEdge.Edge: invalid configuration: {string.Join("; ", e.Failures)}");
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"GridEdge.Edge: failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}
