using System.Text.Json;
using GridEdge.Edge.Outbox;

namespace GridEdge.Edge.Terminals;

/// <summary>
/// The terminal API's first answer to a (terminal, Idempotency-Key), kept with its record in the outbox (dedupe namespace
/// <c>terminal</c>, one commit for both) and rebuilt for a retry: the request's fingerprint, the geofence verdict and the
/// time it was stored; the stream and seq are the outbox's own.
/// </summary>
internal static class IdempotencyAnswers
{
    public const string Namespace = "terminal";

    // A terminal id never holds '|' (TerminalIds rule), so the pair is unambiguous; the same id terminals.db used.
    public static DedupeKey KeyOf(string terminalId, string key) => new(Namespace, terminalId + "|" + key);

    public static byte[] Encode(string fingerprint, string? geofence, DateTimeOffset at) => JsonSerializer.SerializeToUtf8Bytes(new Answer(fingerprint, geofence, at));

    /// <summary>The response the first request got, rebuilt from what the outbox stored under its key.</summary>
    /// <exception cref="InvalidDataException">The stored answer is not one this class wrote.</exception>
    public static StoredResponse Response(string key, StoredGroup stored)
    {
        Answer? answer;
        try { answer = JsonSerializer.Deserialize<Answer>(stored.Answer); }
        catch (JsonException e) { throw new InvalidDataException($"the stored answer to Idempotency-Key '{key}' is unreadable: {e.Message}", e); }
        if (answer?.F is null) throw new InvalidDataException($"the stored answer to Idempotency-Key '{key}' has no fingerprint");
        return new StoredResponse(answer.F, 201, AcceptedBody(key, stored.Stream, stored.FirstSeq, answer.G, answer.At));
    }

    public static string AcceptedBody(string key, string stream, long seq, string? geofence, DateTimeOffset at) =>
        JsonSerializer.Serialize(new AcceptedResponse(key, stream, seq, geofence, at), TerminalApi.Json);

    // Short names: one of these is kept per record for the whole retention.
    private sealed record Answer(string F, string? G, DateTimeOffset At);
}
