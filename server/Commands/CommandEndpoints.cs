using GridEdge.Server.Users;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Api;
using GridEdge.Server.Grid;
using GridEdge.Server.Alerts;
using GridEdge.Server.Gateways;
using GridEdge.Server.Audit;
using static GridEdge.Server.Api.QueryParameters;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Server.Commands;

/// <summary>The body of POST /api/gateways/{id}/commands.</summary>
public sealed record CommandRequest(string? Name);
/// <summary>The 202 answer to a command: the id to look for in GET /api/gateways/{id}/commands.</summary>
public sealed record CommandAccepted(string CommandId, string Gateway, string Name, DateTimeOffset IssuedAt);
/// <summary>A gateway's answer in the API.</summary>
public sealed record CommandResultView(CommandOutcome Outcome, string Detail, DateTimeOffset At, DateTimeOffset ReceivedAt)
{
    public static CommandResultView? From(StoredCommandResult? r) => r is null ? null : new(r.Outcome, r.Detail, r.Timestamp, r.ReceivedAt);
}
/// <summary>A command in GET /api/gateways/{id}/commands.</summary>
public sealed record CommandView(string CommandId, string Name, string? AlertId, string? By, DateTimeOffset IssuedAt, CommandResultView? Result);
/// <summary>GET /api/gateways/{id}/config: the last configuration sent, what the gateway answered, and the version its status reports.</summary>
public sealed record ConfigView(string Gateway, string? Version, DateTimeOffset? SentAt, JsonElement? AlertRules, CommandResultView? Result, string? ReportedVersion);
/// <summary>The 202 answer to PUT /api/gateways/{id}/config/alert-rules.</summary>
public sealed record ConfigAccepted(string Gateway, string Version, DateTimeOffset SentAt);
/// <summary>A 400 answer listing every problem of a rules document.</summary>
public sealed record RulesRejected(string Error, string Field, IReadOnlyList<string> Errors);

/// <summary>
/// Commands and configuration from the server to gateways: acknowledge an alert, silence, test the outputs, replace the
/// alert rules. Each is recorded in the ledger, then published (cmd topic, or the config topic retained); the gateway's
/// answers come back on its cmdres stream and show in GET /api/gateways/{id}/commands and /config.
/// </summary>
public static class CommandEndpoints
{
    public static IEndpointRouteBuilder MapCommandApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/alerts/{gateway}/{alertId}/acknowledge", AcknowledgeAsync).RequireAuthorization(Permissions.SendCommands);
        app.MapPost("/api/gateways/{id}/commands", CommandAsync).RequireAuthorization(Permissions.SendCommands);
        app.MapGet("/api/gateways/{id}/commands", CommandsAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapPut("/api/gateways/{id}/config/alert-rules", PutRulesAsync).RequireAuthorization(Permissions.ChangeRules);
        app.MapGet("/api/gateways/{id}/config", ConfigAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> AcknowledgeAsync(string gateway, string alertId, HttpRequest request, IGatewayStore gateways, GatewayScope scope, IAuditLog audit, IAlertStore alerts,
        ICommandStore ledger, IDownlinkPublisher downlink, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        if (!GatewayIds.IsValid(gateway)) return Bad("gateway", gateway, GatewayIds.Rule);
        if (alertId.Length is < 1 or > Validation.MaxAlertTextLength) return Bad("alertId", alertId, $"an alert id of 1-{Validation.MaxAlertTextLength} characters");
        // Signed by the caller: the ledger and the gateway's alert record name the authenticated user, whatever a body says.
        var by = request.HttpContext.User.Name();
        if (await UnknownGatewayAsync(gateways, scope, request.HttpContext, gateway, "gateway", act: true, ct) is { } notFound) return notFound;
        if (await alerts.GetAlertAsync(gateway, alertId, ct) is null)
            return Results.Json(new ApiError($"alert '{alertId}' of gateway '{gateway}' is not in the alert ledger", "alertId", alertId, "the id of an alert the gateway raised"),
                statusCode: StatusCodes.Status404NotFound);
        return await IssueAsync(new Command(NewId(), gateway, CommandNames.Acknowledge, time.GetUtcNow(), alertId, by), request.HttpContext, scope, audit, ledger, downlink, logs, ct);
    }

    private static async Task<IResult> CommandAsync(string id, HttpRequest request, IGatewayStore gateways, GatewayScope scope, IAuditLog audit, ICommandStore ledger, IDownlinkPublisher downlink,
        TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        if (!GatewayIds.IsValid(id)) return Bad("id", id, GatewayIds.Rule);
        var (body, error) = await ReadBodyAsync<CommandRequest>(request, ct);
        if (error is not null) return error;
        var name = body?.Name;
        if (name is not (CommandNames.Silence or CommandNames.TestOutputs))
            return Bad("name", name, $"{CommandNames.Silence} or {CommandNames.TestOutputs} (acknowledge through POST /api/alerts/{{gateway}}/{{alertId}}/acknowledge)");
        if (await UnknownGatewayAsync(gateways, scope, request.HttpContext, id, "id", act: true, ct) is { } notFound) return notFound;
        return await IssueAsync(new Command(NewId(), id, name, time.GetUtcNow()), request.HttpContext, scope, audit, ledger, downlink, logs, ct);
    }

    private static async Task<IResult> IssueAsync(Command command, HttpContext context, GatewayScope scope, IAuditLog audit, ICommandStore ledger, IDownlinkPublisher downlink, ILoggerFactory logs, CancellationToken ct)
    {
        var issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(command.IssuedAt.ToUnixTimeMilliseconds());
        command = command with { IssuedAt = issuedAt };
        // Recorded first: the gateway's answer may come back before the publish returns.
        await ledger.RecordCommandAsync(new IssuedCommand(command.GatewayId, command.Id, command.Name, command.AlertId, context.User.Name(), issuedAt), ct);
        await audit.AppendAsync(AuditEntry.For(context.User, command.Name == CommandNames.Acknowledge ? "alert.acknowledge" : "gateway.command." + command.Name,
            command.Name == CommandNames.Acknowledge ? "alert" : "gateway", command.Name == CommandNames.Acknowledge ? $"{command.GatewayId}/{command.AlertId}" : command.GatewayId,
            await scope.TownshipOfAsync(command.GatewayId, ct), null, new { commandId = command.Id, gateway = command.GatewayId, command.Name, command.AlertId }), ct);
        try
        {
            await downlink.PublishAsync(command, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logs.CreateLogger(typeof(CommandEndpoints)).LogWarning(e, "Command {CommandId} ({Name}) to gateway {Gateway} could not be published", command.Id, command.Name, command.GatewayId);
            return Results.Json(new ApiError($"the command could not be published: {e.Message}", "broker", null, "a running broker"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        logs.CreateLogger(typeof(CommandEndpoints)).LogInformation("Command {CommandId} ({Name}) published to gateway {Gateway}", command.Id, command.Name, command.GatewayId);
        return Results.Json(new CommandAccepted(command.Id, command.GatewayId, command.Name, issuedAt), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> CommandsAsync(string id, HttpRequest request, IGatewayStore gateways, GatewayScope scope, ICommandStore ledger, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "limit", "cursor") is { } unknown) return unknown;
        if (!GatewayIds.IsValid(id)) return Bad("id", id, GatewayIds.Rule);
        var limit = Limit(q, DefaultCommandLimit, MaxCommandLimit, out var error);
        if (error is not null) return error;
        var cursor = Single(q, "cursor", out error);
        if (error is not null) return error;
        (DateTimeOffset, string)? after = null;
        if (cursor is not null)
        {
            if (!LedgerCursor.TryDecode(cursor, CommandCursorKind, out var c)) return Bad("cursor", cursor, "the nextCursor of a previous page, unchanged");
            after = (DateTimeOffset.FromUnixTimeMilliseconds(c.At), c.Key);
        }
        if (await UnknownGatewayAsync(gateways, scope, request.HttpContext, id, "id", act: false, ct) is { } notFound) return notFound;
        var commands = await ledger.GetCommandsAsync(id, limit + 1, ct, after);
        var page = commands.Take(limit).Select(c => new CommandView(c.Command.CommandId, c.Command.Name, c.Command.AlertId, c.Command.By, c.Command.IssuedAt,
            CommandResultView.From(c.Result))).ToList();
        var next = commands.Count > limit ? new LedgerCursor(CommandCursorKind, page[^1].IssuedAt.ToUnixTimeMilliseconds(), page[^1].CommandId, 0).Encode() : null;
        return Results.Ok(new Page<CommandView>(page, next));
    }

    private const int DefaultCommandLimit = 100, MaxCommandLimit = 1000;
    private const string CommandCursorKind = "cmd"; // "c" is the check-in cursor

    private static async Task<IResult> PutRulesAsync(string id, HttpRequest request, IGatewayStore gateways, GatewayScope scope, IAuditLog audit, ICommandStore ledger,
        TerminalDirectoryPublisher configs,
        ILoggerFactory logs, CancellationToken ct)
    {
        if (!GatewayIds.IsValid(id)) return Bad("id", id, GatewayIds.Rule);
        var validate = request.Query["validate"].ToString();
        if (validate is not ("" or "true" or "false")) return Bad("validate", validate, "true (the default) or false");
        string rules;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
            rules = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(rules)) return Bad("body", "", "the alert rules as a JSON document");
        if (rules.Length > Validation.MaxRulesLength) return Bad("body", $"{rules.Length} characters", $"at most {Validation.MaxRulesLength} characters");
        // validate=false leaves validation to the gateway alone (one running a newer rules schema than this server); it still refuses what it cannot use.
        if (validate != "false" && AlertRules.Parse(rules, out var errors) is null)
            return Results.BadRequest(new RulesRejected($"the alert rules are not valid: {errors.Count} problem(s)", "body", errors));
        if (await UnknownGatewayAsync(gateways, scope, request.HttpContext, id, "id", act: true, ct) is { } notFound) return notFound;
        // Recorded, then published retained with the gateway's current terminal directory (if it serves a township), so a
        // gateway connecting for the first time gets rules and directory from the one message.
        var before = await ledger.GetConfigAsync(id, ct);
        SentConfig sent;
        try
        {
            sent = await configs.PublishRulesAsync(id, rules, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logs.CreateLogger(typeof(CommandEndpoints)).LogWarning(e, "Config (alert rules) for gateway {Gateway} could not be published", id);
            return Results.Json(new ApiError($"the configuration could not be published: {e.Message}", "broker", null, "a running broker"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, "gateway.alert-rules", "gateway", id, await scope.TownshipOfAsync(id, ct),
            before is null ? null : new { before.Version, alertRules = before.AlertRules }, new { sent.Version, alertRules = rules }), ct);
        logs.CreateLogger(typeof(CommandEndpoints)).LogInformation("Config {Version} (alert rules) published retained to gateway {Gateway}", sent.Version, id);
        return Results.Json(new ConfigAccepted(id, sent.Version, sent.SentAt), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ConfigAsync(string id, HttpContext context, IGatewayStore gateways, GatewayScope scope, ICommandStore ledger, CancellationToken ct)
    {
        if (!GatewayIds.IsValid(id)) return Bad("id", id, GatewayIds.Rule);
        var gateway = (await gateways.GetGatewayStatesAsync(ct)).FirstOrDefault(g => g.Id == id);
        if (gateway is null || !await scope.SeesAsync(context, id, ct)) return NotFound(id, "id");
        var sent = await ledger.GetConfigAsync(id, ct);
        JsonElement? rules = null;
        if (sent is not null)
        {
            try { using var doc = JsonDocument.Parse(sent.AlertRules); rules = doc.RootElement.Clone(); }
            catch (JsonException) { rules = JsonSerializer.SerializeToElement(sent.AlertRules); }
        }
        return Results.Ok(new ConfigView(id, sent?.Version, sent?.SentAt, rules, CommandResultView.From(sent?.Result), gateway.ConfigVersion));
    }

    private static async Task<(T? Body, IResult? Error)> ReadBodyAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, new JsonSerializerOptions(JsonSerializerDefaults.Web), ct);
            return (body, null);
        }
        catch (JsonException e)
        {
            return (null, Bad("body", e.Path ?? "$", $"a JSON object ({e.Message.Split('.')[0]})"));
        }
    }

    // A gateway outside the caller's grid answers as one that is not in the ledger.
    private static async Task<IResult?> UnknownGatewayAsync(IGatewayStore gateways, GatewayScope scope, HttpContext context, string id, string field, bool act, CancellationToken ct) =>
        (await gateways.GetGatewayStatesAsync(ct)).Any(g => g.Id == id) && await (act ? scope.ActsOnAsync(context, id, ct) : scope.SeesAsync(context, id, ct))
            ? null : NotFound(id, field);

    private static IResult NotFound(string id, string field) =>
        Results.Json(new ApiError($"gateway '{id}' is not in the ledger", field, id, "the id of a gateway that has connected or sent data"), statusCode: StatusCodes.Status404NotFound);

    private static string NewId() => Guid.NewGuid().ToString("N");

}
