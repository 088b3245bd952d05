namespace GridEdge.Testing;

/// <summary>Waits for a condition that another task brings about, polling it briefly, and fails naming what did not happen.</summary>
/// <remarks>Bounded by its own timeout, so it takes no cancellation token.</remarks>
public static class Eventually
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>Returns as soon as <paramref name="condition"/> holds; throws a <see cref="TimeoutException"/> naming <paramref name="what"/> after the timeout (10 s unless given).</summary>
    public static async Task True(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit) throw new TimeoutException($"timed out after {limit.TotalSeconds:0.#} s waiting for {what}");
            await Task.Delay(Poll);
        }
    }

    /// <summary>As <see cref="True(Func{bool}, string, TimeSpan?)"/>, for a condition that must itself wait (an HTTP request, a query).</summary>
    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit) throw new TimeoutException($"timed out after {limit.TotalSeconds:0.#} s waiting for {what}");
            await Task.Delay(Poll);
        }
    }
}
