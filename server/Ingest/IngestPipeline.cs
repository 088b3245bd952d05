using System.Collections.Concurrent;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Alerts;
using GridEdge.Server.Commands;
using GridEdge.Server.Gateways;
using GridEdge.Server.Ledgers;
using GridEdge.Server.Readings;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Ingest;

/// <summary>What became of one payload.</summary>
public enum IngestStatus
{
    /// <summary>A batch was committed to the ledger (and an ack sent, unless <see cref="IngestOutcome.AckSent"/> is false).</summary>
    Committed,
    /// <summary>A gateway status was recorded.</summary>
    StatusRecorded,
    /// <summary>The payload was refused; sending it again will not help.</summary>
    Rejected,
    /// <summary>The payload was valid but the ledger failed; sending it again may succeed.</summary>
    Failed,
}

/// <summary>The result of <see cref="IngestPipeline.HandleAsync"/>: never an exception.</summary>
public sealed record IngestOutcome(IngestStatus Status, RejectReason? Reason = null, string? Problem = null, CommitResult? Commit = null, bool AckSent = false)
{
    public bool Accepted => Status is IngestStatus.Committed or IngestStatus.StatusRecorded;
}

/// <summary>
/// Turns one MQTT payload into ledger rows and an acknowledgement: topic, size, decode, topic/payload agreement, commit,
/// then ack in the format the batch came in. Whatever a payload holds, it returns an outcome and never throws, so one bad
/// payload cannot stop the loop that feeds it. The terminal streams (check-ins, uploads, attachments) go to the
/// <see cref="GridStore"/>'s patrol and problem ledgers; without one they are refused as a ledger failure (not acked).
/// </summary>
public sealed class IngestPipeline(
    IReadingStore readings,
    IGatewayStore gateways,
    IAlertStore alerts,
    ICommandStore commands,
    IAckPublisher acks,
    IngestMetrics metrics,
    IOptions<ServerOptions> options,
    ILogger<IngestPipeline> log,
    GridStore? grid = null)
{
    private readonly int _maxPayloadBytes = options.Value.Ingest.MaxPayloadBytes;
    private readonly ConcurrentDictionary<string, (GatewayState, string, string, Guid)> _lastStatus = new(StringComparer.Ordinal);

    public async Task<IngestOutcome> HandleAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        try
        {
            return await HandleCoreAsync(topic, payload, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("Ingest of {Topic} cancelled (host stopping); the gateway will send it again", topic);
            metrics.Rejected(RejectReason.LedgerFailure);
            return new IngestOutcome(IngestStatus.Failed, RejectReason.LedgerFailure, "cancelled");
        }
        catch (Exception e)
        {
            log.LogError(e, "Ingest of {Topic} failed unexpectedly; the gateway will send it again", topic);
            metrics.Rejected(RejectReason.LedgerFailure);
            return new IngestOutcome(IngestStatus.Failed, RejectReason.LedgerFailure, e.Message);
        }
    }

    private async Task<IngestOutcome> HandleCoreAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!Topics.TryParse(topic, out var gateway, out var leaf, out var topicStream))
            return Reject(RejectReason.BadTopic, null, topic, "topic", $"'{topic}' is not gridedge/v1/{{gatewayId}}/status or gridedge/v1/{{gatewayId}}/up/{{stream}}");
        if (leaf != "up" && leaf != "status")
            return Reject(RejectReason.UnknownLeaf, gateway, topic, "topic", $"leaf '{leaf}' is not one the ingest takes (status, up/{{stream}})");
        if (payload.Length > _maxPayloadBytes)
            return Reject(RejectReason.Oversize, gateway, topic, "payload", $"{payload.Length} bytes, over the limit of {_maxPayloadBytes} (Server:Ingest:MaxPayloadBytes)");

        var decoded = WireCodec.Decode(payload.Span, _maxPayloadBytes);
        if (!decoded.Ok)
            return Reject(RejectReason.DecodeError, gateway, topic, decoded.Error.Field, decoded.Error.Problem);
        var message = decoded.Value;
        if (message.GatewayId != gateway)
            return Reject(RejectReason.TopicMismatch, gateway, topic, "gatewayId", $"'{message.GatewayId}' differs from the topic's gateway '{gateway}'");

        switch (leaf, message)
        {
            case ("up", Batch batch):
                if (batch.Stream != topicStream)
                    return Reject(RejectReason.TopicMismatch, gateway, topic, "stream", $"'{batch.Stream}' differs from the topic's stream '{topicStream}'");
                return await CommitAsync(batch, payload.Span[2], topic, cancellationToken);
            case ("status", GatewayStatus status):
                await gateways.RecordStatusAsync(status, cancellationToken);
                await RecordStoreAsync(status, cancellationToken);
                metrics.StatusRecorded();
                // Gateways repeat their status (a heartbeat); the log says when it changes.
                var seen = (status.State, status.SoftwareVersion, status.ConfigVersion, status.BootId);
                var changed = !_lastStatus.TryGetValue(gateway, out var before) || before != seen;
                _lastStatus[gateway] = seen;
                log.Log(changed ? LogLevel.Information : LogLevel.Debug, "Gateway {Gateway} is {State} (software {SoftwareVersion}, config {ConfigVersion}, boot {BootId})",
                    gateway, status.State, status.SoftwareVersion, status.ConfigVersion, status.BootId);
                return new IngestOutcome(IngestStatus.StatusRecorded);
            default:
                return Reject(RejectReason.UnexpectedMessage, gateway, topic, "type", $"a {message.GetType().Name} does not belong on a '{leaf}' topic");
        }
    }

    /// <summary>
    /// A birth names the gateway's outbox store: registering it for every stream at once marks the unfilled holes of the
    /// store it replaced as lost (store_replaced) even on streams the new store has not sent yet. Gap notes are stored in
    /// ledger numbers. A will is not a birth: it may come from an older connection after a newer store was seen.
    /// </summary>
    private async Task RecordStoreAsync(GatewayStatus status, CancellationToken cancellationToken)
    {
        if (status.State == GatewayState.Online)
            foreach (var stream in Streams.All) await gateways.OpenStoreAsync(status.GatewayId, stream, status.StoreId, cancellationToken);
        if (status.GapNotes is not { Count: > 0 } notes) return;
        var translated = new List<GapNote>(notes.Count);
        foreach (var note in notes)
        {
            var offset = await gateways.OpenStoreAsync(status.GatewayId, note.Stream, status.StoreId, cancellationToken);
            translated.Add(note with { From = note.From + offset, To = note.To + offset });
        }
        await gateways.RecordGapNotesAsync(status.GatewayId, translated, cancellationToken);
        log.LogInformation("Gateway {Gateway} reported {Count} gap notes: {Notes}", status.GatewayId, notes.Count,
            string.Join(", ", notes.Select(n => $"{n.Stream} {n.From}-{n.To} {n.Reason}")));
    }

    private async Task<IngestOutcome> CommitAsync(Batch received, byte formatByte, string topic, CancellationToken cancellationToken)
    {
        CommitResult commit;
        long offset = 0;
        var batch = received;
        try
        {
            // The ledger keeps each outbox store's numbers after those of the stores before it: a new store's 1 is new data.
            offset = await gateways.OpenStoreAsync(received.GatewayId, received.Stream, received.StoreId, cancellationToken);
            if (offset != 0) batch = received with { FirstSeq = received.FirstSeq + offset };
            // Alerts, command results and the terminal streams have their own tables; the acknowledgement is the same.
            commit = batch.Stream switch
            {
                Streams.Alerts => await alerts.CommitAlertsAsync(batch, cancellationToken),
                Streams.CommandResults => await commands.CommitCommandResultsAsync(batch, cancellationToken),
                Streams.CheckIns or Streams.Uploads or Streams.Attachments =>
                    await (grid ?? throw new InvalidOperationException($"no grid store to take the {batch.Stream} stream")).CommitAsync(batch, cancellationToken),
                _ => await readings.CommitBatchAsync(batch, cancellationToken),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Ledger failed to commit {Stream} {FirstSeq}-{LastSeq} of gateway {Gateway} from {Topic}; no ack sent, the gateway will send it again",
                batch.Stream, batch.FirstSeq, batch.LastSeq, batch.GatewayId, topic);
            metrics.Rejected(RejectReason.LedgerFailure);
            return new IngestOutcome(IngestStatus.Failed, RejectReason.LedgerFailure, e.Message);
        }
        metrics.BatchCommitted(commit.New, commit.Duplicates);
        log.LogDebug("Committed {Stream} {Range} of gateway {Gateway} (store {StoreId}, ledger offset {Offset}): {New} new, {Duplicates} duplicate",
            commit.Stream, commit.Committed, commit.GatewayId, received.StoreId, offset, commit.New, commit.Duplicates);

        // The ack goes back in the format the batch came in: a gateway that speaks only JSON never meets binary. Its ranges
        // are the store's own numbers, and it names the store, so an ack kept for an older store is not taken for this one's.
        var format = (WireFormat)formatByte;
        var ack = new Ack(batch.GatewayId, batch.Stream, [new SeqRange(commit.Committed.From - offset, commit.Committed.To - offset)], received.StoreId);
        try
        {
            await acks.PublishAsync(ack, format, cancellationToken);
            metrics.AckPublished();
            return new IngestOutcome(IngestStatus.Committed, Commit: commit, AckSent: true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Committed but not acked: the gateway sends it again, the ledger ignores the duplicates and acks then.
            metrics.AckFailed();
            log.LogWarning(e, "Ack of {Stream} {Range} to gateway {Gateway} failed; the gateway will resend and be acked then",
                commit.Stream, commit.Committed, commit.GatewayId);
            return new IngestOutcome(IngestStatus.Committed, Commit: commit, AckSent: false);
        }
    }

    private IngestOutcome Reject(RejectReason reason, string? gateway, string topic, string field, string problem)
    {
        metrics.Rejected(reason);
        log.LogWarning("Rejected payload from gateway {Gateway} on {Topic}: {Reason} at {Field}: {Problem}",
            gateway ?? "(unknown)", topic, reason, field, problem);
        return new IngestOutcome(IngestStatus.Rejected, reason, $"{field}: {problem}");
    }
}
