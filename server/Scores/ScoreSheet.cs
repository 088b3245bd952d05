using System.Text.Json.Serialization;

namespace GridEdge.Server.Scores;

/// <summary>
/// An assessment score sheet (考核细则) as configuration: the grid levels it scores, its items with their maximum points, and
/// the rules that compute each item from the ledgers and the registers (<see cref="ScoreRuleKinds"/>).
/// </summary>
public sealed record ScoreSheet(string Id, string Name, string? NameEn, string Source, IReadOnlyList<int> Levels, decimal MaxPoints, IReadOnlyList<ScoreItem> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Notes = null);

/// <summary>
/// One item of a sheet. A deduction item starts at <see cref="Max"/> and loses what its rules deduct, never below 0 (倒扣分制);
/// a bonus item (<see cref="Bonus"/>) starts at 0 and gains what its rules add, never above <see cref="Max"/>. An item without
/// rules is not computed here (assessed on site by the officials): it keeps its maximum and says so.
/// </summary>
public sealed record ScoreItem(string Id, string Name, string? NameEn, decimal Max, bool Bonus, IReadOnlyList<ScoreRule> Rules,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source = null);

/// <summary>
/// A rule of an item: <see cref="Points"/> per record of its <see cref="Kind"/> (negative deducts). For a register rule,
/// <see cref="Register"/> names the register; with <see cref="PerYear"/> the rule deducts per entry missing from that many a year
/// (prorated to the period, rounded up), otherwise it counts per entry (or once with <see cref="Once"/>).
/// <see cref="Own"/>: only the scored grid's own records, not those of the grids beneath it.
/// </summary>
public sealed record ScoreRule(string Kind, decimal Points,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Register = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? PerYear = null,
    bool Once = false, bool Own = false);

/// <summary>The rule kinds a sheet may use, each computed from a ledger or a register.</summary>
public static class ScoreRuleKinds
{
    /// <summary>A problem whose deadline fell in the period, finished late or still open past it (completion figures; 003: 未按规定时间处理办结的，每件减1分).</summary>
    public const string LateCase = "late-case";
    /// <summary>A complaint received in the period whose response clock was missed (the complaint figures).</summary>
    public const string MissedComplaint = "missed-complaint";
    /// <summary>A village and week of the period without a patrol that counts (002: 每周巡查1次; compliance's counting rules).</summary>
    public const string PatrolWeekMissed = "patrol-week-missed";
    /// <summary>A village grid without a registered boundary (003: 网格未编码的减1分: a grid not drawn and coded in the registry).</summary>
    public const string UncodedGrid = "uncoded-grid";
    /// <summary>A fire point (a straw-burning problem an alert opened) during a straw-burning ban of the county (002: 一把火考核).</summary>
    public const string FirePoint = "fire-point";
    /// <summary>A problem transferred (移交移送) to a department in the period: a case needing joint enforcement (003: 需多部门联合处置).</summary>
    public const string JointEnforcement = "joint-enforcement";
    /// <summary>Patrols or check-ins flowed in every week of the period (003: 建立网格化环境监管平台的，加4分).</summary>
    public const string PlatformUse = "platform-use";
    /// <summary>Entries of a register (meetings, training, supervision) in the period.</summary>
    public const string Register = "register";

    public static readonly IReadOnlyList<string> All = [LateCase, MissedComplaint, PatrolWeekMissed, UncodedGrid, FirePoint, JointEnforcement, PlatformUse, Register];
}

/// <summary>The registers kept in the console for what the ledgers cannot compute.</summary>
public static class RegisterKinds
{
    /// <summary>A joint meeting held (联席会议; 003: 每年召开2次).</summary>
    public const string Meeting = "meeting";
    /// <summary>Training of grid members held (对网格员开展培训).</summary>
    public const string Training = "training";
    /// <summary>A supervision visit to a lower grid (督查; 003: 一级督一级).</summary>
    public const string Supervision = "supervision";

    public static readonly IReadOnlyList<string> All = [Meeting, Training, Supervision];
}
