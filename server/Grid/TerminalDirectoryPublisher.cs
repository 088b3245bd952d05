using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Commands;
using GridEdge.Server.Ledgers;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Server.Grid;

/// <summary>What became of publishing one gateway's configuration.</summary>
/// <param name="Published">False when the directory had not changed (nothing sent) or the broker failed (<see cref="Error"/>).</param>
public sealed record DirectoryPublish(string Gateway, string? Version, bool Published, string? Error);

/// <summary>
/// Publishes each gateway's retained <see cref="GatewayConfig"/>: the alert rules last sent to it and its terminal directory
/// (terminals of its townships' members, village boundaries). One gateway's configurations are built, recorded and
/// published one at a time, so the retained message is always the newest. A directory that could not be published is
/// retried by <see cref="DirectorySync"/> until the broker takes it; the registry change itself is already committed.
/// </summary>
public sealed class TerminalDirectoryPublisher(IGridRegistryStore grid, ICommandStore ledger, IDownlinkPublisher downlink, TimeProvider time, ILogger<TerminalDirectoryPublisher> log)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);

    /// <summary>Gateways whose last directory publish failed (retried by <see cref="DirectorySync"/>).</summary>
    public IReadOnlyCollection<string> Pending => _pending.Keys.ToList();

    /// <summary>
    /// Records and publishes new alert rules for a gateway (version rules-N), carrying its current terminal directory too, so a
    /// gateway connecting for the first time gets both from the one retained message. Throws what the broker threw.
    /// </summary>
    public async Task<SentConfig> PublishRulesAsync(string gatewayId, string rules, CancellationToken cancellationToken = default)
    {
        var gate = _locks.GetOrAdd(gatewayId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var directory = await grid.DirectoryForAsync(gatewayId, cancellationToken);
            var sent = await ledger.RecordConfigAsync(gatewayId, serial => $"rules-{serial}", rules, time.GetUtcNow(), cancellationToken);
            var terminals = directory?.ToJson();
            await downlink.PublishAsync(new GatewayConfig(gatewayId, sent.Version, rules, terminals), cancellationToken);
            if (terminals is not null)
            {
                await grid.RecordPublishedDirectoryAsync(new PublishedDirectory(gatewayId, sent.Version, rules, terminals, Sha256(terminals), time.GetUtcNow()), cancellationToken);
                _pending.TryRemove(gatewayId, out _);
            }
            return sent;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Publishes the directory of each gateway whose directory differs from the one last published to it; never throws for the broker.</summary>
    public async Task<IReadOnlyList<DirectoryPublish>> PublishChangedAsync(IEnumerable<string> gateways, CancellationToken cancellationToken = default)
    {
        var results = new List<DirectoryPublish>();
        foreach (var gateway in gateways.Distinct(StringComparer.Ordinal))
            results.Add(await PublishDirectoryAsync(gateway, republishSame: false, cancellationToken));
        return results;
    }

    /// <summary>
    /// Brings every gateway with a directory up to date: a changed directory is published with a new version; with
    /// <paramref name="republishSame"/> an unchanged one is published again exactly as before (same version, which the
    /// gateway does not apply twice), restoring a retained message a restarted broker no longer holds.
    /// </summary>
    public async Task<IReadOnlyList<DirectoryPublish>> SyncAllAsync(bool republishSame, CancellationToken cancellationToken = default)
    {
        var results = new List<DirectoryPublish>();
        foreach (var gateway in await grid.DirectoryGatewaysAsync(cancellationToken))
            results.Add(await PublishDirectoryAsync(gateway, republishSame, cancellationToken));
        return results;
    }

    private async Task<DirectoryPublish> PublishDirectoryAsync(string gatewayId, bool republishSame, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(gatewayId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var directory = await grid.DirectoryForAsync(gatewayId, cancellationToken);
            if (directory is null) return new DirectoryPublish(gatewayId, null, false, null);
            var terminals = directory.ToJson();
            var sha = Sha256(terminals);
            var last = await grid.GetPublishedDirectoryAsync(gatewayId, cancellationToken);
            var rules = (await ledger.GetConfigAsync(gatewayId, cancellationToken))?.AlertRules ?? "";
            GatewayConfig config;
            if (last is not null && last.TerminalsSha256 == sha && !_pending.ContainsKey(gatewayId))
            {
                if (!republishSame) return new DirectoryPublish(gatewayId, last.Version, false, null);
                config = new GatewayConfig(gatewayId, last.Version, last.AlertRules, last.Terminals);
            }
            else
            {
                var sent = await ledger.RecordConfigAsync(gatewayId, serial => $"terminals-{serial}", rules, time.GetUtcNow(), cancellationToken);
                config = new GatewayConfig(gatewayId, sent.Version, rules, terminals);
            }
            try
            {
                await downlink.PublishAsync(config, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _pending[gatewayId] = 0;
                log.LogWarning(e, "Config {Version} (terminal directory: {Terminals} terminals, {Grids} boundaries) for gateway {Gateway} could not be published; retried later",
                    config.Version, directory.Terminals.Count, directory.Grids.Count, gatewayId);
                return new DirectoryPublish(gatewayId, config.Version, false, e.Message);
            }
            _pending.TryRemove(gatewayId, out _);
            await grid.RecordPublishedDirectoryAsync(new PublishedDirectory(gatewayId, config.Version, config.AlertRules, terminals, sha, time.GetUtcNow()), cancellationToken);
            log.LogInformation("Config {Version} (terminal directory: {Terminals} terminals, {Grids} boundaries) published retained to gateway {Gateway}",
                config.Version, directory.Terminals.Count, directory.Grids.Count, gatewayId);
            return new DirectoryPublish(gatewayId, config.Version, true, null);
        }
        finally
        {
            gate.Release();
        }
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>At start, restores every gateway's retained configuration and publishes changed directories; then retries failed publishes.</summary>
internal sealed class DirectorySync(TerminalDirectoryPublisher publisher, Microsoft.Extensions.Options.IOptions<ServerOptions> options, ILogger<DirectorySync> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.Grid.RetrySeconds);
        try
        {
            var results = await publisher.SyncAllAsync(republishSame: true, stoppingToken);
            if (results.Count > 0)
                log.LogInformation("Terminal directories of {Count} gateways brought up to date ({Failed} failed)", results.Count, results.Count(r => r.Error is not null));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Publishing the terminal directories at start failed; retried in {Seconds} s", interval.TotalSeconds);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            // Stopping (also when the host failed to start) ends the wait: that is the end of the loop, not a failure.
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { return; }
            try
            {
                if (publisher.Pending.Count > 0) await publisher.PublishChangedAsync(publisher.Pending, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Retrying the terminal directories failed");
            }
        }
    }
}
