using GridEdge.Server.Compliance;

namespace GridEdge.Server.Alarms;

/// <summary>The kinds of campaign period a county declares.</summary>
public static class CampaignKinds
{
    /// <summary>秸秆禁烧期: straw-burning alerts are critical and fire points are counted per village (002: 一把火考核).</summary>
    public const string StrawBurningBan = "straw_burning_ban";

    /// <summary>重污染天气应急: a heavy-pollution emergency.</summary>
    public const string HeavyPollutionEmergency = "heavy_pollution_emergency";

    public static readonly IReadOnlyList<string> All = [StrawBurningBan, HeavyPollutionEmergency];
}

/// <summary>A campaign period of a county, from <see cref="From"/> to <see cref="To"/> inclusive, whole days in China Standard Time.</summary>
public sealed record Campaign(string Id, string Kind, string County, string? Name, DateOnly From, DateOnly To, DateTimeOffset UpdatedAt)
{
    /// <summary>From 00:00 +08:00 (inclusive).</summary>
    public DateTimeOffset StartsAt => new(From.ToDateTime(TimeOnly.MinValue), GridEdge.Server.Periods.ReportPeriod.ChinaStandardTime);

    /// <summary>The day after <see cref="To"/>, 00:00 +08:00 (exclusive).</summary>
    public DateTimeOffset EndsAt => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), GridEdge.Server.Periods.ReportPeriod.ChinaStandardTime);
}

/// <summary>One village's fire points in a campaign.</summary>
public sealed record VillageFirePoints(string Village, string Name, int FirePoints);

/// <summary>A township's fire points: its villages', and those placed at the township itself (an alert of a gateway without a registered place).</summary>
public sealed record TownshipFirePoints(string Township, string Name, int FirePoints, int AtTownship, IReadOnlyList<VillageFirePoints> Villages);

/// <summary>
/// The body of GET /api/campaigns/{id}/fire-points: the distinct fire points (straw-burning problems opened by gateways'
/// alerts; alerts that joined an open one add none) in the campaign's period, per village and township.
/// </summary>
public sealed record CampaignFirePoints(Campaign Campaign, int FirePoints, IReadOnlyList<TownshipFirePoints> Townships);
