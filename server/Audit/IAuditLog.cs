using System.Data.Common;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Audit;

/// <summary>The audit log: who changed what, when, from what to what; appended to, read back, never changed.</summary>
public interface IAuditLog
{
    /// <summary>Appends an entry in a transaction of its own; its number.</summary>
    Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Appends an entry in the caller's transaction, so a change and its entry are committed together or not at all; its number.</summary>
    Task<long> AppendAsync(DbConnection connection, DbTransaction transaction, AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Entries newest first (then by number), filtered as the query says.</summary>
    /// <exception cref="ArgumentException">The query's cursor is not one this log issued.</exception>
    Task<Page<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
