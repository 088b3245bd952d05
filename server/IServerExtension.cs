namespace GridEdge.Server;

/// <summary>
/// What a program built on the server adds to it (the demo's simulated gateways and grid members): settings that
/// override every other source, services registered after the server's own, and what it prints once the server listens.
/// The shipped server has none.
/// </summary>
public interface IServerExtension
{
    /// <summary>Settings over appsettings.json, the environment and the command line.</summary>
    IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Registers the extension's services; called after the server's own (hosted services start after the broker).</summary>
    void AddServices(IServiceCollection services);

    /// <summary>Called once the server listens at <paramref name="url"/>; returns true when it has logged the start itself.</summary>
    bool Started(IServiceProvider services, string url);
}
