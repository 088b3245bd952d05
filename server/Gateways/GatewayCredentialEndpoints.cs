using GridEdge.Server.Api;
using GridEdge.Server.Audit;
using GridEdge.Server.Users;
using Microsoft.Extensions.Options;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Gateways;

/// <summary>
/// POST /api/gateways/{id}/credentials (issue, or rotate an active account: 201 with the password, shown once) and
/// DELETE /api/gateways/{id}/credentials (revoke: the embedded broker disconnects the gateway at once). Each is audited
/// (gateway.credentials.issue, .rotate, .revoke) without the password or its hash.
/// </summary>
public static class GatewayCredentialEndpoints
{
    public static IEndpointRouteBuilder MapGatewayCredentialApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/gateways/{id}/credentials", IssueAsync).RequireAuthorization(Permissions.ManageGateways);
        app.MapDelete("/api/gateways/{id}/credentials", RevokeAsync).RequireAuthorization(Permissions.ManageGateways);
        return app;
    }

    private static async Task<IResult> IssueAsync(string id, HttpRequest request, IGatewayCredentialStore store, IAuditLog audit, IOptions<ServerOptions> options,
        CancellationToken ct)
    {
        var township = Single(request.Query, "township", out var townshipError);
        if (townshipError is not null) return townshipError;
        var existing = await store.GetAsync(id, ct);
        var (issued, error, failure) = existing is { Active: true }
            ? await store.RotateAsync(id, TimeSpan.FromHours(options.Value.Broker.RotationGraceHours), ct)
            : await store.AddAsync(id, township, ct);
        if (issued is null)
            return failure == CredentialFailure.Invalid ? Bad(error!.Field, error.Value, error.Expected)
                : Results.Json(new ApiError($"gateway '{id}': {error!.Expected}", error.Field, error.Value, error.Expected), statusCode: StatusCodes.Status409Conflict);
        var c = issued.Credential;
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, issued.Rotated ? AuditActions.GatewayCredentialsRotate : AuditActions.GatewayCredentialsIssue,
            "gateway", c.Gateway, c.Township, GatewayCredentialAuditView.Of(existing), GatewayCredentialAuditView.Of(c)), ct);
        var broker = options.Value.Broker;
        return Results.Json(new GatewayCredentialView(c.Gateway, c.Township, issued.Password, issued.Rotated, c.IssuedAt, c.PreviousUntil,
            new GatewayBrokerView(broker.Host, broker.Port, c.Gateway, issued.Password)), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext context, Broker.GatewayCredentials credentials, IGatewayCredentialStore store, IAuditLog audit,
        CancellationToken ct)
    {
        var before = await store.GetAsync(id, ct);
        var revoked = await credentials.RevokeAsync(id, ct);
        if (revoked is null) return NotFound("id", id, "the id of a gateway with issued credentials");
        // Revoking is idempotent; only the revocation that happened is an entry.
        if (before is { Active: true })
            await audit.AppendAsync(AuditEntry.For(context.User, AuditActions.GatewayCredentialsRevoke, "gateway", id, revoked.Township,
                GatewayCredentialAuditView.Of(before), GatewayCredentialAuditView.Of(revoked)), ct);
        return Results.Ok(new RevokedGatewayCredentialView(revoked.Gateway, revoked.RevokedAt!.Value));
    }
}

/// <summary>A password just issued (shown only in this answer) and the gateway's broker settings.</summary>
public sealed record GatewayCredentialView(string Gateway, string? Township, string Password, bool Rotated, DateTimeOffset IssuedAt, DateTimeOffset? PreviousValidUntil, GatewayBrokerView Broker);

/// <summary>What goes into the gateway's Edge:Broker section.</summary>
public sealed record GatewayBrokerView(string Host, int Port, string Username, string Password);

/// <summary>A revoked account.</summary>
public sealed record RevokedGatewayCredentialView(string Gateway, DateTimeOffset RevokedAt);

/// <summary>A gateway's account as the audit log shows it: when it was issued, rotated and revoked, never a password or hash.</summary>
public sealed record GatewayCredentialAuditView(string Gateway, string? Township, DateTimeOffset IssuedAt, DateTimeOffset? PreviousValidUntil, DateTimeOffset? RevokedAt)
{
    public static GatewayCredentialAuditView? Of(GatewayCredential? c) =>
        c is null ? null : new(c.Gateway, c.Township, c.IssuedAt, c.PreviousUntil, c.RevokedAt);
}
