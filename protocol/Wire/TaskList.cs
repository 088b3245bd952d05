using System.Text.Json;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;

namespace GridEdge.Protocol.Wire;

/// <summary>
/// The open tasks of a gateway's grid members (problems and complaints handed to them), published by the server as JSON,
/// retained, on <see cref="Topics.Tasks"/>. The gateway keeps the newest list it received, so a member's task list
/// answers while the township's uplink is down.
/// </summary>
/// <param name="Version">Grows with every list published to the gateway; an older or equal version is not applied.</param>
public sealed record TaskList(string GatewayId, long Version, DateTimeOffset At, IReadOnlyList<TerminalTask> Tasks)
{
    /// <summary>Most tasks one list may carry.</summary>
    public const int MaxTasks = 20_000;

    public string ToJson() => JsonSerializer.Serialize(this, WireJsonContext.Default.TaskList);

    /// <summary>Parses and checks a task list; null with every problem named (by JSON path) when it is not valid.</summary>
    public static TaskList? Parse(ReadOnlySpan<byte> utf8, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        TaskList? list;
        try
        {
            list = JsonSerializer.Deserialize(utf8, WireJsonContext.Default.TaskList);
        }
        catch (JsonException e)
        {
            problems.Add($"{(string.IsNullOrEmpty(e.Path) ? "$" : e.Path)}: {e.Message.Split(" Path:")[0]}");
            return null;
        }
        if (list is null) { problems.Add("$: null"); return null; }
        if (!GatewayIds.IsValid(list.GatewayId)) problems.Add($"$.gatewayId: '{list.GatewayId}' is not {GatewayIds.Rule}");
        if (list.Tasks is null) { problems.Add("$.tasks: missing"); return null; }
        if (list.Tasks.Count > MaxTasks) problems.Add($"$.tasks: {list.Tasks.Count} tasks, more than {MaxTasks}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Tasks.Count && problems.Count < 20; i++)
        {
            var t = list.Tasks[i];
            var at = $"$.tasks[{i}]";
            if (t is null) { problems.Add($"{at}: null"); continue; }
            if (!TaskIds.IsValid(t.TaskId)) problems.Add($"{at}.taskId: '{t.TaskId}' is not {TaskIds.Rule}");
            else if (!ids.Add(t.TaskId)) problems.Add($"{at}.taskId: '{t.TaskId}' is listed twice");
            if (!GridCodes.IsValid(t.GridCode)) problems.Add($"{at}.gridCode: '{t.GridCode}' is not {GridCodes.Rule}");
            if (t.Members is null || t.Members.Any(m => !TerminalIds.IsValid(m))) problems.Add($"{at}.members: every member id must be {TerminalIds.Rule}");
            if (t.Steps is null) problems.Add($"{at}.steps: missing");
            if (t.Photos is null || t.Photos.Any(p => !TerminalDirectory.IsSha256Hex(p))) problems.Add($"{at}.photos: every photo must be a SHA-256 in lower-case hex");
            if (t.Description is null || t.Description.Length > Validation.MaxTextLength) problems.Add($"{at}.description: missing or more than {Validation.MaxTextLength} characters");
        }
        return problems.Count == 0 ? list : null;
    }
}

/// <summary>A problem or complaint handed to grid members, as their terminals see it.</summary>
/// <param name="TaskId">"problem-{id}" or "complaint-{id}".</param>
/// <param name="Kind">problem or complaint (<see cref="TaskKinds"/>).</param>
/// <param name="Members">The members it is handed to: the assignee, or every member of the village.</param>
/// <param name="Deadline">When it must be done: the response clock's due time for a complaint, the problem's deadline.</param>
/// <param name="State">The problem's state, or for a complaint pending or arrived.</param>
/// <param name="Steps">The steps the server expects next (<see cref="TaskStepKind"/> names: arrive, rectify, verify).</param>
/// <param name="Refused">The member's last step the server refused, with why, when no later step was applied.</param>
public sealed record TerminalTask(
    string TaskId, string Kind, long Ref, string GridCode, IReadOnlyList<string> Members, ProblemCategory Category, string Description,
    double? Latitude, double? Longitude, string? Address, DateTimeOffset? Deadline, string State, IReadOnlyList<string> Photos,
    IReadOnlyList<TaskStepKind> Steps, TaskRefusal? Refused, DateTimeOffset UpdatedAt)
{
    public bool Equals(TerminalTask? other) =>
        other is not null && TaskId == other.TaskId && Kind == other.Kind && Ref == other.Ref && GridCode == other.GridCode &&
        Members.SequenceEqual(other.Members) && Category == other.Category && Description == other.Description && Latitude == other.Latitude &&
        Longitude == other.Longitude && Address == other.Address && Deadline == other.Deadline && State == other.State &&
        Photos.SequenceEqual(other.Photos) && Steps.SequenceEqual(other.Steps) && Refused == other.Refused && UpdatedAt == other.UpdatedAt;

    public override int GetHashCode() => HashCode.Combine(TaskId, State, UpdatedAt);
}

/// <summary>A step the server refused: which, the terminal's record id for it, and what the problem's state did not allow.</summary>
public sealed record TaskRefusal(TaskStepKind Step, string RecordId, string Reason, DateTimeOffset At);

/// <summary>The kinds of task and the form of a task id.</summary>
public static class TaskKinds
{
    public const string Problem = "problem";
    public const string Complaint = "complaint";

    public static string Id(string kind, long id) => $"{kind}-{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Splits "problem-12" into its kind and number.</summary>
    public static bool TryParse(string? taskId, out string kind, out long id)
    {
        kind = "";
        id = 0;
        if (taskId is null) return false;
        var dash = taskId.IndexOf('-');
        if (dash <= 0) return false;
        kind = taskId[..dash];
        return kind is Problem or Complaint
            && long.TryParse(taskId.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id) && id > 0;
    }
}

/// <summary>The rule for task ids.</summary>
public static class TaskIds
{
    public const string Rule = "'problem-N' or 'complaint-N' with N a positive number";

    public static bool IsValid(string? taskId) => TaskKinds.TryParse(taskId, out _, out _);
}
