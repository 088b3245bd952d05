using GridEdge.Server;
using Microsoft.Extensions.Options;

// Composition lives in ServerHost so the tests start exactly this host.
try
{
    var app = ServerHost.Build(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // A bad setting stops the host at once with the key that is wrong.
    foreach (var failure in e.Failures) Console.Error.WriteLine($"Configuration error: {failure}");
    return 2;
}
