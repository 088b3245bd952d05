using GridEdge.Server.Cluster;
using GridEdge.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Tasks;

/// <summary>Registers the gateways' task lists: the task ledger, the steps' applier, the list builder and publisher, their duty and API.</summary>
public static class TaskServiceCollectionExtensions
{
    public static IServiceCollection AddTasks(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TaskOptions>().BindConfiguration(TaskOptions.Section)
            .Validate(o => o.IntervalMilliseconds is >= 100 and <= 600_000, $"{TaskOptions.Section}:IntervalMilliseconds must be 100 to 600000")
            .Validate(o => o.ComplaintDays is >= 1 and <= 365, $"{TaskOptions.Section}:ComplaintDays must be a number of days from 1 to 365")
            .Validate(o => o.MaxTasks is >= 1 and <= Protocol.Wire.TaskList.MaxTasks, $"{TaskOptions.Section}:MaxTasks must be 1 to {Protocol.Wire.TaskList.MaxTasks}")
            .ValidateOnStart();
        services.AddLedgerSchema<TaskSchema>();
        services.AddSingleton<TaskStepLedger>();
        services.AddSingleton<TaskStepApplier>();
        services.AddSingleton<TaskListBuilder>();
        services.AddSingleton<TaskListPublisher>();
        services.AddSingletonDuty<TaskDuty>();
        return services;
    }

    public static WebApplication MapTaskApi(this WebApplication app)
    {
        app.MapTaskEndpoints();
        return app;
    }
}
