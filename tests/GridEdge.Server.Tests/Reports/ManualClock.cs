using GridEdge.Server;
using GridEdge.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Server.Tests.Reports;

/// <summary>Runs the server on a clock the test moves: submissions before and after a period's due time.</summary>
public sealed class ManualClock(DateTimeOffset start) : IServerExtension
{
    public ManualTimeProvider Time { get; } = new(start);

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public void AddServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Time);

    public bool Started(IServiceProvider services, string url) => false;
}
