using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Cluster;
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
/// published one at a time, so the retained message is always the newest. Only the node holding the
/// <see cref="DirectoryDuty"/> publishes (with several server nodes, two publishers could leave an older retained message
/// last); on another node a change is committed and recorded, and the holder publishes it within
/// <c>Server:Grid:RetrySeconds</c>, as it retries what the broker did not take.
/// </summary>
public sealed class TerminalDirectoryPublisher(IGridRegistryStore grid, ICommandStore ledger, IDownlinkPublisher downlink, TimeProvider time,
    ILogger<TerminalDirectoryPublisher> log, IDutyHolder? duties = null)
{
    /// <summary>Whether this node publishes now (it holds the directories duty; a host without duties always does).</summary>
    public bool MayPublish => duties?.Holds(DirectoryDuty.DutyName) ?? true;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);

    /// <summary>Gateways whose last directory publish failed (retried by <see cref="DirectoryDuty"/>).</summary>
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
            // Recorded: the duty's holder publishes it with the directory (a gateway without one has nothing to race with).
            if (terminals is not null && !MayPublish) return sent;
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
        if (!MayPublish) return results; // the duty's holder publishes the change within Server:Grid:RetrySeconds
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
            var recorded = await ledger.GetConfigAsync(gatewayId, cancellationToken);
            var rules = recorded?.AlertRules ?? "";
            GatewayConfig config;
            if (last is not null && last.TerminalsSha256 == sha && recorded is not null && recorded.Version != last.Version)
            {
                // Rules recorded on another node (or refused by the broker) and not yet published: publish that version.
                config = new GatewayConfig(gatewayId, recorded.Version, recorded.AlertRules, terminals);
            }
            else if (last is not null && last.TerminalsSha256 == sha && !_pending.ContainsKey(gatewayId))
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

/// <summary>
/// The directories duty (one node at a time): on taking it, restores every gateway's retained configuration and publishes
/// changed directories; then, every <c>Server:Grid:RetrySeconds</c>, publishes what is not yet published (changes made
/// on other nodes, and publishes the broker refused).
/// </summary>
internal sealed class DirectoryDuty(TerminalDirectoryPublisher publisher, Microsoft.Extensions.Options.IOptions<ServerOptions> options, TimeProvider time, ILogger<DirectoryDuty> log) : ISingletonDuty
{
    public const string DutyName = "directories";

    public string Name => DutyName;

    public async Task RunAsync(CancellationToken held)
    {
        var interval = TimeSpan.FromSeconds(options.Value.Grid.RetrySeconds);
        var republishSame = true;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                var results = await publisher.SyncAllAsync(republishSame, held);
                var published = results.Count(r => r.Published);
                if (republishSame || published > 0)
                    log.LogInformation("Terminal directories of {Count} gateways brought up to date ({Published} published, {Failed} failed)",
                        results.Count, published, results.Count(r => r.Error is not null));
                republishSame = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Publishing the terminal directories failed; retried in {Seconds} s", interval.TotalSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(held));
    }
}
