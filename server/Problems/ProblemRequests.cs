using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GridEdge.Server.Api;

namespace GridEdge.Server.Problems;

/// <summary>The rectification plan, the five-fixed table (五定工作表): the problem itself plus owner, measures, deadline and goal.</summary>
public sealed record RectificationPlan(string Owner, string Measures, DateTimeOffset Deadline, string Goal);

/// <summary>A validated transition request: who, and what the transition carries.</summary>
public sealed record ProblemTransition(
    ProblemAction Action,
    string By,
    string? Assignee = null,
    string? Department = null,
    DateTimeOffset? Deadline = null,
    RectificationPlan? Plan = null,
    bool? Passed = null,
    JsonObject? Detail = null,
    string? Part = null);

/// <summary>Parses and validates the JSON body of a transition, naming every wrong field at once.</summary>
public static partial class ProblemRequests
{
    private const int MaxName = 64;
    private const int MaxText = 4000;

    /// <summary>The fields each transition takes; who acts is the signed-in caller, never a field.</summary>
    public static IReadOnlyList<string> Fields(ProblemAction action) => action switch
    {
        ProblemAction.Assign => ["assignee", "deadline", "note"],
        ProblemAction.Transfer => ["department", "deadline", "note"],
        ProblemAction.Plan => ["owner", "measures", "deadline", "goal"],
        ProblemAction.Rectify => ["result", "attachments"],
        ProblemAction.Verify => ["passed", "comment"],
        ProblemAction.Close => ["comment"],
        ProblemAction.Accept => ["note"],
        ProblemAction.Return => ["reason"],
        ProblemAction.Report => ["result", "attachments"],
        ProblemAction.Major => ["reason"],
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public static (ProblemTransition? Transition, IReadOnlyList<ApiError> Errors) Parse(ProblemAction action, JsonElement body, DateTimeOffset now, string by)
    {
        var errors = new List<ApiError>();
        void Bad(string field, string? value, string expected) =>
            errors.Add(new ApiError($"{field} '{value}' is not valid: expected {expected}", field, value, expected));

        if (body.ValueKind != JsonValueKind.Object)
        {
            Bad("body", Truncate(body.GetRawText()), "a JSON object with the fields " + string.Join(", ", Fields(action)));
            return (null, errors);
        }
        var known = Fields(action);
        foreach (var property in body.EnumerateObject())
            if (property.Name == "by")
                Bad("by", Truncate(property.Value.ToString()), "no 'by' field: a transition is signed by the signed-in user");
            else if (!known.Contains(property.Name, StringComparer.Ordinal))
                Bad(property.Name, Truncate(property.Value.ToString()), $"one of the fields of {action.Name()}: " + string.Join(", ", known));

        string? Text(string field, bool required, int max)
        {
            if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required) Bad(field, null, $"a non-empty string of at most {max} characters (required)");
                return null;
            }
            if (value.ValueKind != JsonValueKind.String) { Bad(field, Truncate(value.GetRawText()), $"a non-empty string of at most {max} characters"); return null; }
            var text = value.GetString()!.Trim();
            if (text.Length == 0 || text.Length > max) { Bad(field, Truncate(value.GetString()), $"a non-empty string of at most {max} characters"); return null; }
            return text;
        }

        DateTimeOffset? Deadline(bool required)
        {
            const string expected = "a future ISO 8601 time with an offset, such as 2026-12-01T18:00:00+08:00";
            if (!body.TryGetProperty("deadline", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required) Bad("deadline", null, expected + " (required)");
                return null;
            }
            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            if (value.ValueKind != JsonValueKind.String || !ExplicitOffset().IsMatch(text)
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var deadline))
            {
                Bad("deadline", Truncate(text), expected);
                return null;
            }
            if (deadline <= now)
            {
                Bad("deadline", text, $"{expected}; it is in the past (server time {now:O})");
                return null;
            }
            return deadline;
        }

        var detail = new JsonObject();
        ProblemTransition? transition = null;
        switch (action)
        {
            case ProblemAction.Assign:
            {
                var assignee = Text("assignee", true, MaxName);
                var deadline = Deadline(true);
                var note = Text("note", false, MaxText);
                if (errors.Count == 0)
                {
                    detail["assignee"] = assignee;
                    detail["deadline"] = deadline!.Value.ToString("O", CultureInfo.InvariantCulture);
                    if (note is not null) detail["note"] = note;
                    transition = new ProblemTransition(action, by, Assignee: assignee, Deadline: deadline, Detail: detail);
                }
                break;
            }
            case ProblemAction.Transfer:
            {
                // Without a department, the one the register routes the category to (resolved by the endpoint).
                var department = Text("department", false, 128);
                var deadline = Deadline(true);
                var note = Text("note", false, MaxText);
                if (errors.Count == 0)
                {
                    if (department is not null) detail["department"] = department;
                    detail["deadline"] = deadline!.Value.ToString("O", CultureInfo.InvariantCulture);
                    if (note is not null) detail["note"] = note;
                    transition = new ProblemTransition(action, by, Department: department, Deadline: deadline, Detail: detail);
                }
                break;
            }
            case ProblemAction.Plan:
            {
                var owner = Text("owner", true, MaxName);
                var measures = Text("measures", true, MaxText);
                var deadline = Deadline(true);
                var goal = Text("goal", true, MaxText);
                if (errors.Count == 0)
                {
                    var plan = new RectificationPlan(owner!, measures!, deadline!.Value, goal!);
                    detail["owner"] = owner;
                    detail["measures"] = measures;
                    detail["deadline"] = deadline.Value.ToString("O", CultureInfo.InvariantCulture);
                    detail["goal"] = goal;
                    transition = new ProblemTransition(action, by, Deadline: deadline, Plan: plan, Detail: detail);
                }
                break;
            }
            case ProblemAction.Rectify or ProblemAction.Report:
            {
                var result = Text("result", true, MaxText);
                var attachments = new JsonArray();
                if (body.TryGetProperty("attachments", out var list) && list.ValueKind != JsonValueKind.Null)
                {
                    const string expected = "an array of SHA-256 hashes (64 lower-case hex digits)";
                    if (list.ValueKind != JsonValueKind.Array) Bad("attachments", Truncate(list.GetRawText()), expected);
                    else
                        foreach (var item in list.EnumerateArray())
                        {
                            if (item.ValueKind == JsonValueKind.String && Sha256().IsMatch(item.GetString()!)) attachments.Add(item.GetString());
                            else { Bad("attachments", Truncate(item.GetRawText()), expected); break; }
                        }
                }
                if (errors.Count == 0)
                {
                    detail["result"] = result;
                    if (attachments.Count > 0) detail["attachments"] = attachments;
                    transition = new ProblemTransition(action, by, Detail: detail);
                }
                break;
            }
            case ProblemAction.Verify:
            {
                bool? passed = null;
                if (!body.TryGetProperty("passed", out var value) || value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    Bad("passed", value.ValueKind == JsonValueKind.Undefined ? null : Truncate(value.GetRawText()), "true (the rectification passed) or false (it failed and goes back)");
                else passed = value.GetBoolean();
                // A failed verification has to say why, or the rectifier cannot do better.
                var comment = Text("comment", passed == false, MaxText);
                if (errors.Count == 0)
                {
                    detail["passed"] = passed;
                    if (comment is not null) detail["comment"] = comment;
                    transition = new ProblemTransition(action, by, Passed: passed, Detail: detail);
                }
                break;
            }
            case ProblemAction.Close or ProblemAction.Accept:
            {
                var field = action == ProblemAction.Close ? "comment" : "note";
                var comment = Text(field, false, MaxText);
                if (errors.Count == 0)
                {
                    if (comment is not null) detail[field] = comment;
                    transition = new ProblemTransition(action, by, Detail: detail);
                }
                break;
            }
            case ProblemAction.Return or ProblemAction.Major:
            {
                // A return or a major flag has to say why: the grid, or the county, acts on it.
                var reason = Text("reason", true, MaxText);
                if (errors.Count == 0)
                {
                    detail["reason"] = reason;
                    transition = new ProblemTransition(action, by, Detail: detail);
                }
                break;
            }
        }
        return (errors.Count == 0 ? transition : null, errors);
    }

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 200 ? text : text[..200] + "…";

    [GeneratedRegex(@"(Z|z|[+-]\d\d:\d\d)$")]
    private static partial Regex ExplicitOffset();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256();
}
