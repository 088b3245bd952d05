using System.Data.Common;
using GridEdge.Protocol.Records;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Patrols;

/// <summary>The patrol ledger (巡查台账): check-ins and patrol records with the places they visited.</summary>
public interface IPatrolLedger
{
    /// <summary>Stores a check-in in the ingest's transaction; false when (gateway, seq) or (terminal, record id) is already there.</summary>
    Task<bool> AddCheckInAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, CheckIn checkIn, long receivedAt, CancellationToken cancellationToken);

    /// <summary>Stores a patrol record and its places in the ingest's transaction; false when it is already there.</summary>
    Task<bool> AddPatrolAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, PatrolRecord patrol, long receivedAt, CancellationToken cancellationToken);

    /// <summary>Check-ins in fix-time order (then gateway, seq).</summary>
    Task<Page<StoredCheckIn>> QueryCheckInsAsync(PatrolLedgerQuery query, CancellationToken cancellationToken = default);

    /// <summary>Patrol records in start-time order (then gateway, seq), with their places.</summary>
    Task<Page<StoredPatrol>> QueryPatrolsAsync(PatrolLedgerQuery query, CancellationToken cancellationToken = default);
}
