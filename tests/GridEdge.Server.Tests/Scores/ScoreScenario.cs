using GridEdge.Server.Tests.Problems;
using static GridEdge.Server.Tests.Problems.GridRows;

namespace GridEdge.Server.Tests.Scores;

/// <summary>
/// A township T with villages V1 (drawn: a boundary around the patrols' track point 36.6, 117.0) and V2 (no boundary: uncoded),
/// scored for 2026-Q3 (July 1 to October 1 China time). The weeks of the quarter that lie wholly inside it: Monday July 6 to
/// Monday September 28, twelve. Every record a rule counts or must not count is written here, with the expected score worked
/// out in the comments of <see cref="ScoreTests"/> under <see cref="Sheet"/>.
/// </summary>
public static class ScoreScenario
{
    public const string County = "370102000000", T = "370102001000", V1 = "370102001001", V2 = "370102001002";
    public const string Quarter = "2026-Q3";

    /// <summary>A sheet using every rule kind once (levels township and village, 50 points, a 5-point bonus).</summary>
    public const string Sheet = """
        {
          "id": "test-all", "name": "测试细则", "source": "the test", "levels": [3, 4], "maxPoints": 50,
          "items": [
            { "id": "patrol", "name": "巡查", "max": 20, "bonus": false, "rules": [ { "kind": "patrol-week-missed", "points": -0.5 } ] },
            { "id": "cases", "name": "处置", "max": 10, "bonus": false, "rules": [ { "kind": "late-case", "points": -1 }, { "kind": "joint-enforcement", "points": -2 } ] },
            { "id": "complaints", "name": "信访", "max": 5, "bonus": false, "rules": [ { "kind": "missed-complaint", "points": -1 } ] },
            { "id": "fire", "name": "禁烧", "max": 5, "bonus": false, "rules": [ { "kind": "fire-point", "points": -1 } ] },
            { "id": "grid", "name": "编码", "max": 5, "bonus": false, "rules": [ { "kind": "uncoded-grid", "points": -1 } ] },
            { "id": "meetings", "name": "联席会议", "max": 5, "bonus": false,
              "rules": [ { "kind": "register", "register": "meeting", "perYear": 2, "points": -2.5, "own": true } ] },
            { "id": "bonus", "name": "加分", "max": 5, "bonus": true,
              "rules": [ { "kind": "platform-use", "points": 4 }, { "kind": "register", "register": "training", "points": 1, "once": true } ] }
          ]
        }
        """;

    public sealed record Ids(long LateFinished, long OpenPastDeadline, long OnTime, long Transferred, long Accepted, long FireInBan, long FireAfterBan, long Missed,
        long MissedBefore, long Meeting, long Training);

    public static Ids Seed(GridRows rows)
    {
        rows.Grid("370100000000", 1, "济南市", null);
        rows.Grid(County, 2, "历下区", "370100000000");
        rows.Grid(T, 3, "甲镇", County);
        rows.Grid(V1, 4, "甲村", T);
        rows.Grid(V2, 4, "乙村", T);
        rows.Execute("UPDATE grids SET boundary = $1 WHERE code = $2;",
            """{"type":"Polygon","coordinates":[[[116.9,36.5],[117.1,36.5],[117.1,36.7],[116.9,36.7],[116.9,36.5]]]}""", V1);

        // Patrols on the Tuesday of each of the 12 weeks: V2 every week; V1 not in the weeks of Aug 3 and Aug 10, and in the week of
        // Aug 17 only without track or duration (recorded, not counted). V1 misses 3 weeks and sends data in 10 of 12; V2 in all.
        var monday = new DateOnly(2026, 7, 6);
        for (var w = 0; w < 12; w++)
        {
            var tuesday = monday.AddDays(7 * w + 1);
            var at = Cn(tuesday.Year, tuesday.Month, tuesday.Day, 10);
            rows.Patrol(V2, "m2", at);
            if (w is 4 or 5) continue;
            if (w == 6) rows.Patrol(V1, "m1", at, 0, false, 1, null);
            else rows.Patrol(V1, "m1", at);
        }
        // A patrol in the part-week before the first whole week (Wednesday July 1) counts for no week.
        rows.Patrol(V1, "m1", Cn(2026, 7, 1, 10));

        // Deadlines in the quarter: V1 finished 2 days late (counts), V2 still open past its deadline (counts), V1 on time (does not).
        var lateFinished = rows.Problem(V1, Cn(2026, 7, 10), "closed", Cn(2026, 7, 20));
        rows.Execute("UPDATE problems SET finished_at = $1, finish_deadline = $2, late_ms = $3 WHERE id = $4;",
            Cn(2026, 7, 22).ToUnixTimeMilliseconds(), Cn(2026, 7, 20).ToUnixTimeMilliseconds(), 2 * 86_400_000L, lateFinished);
        var open = rows.Problem(V2, Cn(2026, 8, 1), "assigned", Cn(2026, 8, 15));
        var onTime = rows.Problem(V1, Cn(2026, 7, 12), "closed", Cn(2026, 7, 25));
        rows.Execute("UPDATE problems SET finished_at = $1, finish_deadline = $2, late_ms = 0 WHERE id = $3;",
            Cn(2026, 7, 24).ToUnixTimeMilliseconds(), Cn(2026, 7, 25).ToUnixTimeMilliseconds(), onTime);

        // Transfers (移交移送) in the quarter: V1's not accepted by the department (counts), V2's accepted (does not).
        var transferred = rows.Problem(V1, Cn(2026, 8, 20), "transferred");
        rows.Event(transferred, 1, "transfer", "reported", "transferred", Cn(2026, 8, 21));
        var accepted = rows.Problem(V2, Cn(2026, 8, 20), "transferred");
        rows.Event(accepted, 1, "transfer", "reported", "transferred", Cn(2026, 8, 21));
        rows.Execute("UPDATE problems SET accepted_at = $1 WHERE id = $2;", Cn(2026, 8, 22).ToUnixTimeMilliseconds(), accepted);

        // A straw-burning ban of the county July 1-31: an alert's straw-burning problem in V2 on July 15 (a fire point), another on August 15 (after the ban).
        rows.Execute("""
            INSERT INTO campaigns (id, kind, county, name, from_date, to_date, starts_at, ends_at, updated_at)
            VALUES ('ban', 'straw_burning_ban', $1, '夏季禁烧', '2026-07-01', '2026-07-31', $2, $3, $2);
            """, County, Cn(2026, 7, 1, 0).ToUnixTimeMilliseconds(), Cn(2026, 8, 1, 0).ToUnixTimeMilliseconds());
        var fireInBan = rows.Problem(V2, Cn(2026, 7, 15));
        var fireAfterBan = rows.Problem(V2, Cn(2026, 8, 15));
        rows.Execute("UPDATE problems SET source = 'alert', category = 0 WHERE id IN ($1, $2);", fireInBan, fireAfterBan);

        // Complaints in V1, nobody ever arrived (no check-in there): July 10 (in the quarter: missed), June 20 (before it).
        var missed = Complaint(rows, V1, Cn(2026, 7, 10));
        var before = Complaint(rows, V1, Cn(2026, 6, 20));

        // Registers: the township's joint meeting on August 20 (its own: 1 held of ceil(2 x 92/365) = 1 due); training in V1 on July 30.
        var meeting = Register(rows, "meeting", T, new DateOnly(2026, 8, 20));
        var training = Register(rows, "training", V1, new DateOnly(2026, 7, 30));
        return new Ids(lateFinished, open, onTime, transferred, accepted, fireInBan, fireAfterBan, missed, before, meeting, training);
    }

    private static long Complaint(GridRows rows, string grid, DateTimeOffset at) => (long)rows.Scalar("""
        INSERT INTO complaints (received_at, channel, category, description, grid, received_by, created_at)
        VALUES ($1, 'phone', 1, '扬尘', $2, 'admin', $1) RETURNING id;
        """, at.ToUnixTimeMilliseconds(), grid)!;

    private static long Register(GridRows rows, string kind, string grid, DateOnly date) => (long)rows.Scalar("""
        INSERT INTO score_registers (kind, grid, date, at, attendees, minutes, photo_sha256, by, recorded_at)
        VALUES ($1, $2, $3, $4, '["王"]', '纪要', NULL, 'admin', $4) RETURNING id;
        """, kind, grid, date.ToString("yyyy-MM-dd"), Cn(date.Year, date.Month, date.Day, 0).ToUnixTimeMilliseconds())!;
}
