using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridEdge.Edge.Outbox;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Terminals;

/// <summary>The terminal API's endpoints under /api/v1: check-ins, patrols, problems, attachments and status.</summary>
internal sealed class TerminalApi
{
    private const string IdempotencyHeader = "Idempotency-Key";
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Readable by people: place names and descriptions are Chinese, and messages quote <token>.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Hosting.TerminalOptions _options;
    private readonly Outbox.OutboxStore _outbox;
    private readonly GatewayClock _clock;
    private readonly TerminalDirectoryStore _directory;
    private readonly TerminalState _state;
    private readonly AttachmentStore _attachments;
    private readonly ConnectionSlots _connections;
    private readonly TerminalCounters _counters;
    private readonly Tasks.TaskListStore? _tasks;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    // Requests with the same (terminal, key) run one at a time, so a retry racing its original cannot append twice.
    private readonly SemaphoreSlim[] _keyLocks = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    public TerminalApi(Hosting.TerminalOptions options, Outbox.OutboxStore outbox, GatewayClock clock, TerminalDirectoryStore directory, TerminalState state,
        AttachmentStore attachments, ConnectionSlots connections, TerminalCounters counters, ILogger logger, CancellationToken stopping,
        Tasks.TaskListStore? tasks = null)
    {
        _tasks = tasks;
        _options = options;
        _outbox = outbox;
        _clock = clock;
        _directory = directory;
        _state = state;
        _attachments = attachments;
        _connections = connections;
        _counters = counters;
        _logger = logger;
        _stopping = stopping;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapPost("/checkins", (Delegate)((HttpContext c) => SubmitAsync(c, Kind.CheckIn)))
            .Accepts<CheckInRequest>("application/json").Produces<AcceptedResponse>(201).Produces<ErrorResponse>(400).Produces<ErrorResponse>(401)
            .Produces<ErrorResponse>(403).Produces<ErrorResponse>(422).WithSummary("Store a check-in (stream checkins), judged against the member's grid boundary");
        api.MapPost("/patrols", (Delegate)((HttpContext c) => SubmitAsync(c, Kind.Patrol)))
            .Accepts<PatrolRequest>("application/json").Produces<AcceptedResponse>(201).Produces<ErrorResponse>(400).Produces<ErrorResponse>(401)
            .Produces<ErrorResponse>(403).Produces<ErrorResponse>(422).WithSummary("Store a patrol record (stream uploads)");
        api.MapPost("/problems", (Delegate)((HttpContext c) => SubmitAsync(c, Kind.Problem)))
            .Accepts<ProblemRequest>("application/json").Produces<AcceptedResponse>(201).Produces<ErrorResponse>(400).Produces<ErrorResponse>(401)
            .Produces<ErrorResponse>(403).Produces<ErrorResponse>(422).WithSummary("Store a problem report (stream uploads)");
        api.MapPost("/attachments", (Delegate)OpenAttachmentAsync)
            .Accepts<AttachmentOpenRequest>("application/json").Produces<AttachmentStatusResponse>(200).Produces<AttachmentStatusResponse>(201)
            .Produces<ErrorResponse>(400).Produces<ErrorResponse>(401).Produces<ErrorResponse>(409).Produces<ErrorResponse>(507)
            .WithSummary("Open an upload of a photo by its SHA-256, or learn how much of it the gateway holds");
        // No Accepts metadata here: it would refuse (415) a PUT whose Content-Type is image/jpeg or missing; the body is raw bytes whatever it says.
        api.MapPut("/attachments/{sha256}", (Delegate)PutAttachmentAsync)
            .Produces<AttachmentStatusResponse>(200).Produces<ErrorResponse>(400).Produces<ErrorResponse>(404)
            .Produces<ErrorResponse>(409).Produces<ErrorResponse>(422)
            .WithSummary("Send bytes start-end of the photo (Content-Range: bytes start-end/total); the last range verifies it");
        api.MapMethods("/attachments/{sha256}", ["GET", "HEAD"], (Delegate)GetAttachmentAsync)
            .Produces<AttachmentStatusResponse>(200).Produces<ErrorResponse>(404).WithSummary("How many bytes of the photo the gateway holds, and whether it is complete");
        api.MapGet("/tasks", (Delegate)ListTasks)
            .Produces<TaskListResponse>(200).Produces<ErrorResponse>(401)
            .WithSummary("The problems and complaints handed to this terminal's member, from the list the server last sent (works without uplink)");
        api.MapPost("/tasks/{taskId}/steps", (Delegate)((HttpContext c) => SubmitAsync(c, Kind.TaskStep)))
            .Accepts<TaskStepRequest>("application/json").Produces<AcceptedResponse>(201).Produces<ErrorResponse>(400).Produces<ErrorResponse>(401)
            .Produces<ErrorResponse>(403).Produces<ErrorResponse>(404).Produces<ErrorResponse>(422)
            .WithSummary("Store a step on a task: arrive, rectify or verify (stream uploads); the server applies it or shows its refusal on the task");
        api.MapGet("/status", (Delegate)Status).WithSummary("Counters of accepted and refused requests (no authentication)");
    }

    private enum Kind { CheckIn, Patrol, Problem, TaskStep }

    private async Task<IResult> SubmitAsync(HttpContext context, Kind kind)
    {
        if (Authenticate(context) is not { } terminal) return Unauthorized(context);
        if (RefuseUnlessJson(context) is { } notJson) return notJson;
        var key = context.Request.Headers[IdempotencyHeader].ToString();
        if (!TerminalIds.IsValid(key))
            return Refuse(400, "the Idempotency-Key header must carry the terminal's id for this record",
                new FieldError(IdempotencyHeader, $"'{key}' is not {TerminalIds.Rule}"));
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            _counters.TooLarge();
            return Refuse(413, $"the body is larger than {_options.MaxJsonBytes} bytes", new FieldError("$", $"more than {_options.MaxJsonBytes} bytes"));
        }
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(context.Request.Path.Value + "\n"), .. body]));
        var gate = _keyLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(terminal.TerminalId + "|" + key) % (uint)_keyLocks.Length)];
        await gate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            var dedupeKey = IdempotencyAnswers.KeyOf(terminal.TerminalId, key);
            // Answers stored with their records in the outbox; before that, in terminals.db (a gateway upgraded within the retention).
            var first = _outbox.FindStored(dedupeKey) is { } stored ? IdempotencyAnswers.Response(key, stored) : _state.FindResponse(terminal.TerminalId, key);
            if (first is not null) return Replay(terminal, key, fingerprint, first);

            var errors = new List<FieldError>();
            using var document = TerminalRequests.ParseJson(body, errors);
            if (document is null) return Invalid(terminal, kind, errors);
            var (at, quality) = _clock.Now();
            var window = TimeWindow.Around(at, quality, _options);
            Claimed? claimed;
            Record? record = kind switch
            {
                Kind.CheckIn => TerminalRequests.CheckIn(document.RootElement, key, at, quality, window, errors, out claimed),
                Kind.Patrol => TerminalRequests.Patrol(document.RootElement, key, at, quality, window, errors, out claimed),
                Kind.TaskStep => TerminalRequests.TaskStep(document.RootElement, context.Request.RouteValues["taskId"] as string, key, at, quality, window, errors, out claimed),
                _ => TerminalRequests.Problem(document.RootElement, key, at, quality, errors, out claimed),
            };
            if (record is null) return Invalid(terminal, kind, errors);

            var forbidden = new List<FieldError>();
            if (claimed!.TerminalId != terminal.TerminalId) forbidden.Add(new FieldError("terminalId", $"'{claimed.TerminalId}' is not the terminal of this token"));
            if (claimed.MemberId != terminal.MemberId) forbidden.Add(new FieldError("memberId", $"'{claimed.MemberId}' is not the member who carries this terminal"));
            if (claimed.GridCode != terminal.GridCode) forbidden.Add(new FieldError("gridCode", $"'{claimed.GridCode}' is not the grid of this terminal's member"));
            if (forbidden.Count > 0)
            {
                _counters.Forbidden();
                _logger.LogWarning("Terminal {TerminalId} sent a {Kind} for someone else: {Fields}", terminal.TerminalId, kind, string.Join(", ", forbidden.Select(f => f.Field)));
                return Refuse(403, "the body names another terminal, member or grid than the token's", [.. forbidden]);
            }

            string? geofence = null;
            if (record is CheckIn checkIn)
            {
                var verdict = _directory.FindArea(terminal.GridCode)?.Judge(checkIn.Latitude, checkIn.Longitude, checkIn.AccuracyMeters, _options.MaxAccuracyMeters)
                    ?? GeofenceResult.NoBoundary;
                record = checkIn with { Geofence = verdict };
                geofence = JsonSerializer.Serialize(verdict).Trim('"');
            }
            else if (record is TaskStep step)
            {
                // Only a task on this member's list: the server decides whether the step fits the problem's state.
                if (_tasks?.Find(terminal.MemberId, step.TaskId) is not { } task)
                    return Refuse(404, $"task '{step.TaskId}' is not on the task list of member '{terminal.MemberId}'",
                        new FieldError("taskId", $"'{step.TaskId}' is not among this member's tasks (GET /api/v1/tasks)"));
                // Judged against the task's grid: arriving means being inside the place's village.
                var verdict = _directory.FindArea(task.GridCode)?.Judge(step.Latitude, step.Longitude, step.AccuracyMeters, _options.MaxAccuracyMeters)
                    ?? GeofenceResult.NoBoundary;
                record = step with { Geofence = verdict };
                geofence = JsonSerializer.Serialize(verdict).Trim('"');
            }
            if (Validation.CheckRecord(record) is { } broken) return Invalid(terminal, kind, [new FieldError(broken.Field, broken.Problem)]);

            var stream = kind == Kind.CheckIn ? Streams.CheckIns : Streams.Uploads;
            StoredGroup appended;
            try
            {
                // The answer is committed with the record, so a retry after a crash at any moment gets the same seq.
                // Not the request's token: once handed to the outbox the record may be committed, and then the terminal must learn its seq.
                var answer = new DedupeEntry(dedupeKey, TimeSpan.FromDays(_options.IdempotencyRetentionDays), IdempotencyAnswers.Encode(fingerprint, geofence, at));
                appended = await _outbox.AppendAllAsync(stream, [record], answer, _stopping).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                return Invalid(terminal, kind, [new FieldError("$", e.Message)]);
            }
            // Nothing stored and no answer remembered: the terminal keeps the record and retries with the same key.
            catch (OutboxFullException e)
            {
                _counters.OverQuota();
                return Refuse(507, "the gateway's storage is full; nothing was stored, keep the record and retry later", new FieldError("$", e.Message));
            }
            catch (OutboxUnavailableException e)
            {
                _counters.Failure();
                return Refuse(503, "the gateway could not store the record now; nothing was stored, retry later", new FieldError("$", e.Message));
            }
            // Only a request that raced ours past the key lock (none in this process) can have stored it first.
            if (appended.Earlier) return Replay(terminal, key, fingerprint, IdempotencyAnswers.Response(key, appended));
            var seq = appended.FirstSeq;
            var response = IdempotencyAnswers.AcceptedBody(key, stream, seq, geofence, at);
            switch (kind)
            {
                case Kind.CheckIn: _counters.CheckIn(); break;
                case Kind.Patrol: _counters.Patrol(); break;
                case Kind.TaskStep:
                    _counters.TaskStep();
                    var accepted = (TaskStep)record;
                    _tasks?.Accepted(new Tasks.LocalStep(accepted.TaskId, accepted.Step, key, terminal.MemberId, at));
                    break;
                default: _counters.Problem(); break;
            }
            _logger.LogDebug("Terminal {TerminalId} (member {MemberId}): {Kind} {RecordId} stored as {Stream} {Seq}{Geofence}", terminal.TerminalId,
                terminal.MemberId, kind, key, stream, seq, geofence is null ? "" : $", geofence {geofence}");
            return Results.Content(response, "application/json", Encoding.UTF8, 201);
        }
        finally
        {
            gate.Release();
        }
    }

    private IResult Replay(TerminalEntry terminal, string key, string fingerprint, StoredResponse first)
    {
        if (first.Fingerprint != fingerprint)
        {
            _counters.IdempotencyConflict();
            _logger.LogWarning("Terminal {TerminalId} reused Idempotency-Key {Key} for a different request; refused", terminal.TerminalId, key);
            return Refuse(422, "this Idempotency-Key was used for a different request",
                new FieldError(IdempotencyHeader, $"'{key}' already names another record of this terminal; a new record needs a new key"));
        }
        _counters.Replay();
        _logger.LogInformation("Terminal {TerminalId} retried {Key}: answered with the first response, nothing stored again", terminal.TerminalId, key);
        return Results.Content(first.Body, "application/json", Encoding.UTF8, first.Status);
    }

    private IResult Invalid(TerminalEntry terminal, Kind kind, List<FieldError> errors)
    {
        _counters.Invalid();
        _logger.LogWarning("Terminal {TerminalId} sent an invalid {Kind}: {Errors}", terminal.TerminalId, kind, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Problem}")));
        return Refuse(400, $"{errors.Count} field(s) are wrong; nothing was stored", [.. errors]);
    }

    private async Task<IResult> OpenAttachmentAsync(HttpContext context)
    {
        if (Authenticate(context) is not { } terminal) return Unauthorized(context);
        if (RefuseUnlessJson(context) is { } notJson) return notJson;
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null) return Refuse(413, "the body is too large", new FieldError("$", $"more than {_options.MaxJsonBytes} bytes"));
        var errors = new List<FieldError>();
        using var document = TerminalRequests.ParseJson(body, errors);
        string? sha = null, type = null;
        long size = -1;
        if (document is not null)
        {
            var root = document.RootElement;
            if (root.TryGetProperty("sha256", out var s) && s.ValueKind == JsonValueKind.String && TerminalDirectory.IsSha256Hex(s.GetString())) sha = s.GetString();
            else errors.Add(new FieldError("sha256", "missing, or not 64 lower-case hex digits"));
            if (root.TryGetProperty("size", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var v) && v >= 0 && v <= Validation.MaxAttachmentBytes) size = v;
            else errors.Add(new FieldError("size", $"missing, or not a whole number of bytes 0-{Validation.MaxAttachmentBytes}"));
            if (root.TryGetProperty("contentType", out var t) && t.ValueKind == JsonValueKind.String && Validation.AttachmentTypes.Contains(t.GetString())) type = t.GetString();
            else errors.Add(new FieldError("contentType", $"missing, or not one of {string.Join(", ", Validation.AttachmentTypes)}"));
        }
        if (errors.Count > 0)
        {
            _counters.Invalid();
            _logger.LogWarning("Terminal {TerminalId} sent an invalid attachment opening: {Errors}", terminal.TerminalId, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Problem}")));
            return Refuse(400, $"{errors.Count} field(s) are wrong", [.. errors]);
        }
        return UploadResponse(await _attachments.OpenAsync(sha!, size, type!, terminal.TerminalId, context.RequestAborted).ConfigureAwait(false));
    }

    private async Task<IResult> PutAttachmentAsync(HttpContext context, string sha256)
    {
        if (Authenticate(context) is not { } terminal) return Unauthorized(context);
        if (!TerminalDirectory.IsSha256Hex(sha256)) return Refuse(400, "not an attachment address", new FieldError("sha256", "not 64 lower-case hex digits"));
        var range = context.Request.Headers.ContentRange.ToString();
        if (!TryParseContentRange(range, out var start, out var end, out var total))
        {
            _counters.Invalid();
            return Refuse(400, "the Content-Range header is missing or malformed", new FieldError("Content-Range", $"'{range}' is not 'bytes start-end/total' with start <= end < total"));
        }
        if (context.Request.ContentLength is { } length && length != end - start + 1)
        {
            _counters.Invalid();
            return Refuse(400, "the body does not fit the range", new FieldError("Content-Length", $"{length} bytes, but the range {start}-{end} holds {end - start + 1}"));
        }
        var result = await _attachments.ReceiveAsync(sha256, terminal.TerminalId, start, end, total, context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        _logger.LogDebug("Terminal {TerminalId} PUT {Sha256} {Range}: {Status}", terminal.TerminalId, sha256, range, result.HttpStatus);
        return UploadResponse(result);
    }

    private async Task<IResult> GetAttachmentAsync(HttpContext context, string sha256)
    {
        if (Authenticate(context) is not { } terminal) return Unauthorized(context);
        if (!TerminalDirectory.IsSha256Hex(sha256)) return Refuse(400, "not an attachment address", new FieldError("sha256", "not 64 lower-case hex digits"));
        var status = await _attachments.StatusAsync(sha256, terminal.TerminalId, context.RequestAborted).ConfigureAwait(false);
        if (status is null) return UploadResponse(UploadResult.NotFound());
        context.Response.Headers["Upload-Offset"] = status.Received.ToString(CultureInfo.InvariantCulture);
        return UploadResponse(UploadResult.Ok(status));
    }

    private IResult UploadResponse(UploadResult result)
    {
        if (result.Status is { } s)
            return Results.Json(new AttachmentStatusResponse(s.Sha256, s.Size, s.ContentType, s.Received, s.State), Json, statusCode: result.HttpStatus);
        var message = result.HttpStatus switch
        {
            404 => "no such upload",
            409 => "the upload is elsewhere than this request assumes",
            422 => "the attachment does not match its SHA-256",
            507 => "no room for the attachment now",
            _ => "the request is wrong",
        };
        return Refuse(result.HttpStatus, message, result.Received, new FieldError(result.Field ?? "$", result.Problem ?? message));
    }

    internal static bool TryParseContentRange(string header, out long start, out long end, out long total)
    {
        start = end = total = 0;
        var text = header.AsSpan().Trim();
        if (!text.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase)) return false;
        text = text[6..].Trim();
        var dash = text.IndexOf('-');
        var slash = text.IndexOf('/');
        return dash > 0 && slash > dash &&
               long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out start) &&
               long.TryParse(text[(dash + 1)..slash], NumberStyles.None, CultureInfo.InvariantCulture, out end) &&
               long.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out total) &&
               start <= end && end < total;
    }

    private IResult ListTasks(HttpContext context)
    {
        if (Authenticate(context) is not { } terminal) return Unauthorized(context);
        var list = _tasks?.Current;
        var tasks = _tasks?.ForMember(terminal.MemberId) ?? [];
        var items = new List<TaskResponse>(tasks.Count);
        foreach (var t in tasks)
            items.Add(new TaskResponse(t.TaskId, t.Kind, t.Ref, t.GridCode, t.Category, t.Description, t.Latitude, t.Longitude, t.Address, t.Deadline, t.State,
                t.Photos, t.Steps, t.Refused, t.UpdatedAt,
                [.. _tasks!.LocalSteps(t.TaskId).Select(s => new LocalStepResponse(s.Step, s.RecordId, s.MemberId, s.At))]));
        return Results.Json(new TaskListResponse(terminal.MemberId, list?.Version ?? 0, list is { Version: > 0 } ? list.At : null, items), Json);
    }

    private IResult Status()
    {
        var directory = _directory.Directory;
        return Results.Json(new
        {
            counters = _counters.Snapshot(),
            directory = new { terminals = directory.Terminals.Count, grids = directory.Grids.Count },
            tasks = new { version = _tasks?.Current.Version ?? 0, count = _tasks?.Current.Tasks.Count ?? 0, refusedLists = _tasks?.Refused ?? 0 },
            attachments = new
            {
                staged = _attachments.StagedCount,
                stagedBytes = _attachments.StagedBytes,
                pendingBytes = _outbox.PendingBytes(Streams.Attachments),
                quotaBytes = _options.AttachmentQuotaBytes,
            },
            connections = new { open = _connections.Open, busy = _connections.Busy, limit = _connections.Limit },
        }, Json);
    }

    /// <summary>The token of an Authorization: Bearer header, or null when there is none.</summary>
    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header[scheme.Length..].Trim() is { Length: > 0 } token ? token : null;
    }

    private TerminalEntry? Authenticate(HttpContext context)
    {
        string? reason;
        TerminalEntry? terminal = null;
        if (BearerToken(context.Request) is not { } token) reason = "no bearer token";
        else if ((terminal = _directory.FindByToken(token)) is null) reason = "a token that is not in the terminal directory (unknown or revoked)";
        else return terminal;
        _counters.Unauthorized();
        _logger.LogWarning("Refused {Method} {Path} from {Remote}: {Reason}", context.Request.Method, context.Request.Path.Value, context.Connection.RemoteIpAddress, reason);
        return null;
    }

    // Bodies are read as UTF-8 JSON whatever they say, so they must say so: a missing Content-Type is refused like a wrong one.
    private IResult? RefuseUnlessJson(HttpContext context)
    {
        var type = context.Request.ContentType;
        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media) &&
            media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) &&
            (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
            return null;
        _counters.Invalid();
        var refusal = NotJson(type);
        return Refuse(415, refusal.Error, [.. refusal.Errors]);
    }

    /// <summary>The refusal of a body that is not declared UTF-8 JSON.</summary>
    internal static ErrorResponse NotJson(string? contentType) => new("the body must be JSON",
        [new FieldError("Content-Type", string.IsNullOrEmpty(contentType)
            ? "missing; expected application/json (charset=utf-8 allowed)"
            : $"'{contentType}' given; expected application/json (charset=utf-8 allowed)")]);

    private static IResult Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Refuse(401, "a valid terminal token is required (Authorization: Bearer <token>)", new FieldError("Authorization", "missing, unknown or revoked token"));
    }

    internal static IResult Refuse(int status, string error, params FieldError[] errors) => Refuse(status, error, null, errors);

    internal static IResult Refuse(int status, string error, long? received, params FieldError[] errors) =>
        Results.Json(new ErrorResponse(error, errors, received), Json, statusCode: status);

    // The whole body, or null when it is larger than the limit (the rest is not read).
    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var max = _options.MaxJsonBytes;
        if (context.Request.ContentLength > max) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > max) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
