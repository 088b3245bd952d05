using System.CommandLine;
using GridEdge.Protocol.Hosting;
using GridEdge.Server.Audit;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Users;

/// <summary>
/// <c>GridEdge.Server users add --name NAME --role ROLE [--grid CODE] [--department ID] [--display NAME] [--password-stdin] [--api-key]</c>:
/// creates a user in the ledger of the server's own settings (Server:Ledger, with the same overrides as the server),
/// migrating it first; the way the first administrator comes to be. A grid must be in the grid registry already. The user
/// and its key are audited as made at the command line by the OS user. Exit 0, 2 naming a bad argument, 1 when the
/// ledger is unusable or the name is taken.
/// </summary>
public static class UsersCommand
{
    /// <summary>The examples in the command's help.</summary>
    public static readonly string[] Examples =
    [
        "GridEdge.Server users add --name admin --role admin --password-stdin --api-key < password.txt",
        "GridEdge.Server users add --name li.wei --role township --grid 370102001000 --display 李伟 --password-stdin --Server:Ledger:Path=/var/lib/gridedge/ledger.db",
        "GridEdge.Server users add --name zhujian.zhao --role department --department zhujian --display 赵敏 --password-stdin",
    ];

    /// <summary>
    /// Adds the <c>users</c> command with its <c>add</c> sub-command (examples and configuration help on both) to
    /// <paramref name="cli"/>; the password is read from <paramref name="stdin"/> (the console's by default).
    /// </summary>
    public static HostCommandLine AddTo(HostCommandLine cli, TextReader? stdin = null)
    {
        var name = new Option<string>("--name") { Description = "The user's name (what they sign in with): " + Protocol.Wire.TerminalIds.Rule, Required = true };
        name.Validators.Add(r => { if (r.Tokens.FirstOrDefault()?.Value is { } v && !Protocol.Wire.TerminalIds.IsValid(v)) r.AddError($"--name is '{v}': expected {Protocol.Wire.TerminalIds.Rule}"); });
        var role = new Option<string>("--role") { Description = "The role: " + Roles.Rule, Required = true };
        role.Validators.Add(r => { if (r.Tokens.FirstOrDefault()?.Value is { } v && !Roles.IsKnown(v)) r.AddError($"--role is '{v}': expected {Roles.Rule}"); });
        var grid = new Option<string?>("--grid") { Description = "The code of the grid the user works in, a grid in the registry (required for county, township and village roles)" };
        var department = new Option<string?>("--department")
        {
            Description = "The id of the department a department user works for, a department in the register (required for the department role; its grid is the department's)",
        };
        var display = new Option<string?>("--display") { Description = "The name shown for the user (default: --name)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = $"Read the password from standard input (at least {SignInLimits.MinPasswordLength} characters; one line)" };
        var apiKey = new Option<bool>("--api-key") { Description = "Create an API key for the user and print it once (the last line of the output)" };
        var overrides = new ConfigurationOverrides(ServerCommandLine.ConfigurationKeys);
        var add = new Command("add", "Creates a user in the ledger of the server's settings (migrating it first): the first administrator is made this way.")
        {
            name, role, grid, department, display, passwordStdin, apiKey, overrides.Argument,
        };
        add.SetAction(async (result, cancellationToken) =>
        {
            if (!result.GetValue(passwordStdin) && !result.GetValue(apiKey))
            {
                result.InvocationConfiguration.Error.WriteLine("users add: give --password-stdin, --api-key or both: a user needs a way to sign in");
                return HostCommandLine.UsageError;
            }
            string? password = null;
            if (result.GetValue(passwordStdin))
                password = (await (stdin ?? Console.In).ReadLineAsync(cancellationToken))?.TrimEnd('\r', '\n') ?? "";
            return await AddAsync(new NewUser(result.GetRequiredValue(name), result.GetValue(display), result.GetRequiredValue(role), result.GetValue(grid), password,
                    result.GetValue(department)),
                result.GetValue(apiKey), [.. result.GetValue(overrides.Argument) ?? []], result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken);
        });
        cli.Add(new Command("users", "Users of the HTTP API: add one (the first administrator).") { add }, Examples);
        cli.Epilogue(overrides.Help("--Server:Ledger:Path=/var/lib/gridedge/ledger.db"), add).Epilogue(HostCommandLine.Examples(Examples), add);
        return cli;
    }

    /// <summary>Creates the user (and an API key when <paramref name="withApiKey"/>) in the ledger of <paramref name="configuration"/>; the exit status.</summary>
    public static async Task<int> AddAsync(NewUser user, bool withApiKey, string[] configuration, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        // The server's own composition: its settings, ledger and schemas; nothing of it is started.
        await using var app = ServerHost.Build(configuration);
        try
        {
            var database = app.Services.GetRequiredService<LedgerDatabase>();
            await new SchemaMigrator(database, app.Services.GetServices<ILedgerSchema>(), TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
            var users = app.Services.GetRequiredService<IUserStore>();
            var by = AuditActor.OfCommandLine();
            var created = await users.CreateAsync(user, by, cancellationToken);
            if (created.User is null)
            {
                var e = created.Error!;
                stderr.WriteLine($"users add: --{(e.Field == "password" ? "password-stdin" : e.Field)} is '{e.Value}': expected {e.Expected}");
                return created.Failure == RegistryFailure.Conflict ? 1 : HostCommandLine.UsageError;
            }
            stdout.WriteLine($"Created user {created.User.Name} ({created.User.Role}, {Roles.All.First(r => r.Role == created.User.Role).Chinese}{(created.User.Grid is null ? "" : ", grid " + created.User.Grid)}{(created.User.Department is null ? "" : ", department " + created.User.Department)}) in {database.Describe()}.");
            if (withApiKey && await users.CreateApiKeyAsync(user.Name, by, cancellationToken) is { } key)
            {
                stdout.WriteLine($"API key {key.Id}, shown this once (send it as Authorization: Bearer KEY):");
                stdout.WriteLine(key.Key);
            }
            return 0;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures) stderr.WriteLine($"Configuration error: {failure}");
            return HostCommandLine.UsageError;
        }
        catch (Exception e) when (e is LedgerUnavailableException or LedgerSchemaTooNewException or System.Data.Common.DbException)
        {
            stderr.WriteLine($"users add: {e.Message}");
            return 1;
        }
    }
}
