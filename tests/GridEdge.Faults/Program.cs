using System.CommandLine;
using GridEdge.Faults;
using GridEdge.Faults.Modes;

// The fault harness (issue 11): attacks on real server and gateway processes on loopback, each printing a FaultAccount.
// Build Release first (dotnet build -c Release GridEdge.sln), then e.g.
//   dotnet tests/GridEdge.Faults/bin/Release/net10.0/GridEdge.Faults.dll kill --kills 50 --server-every 10
// Exit code: 0 when every invariant held (or a mode was skipped), 1 when one failed, 2 for bad arguments.
var verbose = new Option<bool>("--verbose") { Description = "Print the hosts' output (warnings and errors) to stderr", Recursive = true };
var seed = new Option<int>("--seed") { Description = "Seed of the random kill moments and mutations (a run can be repeated)", DefaultValueFactory = _ => 11, Recursive = true };

var kills = new Option<int>("--kills") { Description = "Gateway SIGKILLs", DefaultValueFactory = _ => 50 };
var serverEvery = new Option<int>("--server-every") { Description = "Kill the server too every K-th round (0: never)", DefaultValueFactory = _ => 10 };
var loadPerRound = new Option<int>("--load-per-round") { Description = "Load readings each gateway process appends (8 at a time) unless killed first", DefaultValueFactory = _ => 20_000 };
var kill = new Command("kill", "SIGKILL the gateway (and every K-th round the server) at random moments under load; count lost and duplicated records") { kills, serverEvery, loadPerRound };

var sizeMb = new Option<int>("--size-mb") { Description = "Size of the tmpfs under the gateway's data directory", DefaultValueFactory = _ => 20 };
var fillSeconds = new Option<int>("--fill-seconds") { Description = "How long terminals may post before the gateway must refuse", DefaultValueFactory = _ => 120 };
var recoverSeconds = new Option<int>("--recover-seconds") { Description = "How long the gateway has to answer 201 again, and then to deliver, once space returns", DefaultValueFactory = _ => 60 };
var diskFull = new Command("disk-full", "Fill the gateway's disk with the uplink down, free it, fill it from outside; needs root to mount a tmpfs (skipped otherwise)") { sizeMb, fillSeconds, recoverSeconds };

var requests = new Option<int>("--requests") { Description = "Mutated requests", DefaultValueFactory = _ => 100_000 };
var terminalFuzz = new Command("terminal-fuzz", "Mutated requests against the gateway's terminal API") { requests };

var frames = new Option<int>("--frames") { Description = "Mutated frames", DefaultValueFactory = _ => 1_000_000 };
var hj212Fuzz = new Command("hj212-fuzz", "Mutated HJ 212 frames from a registered monitor to the gateway's listener") { frames };

var idle = new Option<int>("--idle") { Description = "Sockets that never send CONNECT", DefaultValueFactory = _ => 3_000 };
var hugeMb = new Option<int>("--huge-mb") { Description = "MB sent after each huge CONNECT header and in the oversized PUBLISH", DefaultValueFactory = _ => 256 };
var closeWait = new Option<int>("--close-wait") { Description = "Seconds the broker has to close the idle sockets", DefaultValueFactory = _ => 45 };
var mqttFlood = new Command("mqtt-flood", "Pre-authentication floods against the server's embedded MQTT broker while a gateway delivers") { idle, hugeMb, closeWait };

var connections = new Option<int>("--connections") { Description = "Idle connections to the terminal API", DefaultValueFactory = _ => 20_000 };
var seconds = new Option<int>("--seconds") { Description = "How long the flood is held", DefaultValueFactory = _ => 60 };
var idleFlood = new Command("idle-flood", "Idle TCP connections to the terminal API while a normal terminal keeps posting") { connections, seconds };

var shortRun = new Option<bool>("--short") { Description = "Small numbers: the whole run in about 3 minutes (the test command's run)" };
var all = new Command("all", "Every mode, one after the other") { shortRun };

var root = new RootCommand("GridEdge fault harness: attacks real server and gateway processes on loopback and prints what was lost, duplicated, refused or crashed")
{
    kill, diskFull, terminalFuzz, hj212Fuzz, mqttFlood, idleFlood, all, verbose, seed,
};

kill.SetAction((r, ct) => Run(r, log => new KillLoop(r.GetValue(kills), r.GetValue(serverEvery), r.GetValue(loadPerRound), r.GetValue(seed), log).RunAsync(ct)));
diskFull.SetAction((r, ct) => Run(r, log => new DiskFull(r.GetValue(sizeMb), r.GetValue(fillSeconds), r.GetValue(recoverSeconds), log).RunAsync(ct)));
terminalFuzz.SetAction((r, ct) => Run(r, log => new TerminalFuzz(r.GetValue(requests), r.GetValue(seed), log).RunAsync(ct)));
hj212Fuzz.SetAction((r, ct) => Run(r, log => new Hj212Fuzz(r.GetValue(frames), r.GetValue(seed), log).RunAsync(ct)));
mqttFlood.SetAction((r, ct) => Run(r, log => new MqttFlood(r.GetValue(idle), r.GetValue(hugeMb), r.GetValue(closeWait), log).RunAsync(ct)));
idleFlood.SetAction((r, ct) => Run(r, log => new IdleFlood(r.GetValue(connections), r.GetValue(seconds), log).RunAsync(ct)));
all.SetAction(async (r, ct) =>
{
    var accounts = await new AllModes(r.GetValue(shortRun), r.GetValue(seed), Logger(r)).RunAsync(Console.Out, ct);
    return accounts.All(a => a.Held) ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();

Action<string> Logger(ParseResult r) => r.GetValue(verbose) ? line => Console.Error.WriteLine(line) : _ => { };

async Task<int> Run(ParseResult r, Func<Action<string>, Task<FaultAccount>> mode)
{
    var account = await mode(Logger(r));
    account.Print(Console.Out);
    return account.Held ? 0 : 1;
}
