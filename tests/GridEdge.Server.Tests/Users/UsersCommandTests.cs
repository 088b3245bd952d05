using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Users;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Users;

/// <summary><c>GridEdge.Server users add</c>: the first administrator, its password from stdin and its API key printed once.</summary>
public sealed class UsersCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (int Status, string Out, string Error) Run(string stdin, params string[] args)
    {
        var cli = ServerCommandLine.Create(ServerCommandLine.ServerDescription, _ => 99, ServerCommandLine.ServerExamples);
        UsersCommand.AddTo(cli, new StringReader(stdin));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var status = cli.Invoke(args, stdout, stderr);
        return (status, stdout.ToString(), stderr.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Users_add_creates_an_administrator_with_the_password_from_stdin_and_prints_its_api_key_last()
    {
        using var dir = new TempFolder();
        string[] ledger = [$"--Server:Ledger:Path={dir.File("ledger.db")}", $"--Server:Logs:Directory={dir.File("logs")}"];

        var (status, stdout, stderr) = Run("a strong first password\n", ["users", "add", "--name", "root", "--role", "admin", "--password-stdin", "--api-key", .. ledger]);
        var again = Run("", ["users", "add", "--name", "root", "--role", "admin", "--api-key", .. ledger]);

        Assert.True(status == 0, stderr);
        var key = stdout.TrimEnd().Split('\n')[^1].Trim();
        await using var db = new SqliteLedgerDatabase(dir.File("ledger.db"));
        var store = new UserStore(db, new GridEdge.Server.Grid.GridRegistryStore(db), new GridEdge.Server.Audit.AuditLog(db));
        Assert.IsType<SignInOutcome.SignedIn>(await store.SignInAsync("root", "a strong first password", Ct));
        var found = await store.FindApiKeyAsync(Terminals.TerminalTokens.Hash(key), Ct);
        Assert.Equal(("root", Roles.Admin), (found!.Value.User.Name, found.Value.User.Role));
        Assert.Equal(1, again.Status);
        Assert.Contains("--name is 'root'", again.Error);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--role", "users add --name x --role mayor --api-key")]
    [InlineData("--password-stdin, --api-key", "users add --name x --role admin")]
    [InlineData("--password-stdin is", "users add --name x --role admin --password-stdin", "short")]
    [InlineData("--grid", "users add --name x --role township --api-key")]
    [InlineData("--grid is '370102001000': expected a grid in the registry (PUT /api/grids)", "users add --name x --role township --grid 370102001000 --api-key")]
    [InlineData("--name", "users add --name a/b --role admin --api-key")]
    [InlineData("--Nonsense:Key", "users add --name x --role admin --api-key --Nonsense:Key=1")]
    public void Users_add_exits_2_naming_the_bad_argument(string named, string args, string stdin = "")
    {
        using var dir = new TempFolder();

        var (status, _, stderr) = Run(stdin, [.. args.Split(' '), $"--Server:Ledger:Path={dir.File("ledger.db")}", $"--Server:Logs:Directory={dir.File("logs")}"]);

        Assert.Equal(2, status);
        Assert.Contains(named, stderr);
    }
}
