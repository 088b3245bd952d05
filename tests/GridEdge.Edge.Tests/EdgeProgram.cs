using GridEdge.Edge.Hosting;

namespace GridEdge.Edge.Tests;

/// <summary>The gateway program's command line run in this process, with a gateway that records whether it was started instead of starting.</summary>
internal sealed class EdgeProgram
{
    /// <summary>The arguments the gateway was started with; null while it was not.</summary>
    public string[]? GatewayStartedWith { get; private set; }

    public (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = EdgeCommandLine.Create(a =>
        {
            GatewayStartedWith = a;
            return 0;
        }).Invoke(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a sub-command (decode, replay) that must not start the gateway.</summary>
    public static (int Exit, string Stdout, string Stderr) RunTool(params string[] args)
    {
        var program = new EdgeProgram();
        var result = program.Run(args);
        Assert.Null(program.GatewayStartedWith);
        return result;
    }
}
