using GridEdge.Server.Gateways;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Photos;

/// <summary>Registers the photos: their assembly from chunks, the store of their bytes for the engine, and serving them.</summary>
public static class PhotoServiceCollectionExtensions
{
    public static IServiceCollection AddPhotos(this IServiceCollection services)
    {
        services.AddSingleton<ILedgerCopyPart, PhotoCopyPart>();
        services.AddGatewayStream(new StreamTable("attachment_chunks", Streams.Attachments)); // gateway listings and gaps count this stream
        services.AddLedgerSchema<PhotoSchema>();
        services.AddSingleton(sp => PhotoLedger.StoreFor(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<ILogger<DiskPhotoStore>>()));
        services.AddSingleton<PhotoLedger>();
        return services;
    }

    public static WebApplication MapPhotoApi(this WebApplication app)
    {
        app.MapPhotoEndpoints();
        return app;
    }
}
