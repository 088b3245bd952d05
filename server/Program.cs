using GridEdge.Server;

// Composition lives in ServerHost so the tests and the demo start exactly this host.
return ServerCommandLine.Create(ServerCommandLine.ServerDescription, RunServer, ServerCommandLine.ServerExamples).Invoke(args, Console.Out, Console.Error);

static int RunServer(string[] args) => ServerHost.Run("GridEdge.Server", () => ServerHost.Build(args));
