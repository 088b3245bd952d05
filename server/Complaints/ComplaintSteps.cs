using System.Text.Json.Serialization;

namespace GridEdge.Server.Complaints;

/// <summary>The steps recorded on a complaint after its receipt: the reply to the complainant (答复) and the follow-up visit (回访), with their Chinese names.</summary>
public static class ComplaintSteps
{
    public const string Reply = "reply", Visit = "visit";

    /// <summary>How the complainant was answered.</summary>
    public static readonly IReadOnlyList<string> Methods = ["phone", "sms", "letter", "in_person"];

    /// <summary>What the complainant said of the handling at the follow-up visit.</summary>
    public static readonly IReadOnlyList<string> Satisfactions = ["satisfied", "basically_satisfied", "dissatisfied"];

    public const string Dissatisfied = "dissatisfied";

    public static string StepName(string step) => step switch { Reply => "答复", Visit => "回访", _ => step };

    public static string MethodName(string method) => method switch
    {
        "phone" => "电话",
        "sms" => "短信",
        "letter" => "信函",
        "in_person" => "当面",
        _ => method,
    };

    public static string SatisfactionName(string satisfaction) => satisfaction switch
    {
        "satisfied" => "满意",
        "basically_satisfied" => "基本满意",
        Dissatisfied => "不满意",
        _ => satisfaction,
    };
}

/// <summary>A reply or visit to record: <see cref="Text"/> is the reply's text or the visit's note.</summary>
public sealed record NewComplaintStep(string Step, DateTimeOffset At, string? Method, string? Text, string? Satisfaction, string By);

/// <summary>A recorded step of a complaint, in the order recorded: a reply (method, text) or a visit (satisfaction, note).</summary>
public sealed record ComplaintStep(long Id, string Step, DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Method,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Satisfaction,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note,
    string By, DateTimeOffset RecordedAt)
{
    public string StepName => ComplaintSteps.StepName(Step);

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MethodName => Method is null ? null : ComplaintSteps.MethodName(Method);

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SatisfactionName => Satisfaction is null ? null : ComplaintSteps.SatisfactionName(Satisfaction);
}

/// <summary>The outcome of recording a step: recorded, refused because the complaint's steps do not allow it yet (409), or no such complaint.</summary>
public abstract record StepOutcome
{
    public sealed record Done(ComplaintStep Step) : StepOutcome;
    public sealed record Refused(string Message, string Expected) : StepOutcome;
    public sealed record NotFound : StepOutcome;
}
