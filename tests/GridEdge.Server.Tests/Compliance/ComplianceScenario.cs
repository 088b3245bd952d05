using GridEdge.Server.Tests.Problems;
using static GridEdge.Server.Tests.Problems.GridRows;

namespace GridEdge.Server.Tests.Compliance;

/// <summary>
/// A generated month of patrols, check-ins, visits and problems for three village grids, reported for 2026-W48:
/// cut-off Wednesday 2026-11-25 12:00 +08:00, period from 2026-11-18 12:00 +08:00; key points counted from 2026-11-01;
/// enterprise windows from 2026-10-25 12:00 (province), 2026-09-25 12:00 (city/county), 2026-08-25 12:00 (other).
/// The expected figures are worked out in the comments and asserted as literals by the tests.
/// </summary>
public static class ComplianceScenario
{
    public const string City = "370100000000", CountyA = "370102000000", CountyC = "370103000000";
    public const string TownshipA = "370102001000", TownshipC = "370103001000";
    public const string A = "370102001001", B = "370102001002", C = "370103001001";
    public const string NameC = "丙村, \"东\"片"; // a comma and quotes: the CSV must quote it
    public const string Week = "2026-W48";

    /// <summary>Writes the scenario; returns the ids of the problems by their name in the comments.</summary>
    public static Dictionary<string, long> Seed(GridRows rows)
    {
        var Problems = new Dictionary<string, long>();
        rows.Grid(City, 1, "济南市", null);
        rows.Grid(CountyA, 2, "历下区", City);
        rows.Grid(CountyC, 2, "市中区", City);
        rows.Grid(TownshipA, 3, "解放路街道", CountyA);
        rows.Grid(TownshipC, 3, "大观园街道", CountyC);
        rows.Grid(A, 4, "甲村", TownshipA);
        rows.Grid(B, 4, "乙社区", TownshipA);
        rows.Grid(C, 4, NameC, TownshipC);
        // Members: A has a1, a2; B has b1, b2; C has c1 and c2 (c2 inactive, not counted) -> members A 2, B 2, C 1.
        rows.Member("a1", A); rows.Member("a2", A); rows.Member("b1", B); rows.Member("b2", B); rows.Member("c1", C); rows.Member("c2", C, active: false);

        // A: a1 patrols weekly on Nov 2, 9, 16, 23 at 09:00 and once more on Wednesday Nov 25 at 11:59 (before the cut-off).
        //    In the period [Nov 18 12:00, Nov 25 12:00): Nov 23 and Nov 25 11:59 -> patrols 2.
        // Key points of A: A1 visited by the Nov 2 and Nov 9 patrols -> covered (2);
        //    A2 visited twice within the Nov 16 patrol -> one distinct patrol -> once;
        //    A3 visited Oct 25 11:00 (before the window, which opens a month before the cut-off: Oct 25 12:00) and Nov 25 11:59 -> once.   A: key points 3, covered 1, once 2.
        rows.KeyPoint("A1", A); rows.KeyPoint("A2", A); rows.KeyPoint("A3", A);
        foreach (var day in new[] { 2, 9, 16, 23 })
            rows.Patrol(A, "a1", Cn(2026, 11, day), day switch { 2 or 9 => [(0, "A1")], 16 => [(0, "A2"), (0, "A2")], _ => [] });
        rows.Patrol(A, "a1", Cn(2026, 11, 25, 11, 59), (0, "A3"));
        rows.Patrol(A, "a1", Cn(2026, 10, 25, 11), (0, "A3"));
        // Check-ins of a1 every day of November at 10:00: in the period Nov 19..25 (Nov 18 10:00 is before the period start) -> 7.
        for (var day = 1; day <= 30; day++) rows.CheckIn(A, "a1", Cn(2026, 11, day, 10));
        // A's active members: a1 only (a2 did nothing) -> 1.

        // A's enterprises: province P1 visited Oct 26 (window from Oct 25 12:00) -> visited; province P2 visited Oct 25 11:00 -> not;
        //    city/county E1 visited Sep 26 -> visited; other O1 visited Aug 26 -> visited; other O2 never -> not.
        //    A: province 2/1 visited, city_county 1/1, other 2/1.
        rows.Enterprise("P1", A, "province"); rows.Enterprise("P2", A, "province"); rows.Enterprise("E1", A, "city_county");
        rows.Enterprise("O1", A, "other"); rows.Enterprise("O2", A, "other");
        rows.Patrol(A, "a2", Cn(2026, 10, 26), (1, "P1"));
        rows.Patrol(A, "a2", Cn(2026, 10, 25, 11), (1, "P2"));
        rows.Patrol(A, "a2", Cn(2026, 9, 26), (1, "E1"));
        rows.Patrol(A, "a2", Cn(2026, 8, 26), (1, "O1"));

        // B: patrols by b2 at Nov 18 11:59 (previous week), Nov 18 12:00 (first instant of the period: counts) and
        //    Nov 25 12:00 (the cut-off itself: next week) -> patrols 1. Key point B1 visited Nov 18 11:59 and 12:00 -> covered;
        //    the visit at Nov 25 12:00 is after the cut-off. B: key points 1, covered 1, once 0.
        // Enterprises of B: province P3 visited only at Nov 25 12:00 (after the cut-off) -> not; other O3 visited Nov 18 12:00 -> visited.
        //    B: province 1/0, city_county 0/0, other 1/1.
        rows.KeyPoint("B1", B);
        rows.Enterprise("P3", B, "province"); rows.Enterprise("O3", B, "other");
        rows.Patrol(B, "b2", Cn(2026, 11, 18, 11, 59), (0, "B1"));
        rows.Patrol(B, "b2", Cn(2026, 11, 18, 12, 0), (0, "B1"), (1, "O3"));
        rows.Patrol(B, "b2", Cn(2026, 11, 25, 12, 0), (0, "B1"), (1, "P3"));
        // b1 checks in at Nov 18 12:00 (counts) and Nov 25 12:00 (does not) -> check-ins 1; active members b1 and b2 -> 2.
        rows.CheckIn(B, "b1", Cn(2026, 11, 18, 12, 0));
        rows.CheckIn(B, "b1", Cn(2026, 11, 25, 12, 0));

        // C: patrols Nov 5 and Nov 12 only, both visiting key point C1 -> patrols 0 (not met), key points 1 covered 1. No enterprises.
        rows.KeyPoint("C1", C);
        rows.Patrol(C, "c1", Cn(2026, 11, 5), (0, "C1"));
        rows.Patrol(C, "c1", Cn(2026, 11, 12), (0, "C1"));

        // Problems of A:
        //   pA1 reported Nov 20, untouched -> reported in period, open.
        //   pA2 reported Nov 10, assigned Nov 11 with deadline Nov 20 -> open, overdue at the cut-off.
        //   pA3 reported Nov 10, assigned, rectified, verified, closed Nov 19 -> closed in the period.
        //   pA4 reported Nov 1, deadline Nov 2, rectified Nov 3 -> open (not struck off), not overdue (rectified).
        //   pA5 reported Nov 25 12:00 -> after the cut-off: not in this week at all.
        //   pA6 reported Nov 10, closed Nov 12 -> closed before the period: neither open nor closed in the period.
        //   A: reported 1, open 3 (pA1, pA2, pA4), overdue 1 (pA2), closed 1 (pA3).
        Problems["pA1"] = rows.Problem(A, Cn(2026, 11, 20));
        var p = Problems["pA2"] = rows.Problem(A, Cn(2026, 11, 10), state: "assigned", assignee: "a1", deadline: Cn(2026, 11, 20, 18, 0));
        rows.Event(p, 1, "assign", "reported", "assigned", Cn(2026, 11, 11));
        p = Problems["pA3"] = rows.Problem(A, Cn(2026, 11, 10), state: "closed", assignee: "a1", deadline: Cn(2026, 11, 15));
        rows.Event(p, 1, "assign", "reported", "assigned", Cn(2026, 11, 11));
        rows.Event(p, 2, "rectify", "assigned", "rectified", Cn(2026, 11, 14));
        rows.Event(p, 3, "verify", "rectified", "verified", Cn(2026, 11, 16));
        rows.Event(p, 4, "close", "verified", "closed", Cn(2026, 11, 19));
        p = Problems["pA4"] = rows.Problem(A, Cn(2026, 11, 1), state: "rectified", assignee: "a1", deadline: Cn(2026, 11, 2));
        rows.Event(p, 1, "assign", "reported", "assigned", Cn(2026, 11, 1, 10));
        rows.Event(p, 2, "rectify", "assigned", "rectified", Cn(2026, 11, 3));
        Problems["pA5"] = rows.Problem(A, Cn(2026, 11, 25, 12, 0));
        p = Problems["pA6"] = rows.Problem(A, Cn(2026, 11, 10), state: "closed");
        rows.Event(p, 1, "rectify", "reported", "rectified", Cn(2026, 11, 10, 11));
        rows.Event(p, 2, "verify", "rectified", "verified", Cn(2026, 11, 11));
        rows.Event(p, 3, "close", "verified", "closed", Cn(2026, 11, 12));
        // Problems of B:
        //   pB1 reported Nov 18 12:00 (in the period), assigned Nov 19 with deadline Nov 25 11:00, rectified only Nov 25 13:00
        //       -> at the cut-off it was assigned and past its deadline: overdue (although it is not overdue now).
        //   pB2 reported Nov 18 11:59 (previous week), planned Nov 20 with deadline exactly Nov 25 12:00 -> open, not overdue.
        //   B: reported 1, open 2, overdue 1, closed 0.
        p = Problems["pB1"] = rows.Problem(B, Cn(2026, 11, 18, 12, 0), state: "rectified", assignee: "b1", deadline: Cn(2026, 11, 25, 11, 0));
        rows.Event(p, 1, "assign", "reported", "assigned", Cn(2026, 11, 19));
        rows.Event(p, 2, "rectify", "assigned", "rectified", Cn(2026, 11, 25, 13, 0));
        p = Problems["pB2"] = rows.Problem(B, Cn(2026, 11, 18, 11, 59), state: "planned", assignee: "b1", plan: "{}", deadline: Cn(2026, 11, 25, 12, 0));
        rows.Event(p, 1, "assign", "reported", "assigned", Cn(2026, 11, 19));
        rows.Event(p, 2, "plan", "assigned", "planned", Cn(2026, 11, 20));
        return Problems;
    }

    /// <summary>The expected per-grid figures (columns as in the report), from the comments above.</summary>
    public static readonly Dictionary<string, int[]> Expected = new()
    {
        //                 members active checkins patrols met kp cov once | prov  pv | cc ccv | oth ov | rep open over closed
        [A] = [2, 1, 7, 2, 1, 3, 1, 2, 2, 1, 1, 1, 2, 1, 1, 3, 1, 1],
        [B] = [2, 2, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 2, 1, 0],
        [C] = [1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    };

    /// <summary>The numeric columns of the report, in <see cref="Expected"/>'s order.</summary>
    public static readonly string[] NumericColumns =
    [
        "members", "active_members", "checkins", "patrols", "patrol_met", "key_points", "key_points_covered", "key_points_once",
        "province_enterprises", "province_visited", "city_county_enterprises", "city_county_visited", "other_enterprises", "other_visited",
        "problems_reported", "problems_open", "problems_overdue", "problems_closed",
    ];
}
