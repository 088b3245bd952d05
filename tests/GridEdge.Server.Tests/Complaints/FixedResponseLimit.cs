using GridEdge.Server.Calendar;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Server.Tests.Complaints;

/// <summary>A work calendar that gives every complaint the same response limit (30 minutes), registered into a test server as an extension.</summary>
public sealed class FixedResponseLimit : IWorkCalendar, IServerExtension
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);

    public bool IsWorkingTime(DateTimeOffset at) => true;

    public bool IsWorkingDay(DateTimeOffset at) => true;

    public TimeSpan ResponseLimit(DateTimeOffset at) => Limit;

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public void AddServices(IServiceCollection services) => services.AddSingleton<IWorkCalendar>(this);

    public bool Started(IServiceProvider services, string url) => false;
}
