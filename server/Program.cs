using GridEdge.Server;
using Microsoft.Extensions.Options;

// Composition lives in ServerHost so the tests start exactly this host.
return ServerCommandLine.Create(RunServer).Invoke(args, Console.Out, Console.Error);

static int RunServer(string[] args)
{
    try
    {
        var app = ServerHost.Build(args);
        app.Run();
        return 0;
    }
    catch (OptionsValidationException e)
    {
        // A bad setting stops the host at once with the key that is wrong.
        foreach (var failure in e.Failures) Console.Error.WriteLine($"Configuration error: {failure}");
        return 2;
    }
    catch (Exception e)
    {
        // Something the settings point at is not usable (a port taken, a path not writable): one line naming it, no stack trace.
        Console.Error.WriteLine($"GridEdge.Server: could not start: {StartupFailure.Describe(e)}");
        return 1;
    }
}
