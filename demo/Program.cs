using GridEdge.Demo;
using GridEdge.Server;

// The server exactly as shipped, plus simulated gateways and grid members in this process (DemoExtension).
return ServerCommandLine.Create(
        "GridEdge demo: the server with its embedded broker and a fresh SQLite ledger under ./data/demo/, two simulated " +
        "gateways with HJ 212 monitors, and eight simulated grid members posting check-ins, patrols and problems. " +
        "Everything under ./data/demo/ and ./data/demo.json is replaced at every start. Runs until stopped (Ctrl+C).",
        RunDemo,
        ["dotnet run --project demo", "dotnet run --project demo -- --Server:Http:Url=http://127.0.0.1:5081"])
    .Invoke(args, Console.Out, Console.Error);

static int RunDemo(string[] args) => ServerHost.Run("GridEdge.Demo", () =>
{
    // Before logging or the ledger open a file in it.
    DemoData.StartFresh();
    return ServerHost.Build(args, extension: new DemoExtension());
});
