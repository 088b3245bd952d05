namespace GridEdge.Server.Tasks;

/// <summary>Server:Tasks: how gateways' task lists are kept up to date.</summary>
public sealed class TaskOptions
{
    public const string Section = "Server:Tasks";

    /// <summary>How often the tasks duty applies members' steps and republishes changed task lists, in milliseconds (default 2,000).</summary>
    public int IntervalMilliseconds { get; set; } = 2000;

    /// <summary>How long a complaint stays on the terminals' task lists after receipt, in days (default 7).</summary>
    public int ComplaintDays { get; set; } = 7;

    /// <summary>Most tasks one gateway's list carries, nearest deadline first (default 5,000).</summary>
    public int MaxTasks { get; set; } = 5000;
}
