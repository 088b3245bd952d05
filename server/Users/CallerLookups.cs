using System.Collections.Concurrent;

namespace GridEdge.Server.Users;

/// <summary>
/// The users and API keys behind requests, reused for <see cref="CacheFor"/> so that each request does not read the
/// ledger. A change or revocation made on this node is in force at the next request (the store's version moves on); one
/// made on another node within <see cref="CacheFor"/>. Unknown keys are never cached.
/// </summary>
public sealed class CallerLookups(IUserStore users, TimeProvider time)
{
    /// <summary>How long a lookup is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry<(ApiKeyRecord Key, UserRecord User)>> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry<UserRecord>> _users = new(StringComparer.Ordinal);

    private sealed record Entry<T>(T Value, long Version, DateTimeOffset ReadAt);

    /// <summary>The key with this SHA-256 and its user, or null.</summary>
    public async ValueTask<(ApiKeyRecord Key, UserRecord User)?> FindApiKeyAsync(string keySha256, CancellationToken cancellationToken)
    {
        if (Fresh(_keys, keySha256) is { } hit) return hit;
        var version = users.Version;
        var found = await users.FindApiKeyAsync(keySha256, cancellationToken);
        if (found is { } f) Keep(_keys, keySha256, f, version);
        return found;
    }

    /// <summary>The user of this name, or null.</summary>
    public async ValueTask<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken)
    {
        if (Fresh(_users, name) is { } hit) return hit;
        var version = users.Version;
        var found = await users.GetAsync(name, cancellationToken);
        if (found is not null) Keep(_users, name, found, version);
        return found;
    }

    /// <summary>Whether the browser session is live; an ended one is never cached.</summary>
    public async ValueTask<bool> SessionLiveAsync(string id, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(id, out var e) && e.Version == users.Version && time.GetUtcNow() - e.ReadAt < CacheFor) return true;
        var version = users.Version;
        var live = await users.SessionLiveAsync(id, cancellationToken);
        if (live) Keep(_sessions, id, true, version);
        return live;
    }

    private readonly ConcurrentDictionary<string, Entry<bool>> _sessions = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the key's last use should be written now: at most once a minute per key, from its stored time or the last
    /// write this node made.
    /// </summary>
    public bool ShouldTouch(ApiKeyRecord key)
    {
        var now = time.GetUtcNow();
        var last = _touched.TryGetValue(key.Id, out var t) && (key.LastUsedAt is null || t > key.LastUsedAt) ? t : key.LastUsedAt;
        if (last is { } l && now - l <= TimeSpan.FromMinutes(1)) return false;
        if (_touched.Count >= MaxEntries) _touched.Clear();
        _touched[key.Id] = now;
        return true;
    }

    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    private T? Fresh<T>(ConcurrentDictionary<string, Entry<T>> cache, string key) where T : class? =>
        cache.TryGetValue(key, out var e) && e.Version == users.Version && time.GetUtcNow() - e.ReadAt < CacheFor ? e.Value : null;

    private (ApiKeyRecord Key, UserRecord User)? Fresh(ConcurrentDictionary<string, Entry<(ApiKeyRecord Key, UserRecord User)>> cache, string key) =>
        cache.TryGetValue(key, out var e) && e.Version == users.Version && time.GetUtcNow() - e.ReadAt < CacheFor ? e.Value : null;

    // Stored with the version read before the lookup: a change that committed meanwhile makes the entry stale at once.
    private void Keep<T>(ConcurrentDictionary<string, Entry<T>> cache, string key, T value, long version)
    {
        if (cache.Count >= MaxEntries) cache.Clear();
        cache[key] = new Entry<T>(value, version, time.GetUtcNow());
    }
}
