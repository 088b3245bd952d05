namespace GridEdge.Server.Complaints;

/// <summary>The complaint register's settings (Server:Complaints).</summary>
public sealed class ComplaintOptions
{
    public const string Section = "Server:Complaints";

    /// <summary>A complaint about the same village and category within this many days of an earlier one is linked to it as a repeat (重复访).</summary>
    public int RepeatDays { get; set; } = 30;
}
