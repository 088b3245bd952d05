using System.Text;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// Names a group of appends that must be stored at most once: a namespace saying whose key it is (<c>hj212</c>,
/// <c>terminal</c>) and the key within it (a monitor's MN, CN and QN; a terminal's id and Idempotency-Key).
/// </summary>
public readonly record struct DedupeKey
{
    /// <summary>The longest a key may be, namespace included, in UTF-8 bytes (LiteDB's index keys stop at 1023).</summary>
    public const int MaxBytes = 512;

    public DedupeKey(string @namespace, string key)
    {
        if (string.IsNullOrEmpty(@namespace) || !@namespace.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"dedupe namespace '{@namespace}' is not 1 or more of a-z 0-9 - _", nameof(@namespace));
        ArgumentException.ThrowIfNullOrEmpty(key);
        var id = @namespace + ":" + key;
        if (Encoding.UTF8.GetByteCount(id) > MaxBytes)
            throw new ArgumentException($"dedupe key '{id[..Math.Min(id.Length, 80)]}...' is longer than {MaxBytes} UTF-8 bytes", nameof(key));
        Namespace = @namespace;
        Key = key;
        Id = id;
    }

    public string Namespace { get; }
    public string Key { get; }

    /// <summary>How the key is stored: namespace, ':', key (a namespace holds no ':', so this is unambiguous).</summary>
    public string Id { get; }

    public override string ToString() => Id;
}

/// <summary>A key for an append and how long to remember it, with the caller's answer to give a later append with the same key.</summary>
/// <param name="Answer">Whatever the caller needs to answer a retry as it answered the first request (a response's fingerprint, ...); may be empty.</param>
public sealed record DedupeEntry(DedupeKey Key, TimeSpan KeepFor, byte[] Answer)
{
    public DedupeEntry(DedupeKey key, TimeSpan keepFor) : this(key, keepFor, []) { }
}

/// <summary>
/// Where a group of records of one stream was stored: sequence numbers <see cref="FirstSeq"/> to FirstSeq + Count - 1,
/// and the answer stored with its key. <see cref="Earlier"/> says the records were stored by an earlier append with the same
/// key and nothing was stored now.
/// </summary>
public sealed record StoredGroup(string Stream, long FirstSeq, int Count, byte[] Answer, bool Earlier)
{
    public long LastSeq => FirstSeq + Count - 1;
}
