using GridEdge.Server.Gateways;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Broker;

/// <summary>
/// Disconnects gateways whose accounts were revoked by another process (the <c>gateways revoke</c> command, another
/// server node): looks for new revocations every Server:Broker:RevocationCheckSeconds. Revocations in this process
/// disconnect at once through <see cref="GatewayCredentials.Revoked"/>.
/// </summary>
public sealed class RevocationWatch(
    EmbeddedBroker broker,
    IGatewayCredentialStore store,
    IOptions<ServerOptions> options,
    TimeProvider time,
    ILogger<RevocationWatch> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.Broker.RevocationCheckSeconds);
        var since = time.GetUtcNow() - every; // a little back, for another clock slightly behind ours
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(every, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
            try
            {
                foreach (var revoked in await store.RevokedSinceAsync(since, stoppingToken))
                {
                    await broker.DisconnectAsync(revoked.Gateway);
                    if (revoked.RevokedAt > since) since = revoked.RevokedAt.Value;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Could not check for revoked gateway accounts; trying again in {Seconds} s", every.TotalSeconds);
            }
        }
    }
}
