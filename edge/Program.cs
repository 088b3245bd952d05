using GridEdge.Edge.Hosting;
using GridEdge.Edge.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

if (args.Length > 0 && args[0] == "decode") return DecodeCommand.Run(args, Console.Out, Console.Error);
if (args.Length > 0 && args[0] == "replay") return ReplayCommand.Run(args, Console.Out, Console.Error);

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
