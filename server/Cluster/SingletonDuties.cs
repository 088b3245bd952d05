namespace GridEdge.Server.Cluster;

/// <summary>Whether this node holds a duty now (for work that may be done on the spot only by the duty's holder).</summary>
public interface IDutyHolder
{
    /// <summary>Whether this node holds <paramref name="duty"/> now.</summary>
    bool Holds(string duty);
}

/// <summary>
/// The duties this node holds, as <see cref="SingletonDuties"/> takes and loses them: a service of its own, so a duty's
/// own services (which ask it) do not depend on the runner that creates the duty.
/// </summary>
public sealed class HeldDuties : IDutyHolder
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public bool Holds(string duty) => _held.ContainsKey(duty);

    internal void Set(string duty, bool held)
    {
        if (held) _held[duty] = 0;
        else _held.TryRemove(duty, out _);
    }
}

/// <summary>A duty that must run on one server node at a time (publishing configurations, retention, …).</summary>
public interface ISingletonDuty
{
    /// <summary>The duty's lease name (stable, lower case).</summary>
    string Name { get; }

    /// <summary>Runs while this node holds the duty; <paramref name="held"/> is cancelled when the lease is lost or the host stops.</summary>
    Task RunAsync(CancellationToken held);
}

/// <summary>
/// Keeps a lease on every registered <see cref="ISingletonDuty"/>: renews held ones every <see cref="Renew"/> and tries
/// the others as often, runs a duty while its lease is held and stops it when the lease is lost. A lease lasts
/// <see cref="Ttl"/>, so a duty moves to another node within Ttl + Renew of its holder's death (6 + 2 s). Leases are
/// given up when the host stops cleanly.
/// </summary>
public sealed class SingletonDuties(DutyLeases leases, IEnumerable<ISingletonDuty> duties, HeldDuties heldDuties, TimeProvider time, ILogger<SingletonDuties> log) : BackgroundService, IDutyHolder
{
    /// <summary>How long a lease lasts without renewal.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(6);

    /// <summary>How often leases are renewed and free ones tried.</summary>
    public static readonly TimeSpan Renew = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, (CancellationTokenSource Held, Task Running)> _running = [];
    private readonly Lock _gate = new();

    /// <summary>Whether this node holds <paramref name="duty"/> now.</summary>
    public bool Holds(string duty) => heldDuties.Holds(duty);

    /// <summary>This node's lease identity.</summary>
    public string NodeId => leases.NodeId;

    /// <summary>Takes the free duties before the host reports started (a single node holds every duty from its first request), then keeps them.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RoundAsync(_stopping.Token);
        await base.StartAsync(cancellationToken);
    }

    // Parent of every running duty: cancelled when the loop ends. Never disposed (it has no timer), so a host that fails
    // to start, and disposes this service while the loop is still running, meets no disposed token.
    private readonly CancellationTokenSource _stopping = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = duties.ToList();
        if (all.Count == 0) return;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _stopping.Token);
        using var timer = new PeriodicTimer(Renew, time);
        while (await WaitAsync(timer, stoppingToken)) await RoundAsync(linked.Token);
        await _stopping.CancelAsync();
        foreach (var duty in all) await StopAsync(duty.Name, "the host is stopping");
        foreach (var duty in all)
        {
            try { await leases.ReleaseAsync(duty.Name, CancellationToken.None); }
            catch (Exception e) { log.LogWarning("Could not give up the lease of duty {Duty}: {Problem}", duty.Name, e.Message); }
        }
    }

    /// <summary>Renews or tries every duty once, starting those taken and stopping those lost.</summary>
    private async Task RoundAsync(CancellationToken stoppingToken)
    {
        foreach (var duty in duties)
        {
            bool held;
            try { held = await leases.TryHoldAsync(duty.Name, Ttl, stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The ledger is unreachable: a lease this node cannot renew must be treated as lost.
                log.LogWarning("Cannot renew the lease of duty {Duty}: {Problem}", duty.Name, e.Message);
                held = false;
            }
            if (held) Start(duty, stoppingToken);
            else await StopAsync(duty.Name, "the lease is held by another node or could not be renewed");
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }

    private void Start(ISingletonDuty duty, CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            if (_running.ContainsKey(duty.Name)) return;
            var held = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _running[duty.Name] = (held, Task.Run(() => RunAsync(duty, held.Token), CancellationToken.None));
            heldDuties.Set(duty.Name, true);
        }
        log.LogInformation("Node {Node} took duty {Duty}", leases.NodeId, duty.Name);
    }

    private async Task RunAsync(ISingletonDuty duty, CancellationToken held)
    {
        try { await duty.RunAsync(held); }
        catch (OperationCanceledException) when (held.IsCancellationRequested) { }
        catch (Exception e) { log.LogError(e, "Duty {Duty} failed on node {Node}; it starts again at the next renewal", duty.Name, leases.NodeId); }
        finally
        {
            // A duty that ended by itself (or failed) is started again at the next renewal while the lease is held.
            lock (_gate)
            {
                if (_running.TryGetValue(duty.Name, out var entry) && entry.Held.Token == held)
                {
                    _running.Remove(duty.Name);
                    heldDuties.Set(duty.Name, false);
                }
            }
        }
    }

    private async Task StopAsync(string duty, string why)
    {
        (CancellationTokenSource Held, Task Running) entry;
        lock (_gate)
        {
            if (!_running.Remove(duty, out entry)) return;
            heldDuties.Set(duty, false);
        }
        await entry.Held.CancelAsync();
        try { await entry.Running; }
        finally { entry.Held.Dispose(); }
        log.LogInformation("Node {Node} gave up duty {Duty}: {Why}", leases.NodeId, duty, why);
    }
}
