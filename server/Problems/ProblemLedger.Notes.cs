using System.Data.Common;
using System.Text.Json.Nodes;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Problems;

public sealed partial class ProblemLedger
{
    /// <inheritdoc/>
    public async Task<TransitionOutcome> NoteAsync(long id, string action, string by, JsonObject detail, CancellationToken cancellationToken = default,
        Func<DbConnection, DbTransaction, ProblemEvent, Task>? alsoRecord = null)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var outcome = await database.WriteAsync<TransitionOutcome?>(async (connection, transaction) =>
        {
            var row = await ReadLifecycleAsync(connection, transaction, id, cancellationToken);
            if (row is null) return new TransitionOutcome.NotFound();
            var state = row.State;
            if (state == ProblemStates.Closed)
                return new TransitionOutcome.Refused(state, $"cannot record {action} on problem {id} in state '{state}': it is closed (struck off) and can no longer change",
                    [.. ProblemStates.All.Where(s => s != ProblemStates.Closed)]);
            // The state is read again under the write: a note never lands on a problem a concurrent close just struck off.
            await Sql.ExecuteAsync(connection, transaction, "UPDATE problems SET updated_at = @now WHERE id = @id AND state = @state;", cancellationToken,
                ("@now", now), ("@id", id), ("@state", state));
            var n = Convert.ToInt32(await Sql.ScalarAsync(connection, transaction, """
                INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at, detail)
                VALUES (@id, (SELECT COALESCE(MAX(n), 0) + 1 FROM problem_events WHERE problem_id = @id), @action, @state, @state, @by, @at, @detail)
                RETURNING n;
                """, cancellationToken, ("@id", id), ("@action", action), ("@state", state), ("@by", by), ("@at", now), ("@detail", detail.ToJsonString())),
                System.Globalization.CultureInfo.InvariantCulture);
            var recorded = new ProblemEvent(id, n, action, state, state, by, Sql.Ms(now), detail.DeepClone());
            if (alsoRecord is not null) await alsoRecord(connection, transaction, recorded);
            return null;
        }, cancellationToken);
        if (outcome is not null) return outcome;
        var view = await GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"problem {id} vanished after a note");
        return new TransitionOutcome.Done(view);
    }
}
