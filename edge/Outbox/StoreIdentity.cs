using JsonSerializer = System.Text.Json.JsonSerializer;
using JsonException = System.Text.Json.JsonException;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// The outbox's identity: a GUID created with the store, kept in the store's <c>meta</c> collection and in
/// <c>store-id.json</c> beside it, sent with every batch and in the birth certificate. Sequence numbers count within one
/// store, so the server tells a new store starting at 1 again (a wiped data directory, a reinstall) from a redelivery.
/// </summary>
/// <remarks>
/// Which identity a store gets:
/// <list type="bullet">
/// <item>The store names one: that one (the file is brought in line).</item>
/// <item>A fresh store after a corrupt one was moved aside: the file's, but only while <c>seq-reserved.json</c> holds marks,
/// because then the fresh store numbers above everything the old one issued and the ledger sees one store with a jump.</item>
/// <item>A data directory from before identities (an outbox or reservation file but no identity): <see cref="Guid.Empty"/>,
/// the legacy store, sent without a store id, so an upgrade carries on where it was.</item>
/// <item>Anything else (an empty or wiped directory, or an identity file without the marks that keep its numbering): a new GUID.</item>
/// </list>
/// </remarks>
internal static class StoreIdentity
{
    public const string FileName = "store-id.json";
    private const string MetaId = "store", IdField = "id";

    public static Guid Establish(string dataDirectory, ILiteCollection<BsonDocument> meta, bool hadLegacyData, bool numberingContinues, ILogger logger)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var inStore = meta.FindById(MetaId)?[IdField] is { IsGuid: true } stored ? stored.AsGuid : (Guid?)null;
        var inFile = ReadFile(path, logger);
        Guid id;
        if (inStore is { } s)
        {
            id = s;
            if (inFile != s) WriteFile(path, s);
            return id;
        }
        if (inFile is { } f && numberingContinues)
        {
            id = f;
            logger.LogInformation("Outbox starts a fresh file under its store id {StoreId}; sequence numbers continue above the reserved marks", id);
        }
        else if (hadLegacyData)
        {
            id = Guid.Empty;
            WriteFile(path, id);
        }
        else
        {
            id = Guid.NewGuid();
            // The file first: if power fails before the store holds the id, the next start still finds it.
            WriteFile(path, id);
            logger.LogInformation("Outbox created as a new store {StoreId}; the server keeps its records apart from any earlier store of this gateway", id);
        }
        meta.Upsert(new BsonDocument { ["_id"] = MetaId, [IdField] = id });
        return id;
    }

    private static Guid? ReadFile(string path, ILogger logger)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<StoreIdFile>(File.ReadAllBytes(path))?.StoreId;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            logger.LogError(e, "Store id file {Path} is unreadable; it is ignored", path);
            return null;
        }
    }

    private static void WriteFile(string path, Guid id) => FileSync.Replace(path, JsonSerializer.SerializeToUtf8Bytes(new StoreIdFile(id)));

    private sealed record StoreIdFile(Guid StoreId);
}
