using GridEdge.Edge.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

return EdgeCommandLine.Create(RunGateway).Invoke(args, Console.Out, Console.Error);

static int RunGateway(string[] args)
{
    try
    {
        using var host = EdgeHost.Build(args);
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
