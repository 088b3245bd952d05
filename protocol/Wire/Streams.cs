namespace GridEdge.Protocol.Wire;

/// <summary>The streams a gateway sends up, each with its own sequence numbers and a priority class for draining.</summary>
public static class Streams
{
    public const string Alerts = "alerts";
    public const string CommandResults = "cmdres";
    public const string CheckIns = "checkins";
    public const string Uploads = "uploads";
    public const string Readings = "readings";
    public const string Attachments = "attachments";

    /// <summary>Lower drains first: alerts overtake any backlog of readings.</summary>
    public static int Priority(string stream) => stream switch
    {
        Alerts or CommandResults => 0,
        CheckIns or Uploads => 1,
        Readings => 2,
        Attachments => 3,
        _ => throw new ArgumentException($"unknown stream '{stream}'", nameof(stream)),
    };

    public static readonly IReadOnlyList<string> All = [Alerts, CommandResults, CheckIns, Uploads, Readings, Attachments];

    public static bool IsKnown(string stream) => All.Contains(stream);

    /// <summary>The record kind a stream carries; null where that kind is not defined yet.</summary>
    public static Type? RecordType(string stream) => stream switch
    {
        Readings => typeof(Records.Reading),
        Alerts => typeof(Records.Alert),
        CommandResults => typeof(Records.CommandResult),
        _ => null,
    };
}
