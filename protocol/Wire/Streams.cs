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

    /// <summary>Whether a record of this kind belongs on the stream: uploads carries patrol records, problem reports and task steps, every other stream one kind.</summary>
    public static bool Accepts(string stream, Records.Record record) => (stream, record) switch
    {
        (Readings, Records.Reading) => true,
        (Alerts, Records.Alert) => true,
        (CommandResults, Records.CommandResult) => true,
        (CheckIns, Records.CheckIn) => true,
        (Uploads, Records.PatrolRecord or Records.ProblemReport or Records.TaskStep) => true,
        (Attachments, Records.AttachmentChunk) => true,
        _ => false,
    };

    /// <summary>The record kinds a stream carries, for messages.</summary>
    public static string Carries(string stream) => stream switch
    {
        Readings => "readings",
        Alerts => "alerts",
        CommandResults => "command results",
        CheckIns => "check-ins",
        Uploads => "patrol records, problem reports and task steps",
        Attachments => "attachment chunks",
        _ => "nothing",
    };
}
