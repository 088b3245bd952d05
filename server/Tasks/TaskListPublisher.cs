using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Cluster;
using GridEdge.Server.Commands;
using GridEdge.Server.Grid;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Tasks;

/// <summary>What became of one gateway's task list in a round.</summary>
public sealed record TaskListPublish(string Gateway, long? Version, int Tasks, bool Published, string? Error);

/// <summary>
/// Publishes each gateway's task list retained on <see cref="Topics.Tasks"/> when it changed since the last publish (a
/// new version each time), so a gateway that connects gets the newest list at once and keeps it through an outage.
/// </summary>
public sealed class TaskListPublisher(TaskListBuilder builder, IGridRegistryStore grid, IDownlinkPublisher downlink, TimeProvider time,
    ILogger<TaskListPublisher> log)
{
    private readonly ConcurrentDictionary<string, (string Sha256, long Version)> _published = new(StringComparer.Ordinal);

    /// <summary>Forgets what was published, so the next round publishes every list again (a new holder of the duty).</summary>
    public void Forget() => _published.Clear();

    /// <summary>Builds every gateway's list and publishes those that changed; never throws for the broker.</summary>
    public async Task<IReadOnlyList<TaskListPublish>> PublishChangedAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<TaskListPublish>();
        foreach (var gateway in await grid.DirectoryGatewaysAsync(cancellationToken))
        {
            var tasks = await builder.BuildAsync(gateway, cancellationToken);
            var sha = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(tasks)));
            var last = _published.GetValueOrDefault(gateway);
            if (last.Sha256 == sha) continue;
            // Versions grow even if the clock steps back: the gateway applies only a newer one.
            var version = Math.Max(last.Version + 1, time.GetUtcNow().ToUnixTimeMilliseconds());
            var list = new TaskList(gateway, version, time.GetUtcNow(), tasks);
            try
            {
                await downlink.PublishAsync(list, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Task list {Version} ({Tasks} tasks) for gateway {Gateway} could not be published; retried next round", version, tasks.Count, gateway);
                results.Add(new TaskListPublish(gateway, version, tasks.Count, false, e.Message));
                continue;
            }
            _published[gateway] = (sha, version);
            log.LogInformation("Task list {Version} ({Tasks} tasks) published retained to gateway {Gateway}", version, tasks.Count, gateway);
            results.Add(new TaskListPublish(gateway, version, tasks.Count, true, null));
        }
        return results;
    }
}

/// <summary>
/// The tasks duty (one node at a time): every <c>Server:Tasks:IntervalMilliseconds</c>, applies the steps members took
/// (arrivals, rectifications, verifications from terminals) and publishes the task lists that changed.
/// </summary>
internal sealed class TaskDuty(TaskStepApplier applier, TaskListPublisher publisher, IOptions<TaskOptions> options, TimeProvider time, ILogger<TaskDuty> log)
    : ISingletonDuty
{
    public const string DutyName = "tasks";

    public string Name => DutyName;

    public async Task RunAsync(CancellationToken held)
    {
        publisher.Forget();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.IntervalMilliseconds), time);
        var failing = false;
        do
        {
            try
            {
                await applier.ApplyPendingAsync(held);
                await publisher.PublishChangedAsync(held);
                failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Once per run of failures: a database that is away fails every round until it is back.
                if (!failing) log.LogError(e, "Applying task steps or publishing task lists failed; retried every {Interval} ms", options.Value.IntervalMilliseconds);
                failing = true;
            }
        }
        while (await timer.WaitForNextTickAsync(held));
    }
}
