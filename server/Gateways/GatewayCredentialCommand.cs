using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridEdge.Protocol.Hosting;
using GridEdge.Server.Audit;
using GridEdge.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Gateways;

/// <summary>
/// <c>GridEdge.Server gateways add|rotate|revoke|mosquitto</c>: issues gateways their broker accounts in the server's
/// ledger (the one its configuration names), and writes Mosquitto's password file and ACL from them. Issuing, rotating
/// and revoking are audited as made at the command line by the OS user. Exit 0 when done, 1 when refused or the ledger
/// is unusable, 2 for a bad setting.
/// </summary>
public static class GatewayCredentialCommand
{
    /// <summary>The examples in the command's help.</summary>
    public static readonly string[] Examples =
    [
        "GridEdge.Server gateways add gw-370102-001 --township 370102001 --broker-host mqtt.example.cn --broker-port 8883",
        "GridEdge.Server gateways rotate gw-370102-001",
        "GridEdge.Server gateways revoke gw-370102-001",
        "GridEdge.Server gateways mosquitto --passwd /etc/mosquitto/gridedge.passwd --acl /etc/mosquitto/gridedge.acl --Server:Broker:Password=...",
    ];

    /// <summary>The <c>gateways</c> command with its sub-commands.</summary>
    public static Command Create()
    {
        var add = new Command("add", "Issues a gateway its broker account: prints the password (shown only now) and the gateway's configuration.");
        var addId = IdArgument(add);
        var addOverrides = Overrides(add);
        var township = new Option<string?>("--township") { Description = "The township the gateway serves (its code in the grid registry)" };
        var brokerHost = new Option<string?>("--broker-host") { Description = "The broker address the gateway connects to (default Server:Broker:Host)" };
        var brokerPort = new Option<int?>("--broker-port") { Description = "The broker port the gateway connects to (default Server:Broker:Port)" };
        add.Add(township);
        add.Add(brokerHost);
        add.Add(brokerPort);
        add.SetAction((r, ct) => RunAsync(r.GetValue(addOverrides) ?? [], r.InvocationConfiguration, (ctx, c) => AddAsync(ctx, r.GetRequiredValue(addId), r.GetValue(township), r.GetValue(brokerHost), r.GetValue(brokerPort), c), ct));

        var rotate = new Command("rotate", "Issues a gateway a new password; the old one keeps working for Server:Broker:RotationGraceHours (24 by default).");
        var rotateId = IdArgument(rotate);
        var rotateOverrides = Overrides(rotate);
        var rotateHost = new Option<string?>("--broker-host") { Description = "The broker address in the printed configuration (default Server:Broker:Host)" };
        var rotatePort = new Option<int?>("--broker-port") { Description = "The broker port in the printed configuration (default Server:Broker:Port)" };
        rotate.Add(rotateHost);
        rotate.Add(rotatePort);
        rotate.SetAction((r, ct) => RunAsync(r.GetValue(rotateOverrides) ?? [], r.InvocationConfiguration, (ctx, c) => RotateAsync(ctx, r.GetRequiredValue(rotateId), r.GetValue(rotateHost), r.GetValue(rotatePort), c), ct));

        var revoke = new Command("revoke", "Revokes a gateway's account at once; a running embedded broker disconnects it within Server:Broker:RevocationCheckSeconds.");
        var revokeId = IdArgument(revoke);
        var revokeOverrides = Overrides(revoke);
        revoke.SetAction((r, ct) => RunAsync(r.GetValue(revokeOverrides) ?? [], r.InvocationConfiguration, (ctx, c) => RevokeAsync(ctx, r.GetRequiredValue(revokeId), c), ct));

        var mosquitto = new Command("mosquitto", "Writes Mosquitto's password file (its own $7$ hashes) with the ingest user (Server:Broker:Username/Password) and every active gateway, and the ACL; then reload Mosquitto (SIGHUP).");
        var passwd = new Option<string>("--passwd") { Description = "The password file to write (password_file in mosquitto.conf)", Required = true };
        var acl = new Option<string>("--acl") { Description = "The ACL file to write (acl_file in mosquitto.conf)", Required = true };
        mosquitto.Add(passwd);
        mosquitto.Add(acl);
        var mosquittoOverrides = Overrides(mosquitto);
        mosquitto.SetAction((r, ct) => RunAsync(r.GetValue(mosquittoOverrides) ?? [], r.InvocationConfiguration, (ctx, c) => MosquittoAsync(ctx, r.GetRequiredValue(passwd), r.GetRequiredValue(acl), c), ct));

        return new Command("gateways", "Gateways' broker accounts: issue, rotate and revoke them; write Mosquitto's password file and ACL.") { add, rotate, revoke, mosquitto };
    }

    /// <summary>The configuration overrides of the server (--Server:Ledger:Path=...), after the command's own arguments.</summary>
    private static Argument<string[]> Overrides(Command command)
    {
        var overrides = new ConfigurationOverrides(ServerCommandLine.ConfigurationKeys).Argument;
        command.Add(overrides);
        return overrides;
    }

    private static Argument<string> IdArgument(Command command)
    {
        var id = new Argument<string>("id") { Description = "The gateway id (its MQTT username and client id)" };
        command.Add(id);
        return id;
    }

    private sealed record Context(IGatewayCredentialStore Store, IAuditLog Audit, ServerOptions Options, TextWriter Out, TextWriter Error);

    private static async Task<int> RunAsync(string[] overrides, InvocationConfiguration console, Func<Context, CancellationToken, Task<int>> work, CancellationToken cancellationToken)
    {
        try
        {
            // The server's own composition and configuration; nothing of it is started.
            await using var app = ServerHost.Build(overrides);
            var options = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value;
            var database = app.Services.GetRequiredService<LedgerDatabase>();
            await new SchemaMigrator(database, app.Services.GetServices<ILedgerSchema>(), TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
            return await work(new Context(app.Services.GetRequiredService<IGatewayCredentialStore>(), app.Services.GetRequiredService<IAuditLog>(), options,
                console.Output, console.Error), cancellationToken);
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures) console.Error.WriteLine($"Configuration error: {failure}");
            return 2;
        }
        catch (Exception e) when (e is LedgerUnavailableException or LedgerSchemaTooNewException or System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"gateways: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> AddAsync(Context ctx, string id, string? township, string? host, int? port, CancellationToken ct)
    {
        var before = await ctx.Store.GetAsync(id, ct);
        var (issued, error, _) = await ctx.Store.AddAsync(id, township, ct);
        await AuditAsync(ctx, AuditActions.GatewayCredentialsIssue, before, issued, ct);
        return Print(ctx, issued, error, host, port, "gateways add");
    }

    private static async Task<int> RotateAsync(Context ctx, string id, string? host, int? port, CancellationToken ct)
    {
        var before = await ctx.Store.GetAsync(id, ct);
        var (issued, error, _) = await ctx.Store.RotateAsync(id, TimeSpan.FromHours(ctx.Options.Broker.RotationGraceHours), ct);
        await AuditAsync(ctx, AuditActions.GatewayCredentialsRotate, before, issued, ct);
        return Print(ctx, issued, error, host, port, "gateways rotate");
    }

    private static async Task AuditAsync(Context ctx, string action, GatewayCredential? before, IssuedGatewayCredential? issued, CancellationToken ct)
    {
        if (issued is null) return;
        var c = issued.Credential;
        await ctx.Audit.AppendAsync(AuditEntry.ForCommandLine(action, "gateway", c.Gateway, c.Township,
            GatewayCredentialAuditView.Of(before), GatewayCredentialAuditView.Of(c)), ct);
    }

    private static int Print(Context ctx, IssuedGatewayCredential? issued, Grid.FieldError? error, string? host, int? port, string command)
    {
        if (issued is null)
        {
            ctx.Error.WriteLine($"{command}: {error!.Field} is '{error.Value}': expected {error.Expected}");
            return 1;
        }
        var c = issued.Credential;
        ctx.Out.WriteLine(issued.Rotated
            ? $"Gateway {c.Gateway}: new password issued; the previous one works until {c.PreviousUntil:u}."
            : $"Gateway {c.Gateway}: broker account issued{(c.Township is null ? "" : $" (township {c.Township})")}.");
        ctx.Out.WriteLine($"Password (shown only now): {issued.Password}");
        ctx.Out.WriteLine("Gateway configuration (merge into /etc/gridedge/appsettings.json, see hardware/deploy):");
        ctx.Out.WriteLine(GatewayConfiguration(c.Gateway, issued.Password, host ?? ctx.Options.Broker.Host, port ?? ctx.Options.Broker.Port));
        return 0;
    }

    /// <summary>The Edge section a gateway needs to reach the broker with its account.</summary>
    public static string GatewayConfiguration(string gateway, string password, string host, int port) =>
        new JsonObject
        {
            ["Edge"] = new JsonObject
            {
                ["GatewayId"] = gateway,
                ["Broker"] = new JsonObject { ["Host"] = host, ["Port"] = port, ["Username"] = gateway, ["Password"] = password },
            },
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static async Task<int> RevokeAsync(Context ctx, string id, CancellationToken ct)
    {
        var before = await ctx.Store.GetAsync(id, ct);
        var revoked = await ctx.Store.RevokeAsync(id, ct);
        if (revoked is null)
        {
            ctx.Error.WriteLine($"gateways revoke: id is '{id}': expected a gateway with issued credentials");
            return 1;
        }
        if (before is { Active: true })
            await ctx.Audit.AppendAsync(AuditEntry.ForCommandLine(AuditActions.GatewayCredentialsRevoke, "gateway", id, revoked.Township,
                GatewayCredentialAuditView.Of(before), GatewayCredentialAuditView.Of(revoked)), ct);
        ctx.Out.WriteLine($"Gateway {id}: credentials revoked at {revoked.RevokedAt:u}. Rewrite Mosquitto's files (gateways mosquitto) if it uses Mosquitto.");
        return 0;
    }

    private static async Task<int> MosquittoAsync(Context ctx, string passwd, string acl, CancellationToken ct)
    {
        var broker = ctx.Options.Broker;
        var user = string.IsNullOrEmpty(broker.Username) ? MosquittoFiles.ShippedIngestUser : broker.Username;
        if (string.IsNullOrEmpty(broker.Password))
        {
            ctx.Error.WriteLine("gateways mosquitto: Server:Broker:Password is '': expected the ingest user's password (the server connects to Mosquitto with it)");
            return 1;
        }
        var accounts = await ctx.Store.ListAsync(active: true, ct);
        MosquittoFiles.Write(passwd, MosquittoFiles.PasswordFile(user, MosquittoPasswordHash.Hash(broker.Password), accounts));
        MosquittoFiles.Write(acl, MosquittoFiles.Acl(user));
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {Path.GetFullPath(passwd)} ({user} and {accounts.Count} gateways) and {Path.GetFullPath(acl)}; reload Mosquitto: kill -HUP $(pidof mosquitto)"));
        return 0;
    }
}
