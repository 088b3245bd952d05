using System.Collections;
using System.Reflection;
using LiteDB;
using LiteDB.Engine;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// Keeps LiteDB's transactions from rolling back on the finalizer thread. A LiteDB 5 transaction has a finalizer that
/// rolls it back; after a write the disk refused, that rollback fails again ("discarded page must be writable") on the
/// finalizer thread, which ends the process, or blocks that thread and every finalizer after it. Once a store has
/// failed, its transactions are abandoned with the engine (the store is reopened): their finalizers are switched off.
/// </summary>
/// <remarks>
/// Reaches into LiteDB 5.0's engine (LiteEngine._monitor: its open transactions and the calling thread's one); if a
/// later LiteDB names them otherwise, this does nothing, and the full-disk tests, which collect and finalize, fail.
/// </remarks>
internal static class LiteTransactions
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
    private static readonly FieldInfo? MonitorField = typeof(LiteEngine).GetField("_monitor", Instance);
    private static readonly FieldInfo? SlotField = MonitorField?.FieldType.GetField("_slot", Instance);
    private static readonly PropertyInfo? OpenProperty = MonitorField?.FieldType.GetProperty("Transactions", Instance);

    /// <summary>Switches off the finalizers of the engine's open transactions and of the calling thread's.</summary>
    public static void Disarm(LiteEngine? engine)
    {
        if (engine is null || MonitorField?.GetValue(engine) is not { } monitor) return;
        try
        {
            if (SlotField?.GetValue(monitor) is { } slot && slot.GetType().GetProperty("Value")?.GetValue(slot) is { } current)
                GC.SuppressFinalize(current);
            if (OpenProperty?.GetValue(monitor) is IEnumerable open)
                foreach (var transaction in open.Cast<object>().ToList()) GC.SuppressFinalize(transaction);
        }
        catch (Exception e) when (e is TargetInvocationException or ObjectDisposedException or InvalidOperationException) { }
    }

    /// <inheritdoc cref="Disarm(LiteEngine?)"/>
    public static void Disarm(LiteDatabase database) => Disarm(EngineOf(database));

    /// <summary>
    /// Closes a database and its engine, and never leaves a finalizer of theirs armed: LiteEngine's finalizer closes it
    /// again, and its transactions' roll back, which on a store whose writes failed (a full disk) throws on the finalizer
    /// thread, ending the process ("discarded page must be writable"), or blocks that thread and every finalizer after it.
    /// </summary>
    /// <param name="engine">The engine the database was opened on; read from the database when null.</param>
    public static void Close(LiteDatabase db, LiteEngine? engine = null)
    {
        engine ??= EngineOf(db);
        Disarm(engine);
        try { db.Dispose(); }
        finally
        {
            if (engine is not null) GC.SuppressFinalize(engine);
        }
    }

    private static LiteEngine? EngineOf(LiteDatabase database) => typeof(LiteDatabase).GetField("_engine", Instance)?.GetValue(database) as LiteEngine;
}
