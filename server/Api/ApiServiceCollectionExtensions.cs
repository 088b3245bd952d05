using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridEdge.Server.Api;

/// <summary>Registers the HTTP API feature.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>JSON as the API speaks it: camelCase properties, snake_case enum names (as on the wire).</summary>
    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DictionaryKeyPolicy = null;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        return services;
    }
}
