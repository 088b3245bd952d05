using System.Collections.Concurrent;
using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Edge.Tasks;

/// <summary>A step this gateway accepted from a terminal on a task, shown on the task until the server's list has caught up.</summary>
public sealed record LocalStep(string TaskId, TaskStepKind Step, string RecordId, string MemberId, DateTimeOffset At);

/// <summary>
/// The task list in force on this gateway: the problems and complaints the server handed to its members
/// (<see cref="TaskList"/>, retained on the tasks topic), indexed by member, kept in {DataDirectory}/tasks.json so
/// members see their tasks after a reboot without uplink. Steps the gateway accepted since are remembered beside it.
/// </summary>
public sealed class TaskListStore
{
    /// <summary>The list as last accepted from the server.</summary>
    public const string FileName = "tasks.json";
    private const int MaxLocalSteps = 10_000;

    private readonly string _dataDirectory;
    private readonly string? _gatewayId;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<LocalStep> _local = new();
    private volatile Indexed _current = Indexed.Empty;
    private long _refused;

    /// <param name="gatewayId">This gateway's id: a list for another is refused. Null accepts any (tests).</param>
    public TaskListStore(string dataDirectory, string? gatewayId = null, ILogger? logger = null)
    {
        _dataDirectory = dataDirectory;
        _gatewayId = gatewayId;
        _logger = logger ?? NullLogger.Instance;
        Load();
    }

    /// <summary>The list in force (version 0 and no tasks until the server sends one).</summary>
    public TaskList Current => _current.List;

    /// <summary>Task lists refused since start (not JSON, invalid, another gateway's).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The tasks handed to <paramref name="memberId"/>, nearest deadline first.</summary>
    public IReadOnlyList<TerminalTask> ForMember(string memberId) => _current.ByMember.GetValueOrDefault(memberId) ?? [];

    /// <summary>The task <paramref name="taskId"/> if it is handed to <paramref name="memberId"/>, else null.</summary>
    public TerminalTask? Find(string memberId, string taskId) =>
        _current.ById.GetValueOrDefault(taskId) is { } task && task.Members.Contains(memberId, StringComparer.Ordinal) ? task : null;

    /// <summary>The steps accepted here on <paramref name="taskId"/> after the list in force was made, oldest first.</summary>
    public IReadOnlyList<LocalStep> LocalSteps(string taskId)
    {
        var since = _current.List.At;
        return [.. _local.Where(s => s.TaskId == taskId && s.At >= since)];
    }

    /// <summary>Remembers a step accepted into the outbox, to show on the task until a newer list arrives.</summary>
    public void Accepted(LocalStep step)
    {
        _local.Enqueue(step);
        while (_local.Count > MaxLocalSteps && _local.TryDequeue(out _)) { }
    }

    /// <summary>
    /// Takes a payload from the tasks topic: applied (stored durably, then in force) when it is a valid list for this
    /// gateway newer than the one in force; otherwise logged and counted. Never throws.
    /// </summary>
    public bool Accept(ReadOnlySpan<byte> payload)
    {
        var list = TaskList.Parse(payload, out var errors);
        if (list is null)
        {
            Interlocked.Increment(ref _refused);
            _logger.LogWarning("Refused a task list of {Bytes} bytes: {Errors}", payload.Length, string.Join("; ", errors));
            return false;
        }
        if (_gatewayId is not null && list.GatewayId != _gatewayId)
        {
            Interlocked.Increment(ref _refused);
            _logger.LogWarning("Refused task list {Version} addressed to gateway {Other}, not this one ({Gateway})", list.Version, list.GatewayId, _gatewayId);
            return false;
        }
        if (list.Version <= _current.List.Version)
        {
            _logger.LogDebug("Task list {Version} is not newer than {Current}; kept the one in force", list.Version, _current.List.Version);
            return false;
        }
        try
        {
            Store(payload);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // In force anyway: members see the newest tasks now; after a reboot the last stored list returns until the next arrives.
            _logger.LogError(e, "Task list {Version} could not be stored in {File}; in force until restart", list.Version, FileName);
        }
        _current = Indexed.Of(list);
        _logger.LogInformation("Task list {Version} in force: {Tasks} tasks for {Members} members", list.Version, list.Tasks.Count, _current.ByMember.Count);
        return true;
    }

    private void Store(ReadOnlySpan<byte> payload)
    {
        Directory.CreateDirectory(_dataDirectory);
        FileSync.Replace(Path.Combine(_dataDirectory, FileName), payload);
    }

    private void Load()
    {
        var path = Path.Combine(_dataDirectory, FileName);
        if (!File.Exists(path)) return;
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(e, "The stored task list {Path} cannot be read; members see no tasks until the server sends a list", path);
            return;
        }
        var list = TaskList.Parse(bytes, out var errors);
        if (list is null || (_gatewayId is not null && list.GatewayId != _gatewayId))
        {
            _logger.LogError("The stored task list {Path} is not valid for this gateway ({Errors}); members see no tasks until the server sends a list", path,
                list is null ? string.Join("; ", errors) : $"addressed to {list.GatewayId}");
            return;
        }
        _current = Indexed.Of(list);
        _logger.LogInformation("Task list {Version} loaded from {Path}: {Tasks} tasks", list.Version, path, list.Tasks.Count);
    }

    private sealed record Indexed(TaskList List, IReadOnlyDictionary<string, TerminalTask> ById, IReadOnlyDictionary<string, IReadOnlyList<TerminalTask>> ByMember)
    {
        public static Indexed Empty { get; } = Of(new TaskList("", 0, DateTimeOffset.MinValue, []));

        public static Indexed Of(TaskList list)
        {
            var byId = new Dictionary<string, TerminalTask>(list.Tasks.Count, StringComparer.Ordinal);
            var byMember = new Dictionary<string, List<TerminalTask>>(StringComparer.Ordinal);
            foreach (var task in list.Tasks)
            {
                byId[task.TaskId] = task;
                foreach (var member in task.Members)
                {
                    if (!byMember.TryGetValue(member, out var tasks)) byMember[member] = tasks = [];
                    tasks.Add(task);
                }
            }
            // The server sends them nearest deadline first; each member's list keeps that order.
            return new Indexed(list, byId, byMember.ToDictionary(p => p.Key, p => (IReadOnlyList<TerminalTask>)p.Value, StringComparer.Ordinal));
        }
    }
}
