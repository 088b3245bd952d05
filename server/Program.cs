using GridEdge.Server;
using GridEdge.Server.Gateways;
using GridEdge.Server.Storage;
using GridEdge.Server.Users;

// Composition lives in ServerHost so the tests and the demo start exactly this host.
var cli = ServerCommandLine.Create(ServerCommandLine.ServerDescription, RunServer, ServerCommandLine.ServerExamples);
cli.Add(LedgerCommand.Create(), LedgerCommand.Examples);
cli.Add(GatewayCredentialCommand.Create(), GatewayCredentialCommand.Examples);
UsersCommand.AddTo(cli);
return cli.Invoke(args, Console.Out, Console.Error);

static int RunServer(string[] args) => ServerHost.Run("GridEdge.Server", () => ServerHost.Build(args));
