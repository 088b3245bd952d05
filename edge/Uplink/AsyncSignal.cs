namespace GridEdge.Edge.Uplink;

/// <summary>A wake-up flag for one waiting loop: any number of Set calls before a wait wake it once.</summary>
internal sealed class AsyncSignal(TimeProvider time)
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        // Already set is the usual case under load (every commit sets it): no exception for it. Two setters racing past
        // the check leave one SemaphoreFullException, which is all it is.
        if (_semaphore.CurrentCount > 0) return;
        try { _semaphore.Release(); }
        catch (SemaphoreFullException) { }
    }

    /// <summary>True when woken, false when the timeout passed on the signal's clock.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_semaphore.Wait(0)) return true;
        if (timeout <= TimeSpan.Zero) return false;
        using var expiry = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);
        var wait = _semaphore.WaitAsync(either.Token);
        // A timeout is the expected outcome of most waits: no exception for it.
        await wait.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ct.ThrowIfCancellationRequested();
        return wait.IsCompletedSuccessfully;
    }
}
