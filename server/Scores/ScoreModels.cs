using System.Text.Json.Serialization;

namespace GridEdge.Server.Scores;

/// <summary>What one rule of an item counted for a grid: the records, how many, and the points they give or take.</summary>
public sealed record RuleOutcome(string Kind, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Register, decimal PointsEach, int Count,
    decimal Points, IReadOnlyList<ScoreRecord> Records, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null);

/// <summary>One item's points for a grid (<see cref="Computed"/> false: no rule computes it, it keeps its maximum).</summary>
public sealed record ItemScore(string Id, string Name, string? NameEn, decimal Max, bool Bonus, bool Computed, decimal Points, IReadOnlyList<RuleOutcome> Rules);

/// <summary>One grid's score: total, grade (003: 90 优秀, 80 良好, 60 合格, as shares of the sheet's maximum), rank among its level, and each item.</summary>
public sealed record GridScore(string Grid, string Name, int Level, decimal Total, decimal Max, string Grade, int Rank, IReadOnlyList<ItemScore> Items);

/// <summary>A line of the ranking.</summary>
public sealed record RankingRow(int Rank, string Grid, string Name, int Level, decimal Total, string Grade);

/// <summary>Who published a score and its signature: the SHA-256 of the frozen body with the publisher's name and time.</summary>
public sealed record Publication(string By, DateTimeOffset At, string Sha256);

/// <summary>The body of GET /api/scores: one sheet applied to a grid and the grids beneath it at the sheet's levels for a period.</summary>
public sealed record ScoreReport(string Grid, string Name, int Level, string Sheet, string SheetName, string Source, string Period, string Label,
    DateTimeOffset PeriodFrom, DateTimeOffset PeriodTo, DateTimeOffset ComputedAt, IReadOnlyList<string> Weeks,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Publication? Published,
    IReadOnlyList<RankingRow> Ranking, IReadOnlyList<GridScore> Rows);

/// <summary>A published score in the list of GET /api/scores/published.</summary>
public sealed record PublishedScore(string Grid, string Period, string Sheet, string By, DateTimeOffset At, string Sha256);
