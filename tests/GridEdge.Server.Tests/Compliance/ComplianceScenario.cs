using GridEdge.Server.Tests.Problems;
using static GridEdge.Server.Tests.Problems.GridRows;

namespace GridEdge.Server.Tests.Compliance;

/// <summary>
/// A generated period for a city with two counties, two townships and three villages, reported for 2026-W49: the natural week
/// Monday 2026-11-30 00:00 to Monday 2026-12-07 00:00 +08:00, due Wednesday 2026-12-09 12:00. Key points are judged over
/// December (the calendar month of the week's last day) up to Dec 7; enterprise windows end Dec 7 00:00 and open Nov 7 (national,
/// province), Oct 7 (city/county), Sep 7 (other). The expected figures are worked out in the comments and asserted as literals.
/// </summary>
public static class ComplianceScenario
{
    public const string City = "370100000000", CountyA = "370102000000", CountyC = "370103000000";
    public const string TownshipA = "370102001000", TownshipC = "370103001000";
    public const string A = "370102001001", B = "370102001002", C = "370103001001";
    public const string NameC = "丙村, \"东\"片"; // a comma and quotes: the CSV must quote it
    public const string Week = "2026-W49";

    /// <summary>Writes the scenario; returns the record ids of the patrols by their name in the comments.</summary>
    public static Dictionary<string, string> Seed(GridRows rows)
    {
        var p = new Dictionary<string, string>();
        rows.Grid(City, 1, "济南市", null);
        rows.Grid(CountyA, 2, "历下区", City);
        rows.Grid(CountyC, 2, "市中区", City);
        rows.Grid(TownshipA, 3, "解放路街道", CountyA);
        rows.Grid(TownshipC, 3, "大观园街道", CountyC);
        rows.Grid(A, 4, "甲村", TownshipA);
        rows.Grid(B, 4, "乙社区", TownshipA);
        rows.Grid(C, 4, NameC, TownshipC);
        // B's boundary is a square around 36.0, 117.0: the helper's track point 36.6, 117.0 lies outside it.
        rows.Execute("UPDATE grids SET boundary = $1 WHERE code = $2;",
            """{"type":"Polygon","coordinates":[[[116.9,35.9],[117.1,35.9],[117.1,36.1],[116.9,36.1],[116.9,35.9]]]}""", B);
        // Members: A a1, a2; B b1; township A its own member t1; C c1 (c2 inactive).
        rows.Member("a1", A); rows.Member("a2", A); rows.Member("b1", B); rows.Member("t1", TownshipA); rows.Member("c1", C); rows.Member("c2", C, active: false);

        // A, key points A1 and A2; enterprises N1 national (no position), N2 national at 37.0, 117.0 (44 km from the track),
        // P1 province, E1 city/county, O1 other at 36.6, 117.0 with a problem reported there on Nov 20.
        rows.KeyPoint("A1", A); rows.KeyPoint("A2", A);
        rows.Enterprise("N1", A, "national"); rows.Enterprise("N2", A, "national", 37.0, 117.0); rows.Enterprise("P1", A, "province");
        rows.Enterprise("E1", A, "city_county"); rows.Enterprise("O1", A, "other", 36.6, 117.0);
        rows.Problem(A, Cn(2026, 11, 20));

        // a1: Sunday Nov 29 23:59 (W48), Monday Nov 30 00:00 (first instant of W49, visits A2 in November), Dec 1 09:00 (A1; N2, too
        //     far: not counted as a visit), Sunday Dec 6 23:59 (last minute of W49, A1; received Dec 10 after the due time: late),
        //     Monday Dec 7 00:00 (W50).
        rows.Patrol(A, "a1", Cn(2026, 11, 29, 23, 59));
        p["mon"] = "p" + rows.Patrol(A, "a1", Cn(2026, 11, 30, 0, 0), (0, "A2"));
        p["dec1"] = "p" + rows.Patrol(A, "a1", Cn(2026, 12, 1, 9, 0), (0, "A1"), (1, "N2"));
        p["sun"] = "p" + rows.Patrol(A, "a1", Cn(2026, 12, 6, 23, 59), 60, true, 1, Cn(2026, 12, 10, 9, 0), (0, "A1"));
        rows.Patrol(A, "a1", Cn(2026, 12, 7, 0, 0));
        // a2: Dec 2 without track or duration (not counted, two reasons); Dec 3 with an unsynchronised clock (not counted);
        //     Dec 4 without a track but with a check-in inside the geofence during it (counts).
        p["empty"] = "p" + rows.Patrol(A, "a2", Cn(2026, 12, 2, 10, 0), 0, false, 1, null);
        p["unsync"] = "p" + rows.Patrol(A, "a2", Cn(2026, 12, 3, 10, 0), 60, true, 0, null);
        p["checkin"] = "p" + rows.Patrol(A, "a2", Cn(2026, 12, 4, 10, 0), 60, false, 1, null);
        rows.CheckIn(A, "a2", Cn(2026, 12, 4, 10, 30));
        // Enterprise visits before the period by a2: N1 Nov 10 (in its window), P1 Oct 20 (before Nov 7: overdue),
        //     E1 Oct 10 (in the window from Oct 7; due again by Dec 10, before the next week ends), O1 Oct 1 (in the normal window
        //     from Sep 7, but the problem beside O1 halves it to 45.5 days, from Oct 22 12:00: overdue).
        rows.Patrol(A, "a2", Cn(2026, 11, 10), (1, "N1"));
        rows.Patrol(A, "a2", Cn(2026, 10, 20), (1, "P1"));
        rows.Patrol(A, "a2", Cn(2026, 10, 10), (1, "E1"));
        rows.Patrol(A, "a2", Cn(2026, 10, 1), (1, "O1"));
        // A in W49: recorded 6 (mon, dec1, sun, empty, unsync, checkin), counted 4; check-ins 1; active a1, a2; late 1;
        //     key points 2: A1 covered (Dec 1, Dec 6), A2 not this month (Nov 30 is November); national 2/1, province 1/0,
        //     city/county 1/1, other 1/0; problems reported 0, open 1.

        // B: b1 on Dec 2 for 10 minutes (too short) and Dec 3 for an hour with the track outside B's boundary.
        p["short"] = "p" + rows.Patrol(B, "b1", Cn(2026, 12, 2, 9, 0), 10, true, 1, null);
        p["outside"] = "p" + rows.Patrol(B, "b1", Cn(2026, 12, 3, 9, 0), 60, true, 1, null);
        // B: recorded 2, counted 0, not met; active b1.

        // Township A's own: t1 patrols Dec 5, visiting the township's key point T1 once.
        rows.KeyPoint("T1", TownshipA);
        rows.Patrol(TownshipA, "t1", Cn(2026, 12, 5, 14, 0), (0, "T1"));
        // C: c1 on Dec 2.
        rows.Patrol(C, "c1", Cn(2026, 12, 2, 9, 0));
        return p;
    }
}
