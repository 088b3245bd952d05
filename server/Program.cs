using GridEdge.Server;
using GridEdge.Server.Gateways;
using GridEdge.Server.Storage;

// Composition lives in ServerHost so the tests and the demo start exactly this host.
var cli = ServerCommandLine.Create(ServerCommandLine.ServerDescription, RunServer, ServerCommandLine.ServerExamples);
cli.Add(LedgerCommand.Create(), LedgerCommand.Examples);
cli.Add(GatewayCredentialCommand.Create(), GatewayCredentialCommand.Examples);
return cli.Invoke(args, Console.Out, Console.Error);

static int RunServer(string[] args) => ServerHost.Run("GridEdge.Server", () => ServerHost.Build(args));
