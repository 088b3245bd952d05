using System.Data.Common;
using System.Globalization;
using GridEdge.Protocol.Records;
using GridEdge.Server.Grid;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Alarms;

/// <summary>The campaign periods of the counties (<c>campaigns</c>) and the fire points counted in them.</summary>
public sealed class CampaignRegister(LedgerDatabase database)
{
    private const string Columns = "id, kind, county, name, from_date, to_date, updated_at";

    /// <summary>Adds or replaces a campaign.</summary>
    public Task SaveAsync(Campaign c, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, t) => ExecuteAsync(connection, t, """
            INSERT INTO campaigns (id, kind, county, name, from_date, to_date, starts_at, ends_at, updated_at)
            VALUES (@id, @kind, @county, @name, @from, @to, @starts, @ends, @at)
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, county = excluded.county, name = excluded.name, from_date = excluded.from_date,
                to_date = excluded.to_date, starts_at = excluded.starts_at, ends_at = excluded.ends_at, updated_at = excluded.updated_at;
            """, cancellationToken, ("@id", c.Id), ("@kind", c.Kind), ("@county", c.County), ("@name", c.Name), ("@from", Day(c.From)), ("@to", Day(c.To)),
            ("@starts", c.StartsAt.ToUnixTimeMilliseconds()), ("@ends", c.EndsAt.ToUnixTimeMilliseconds()), ("@at", c.UpdatedAt.ToUnixTimeMilliseconds())),
            cancellationToken);

    /// <summary>One campaign, or null.</summary>
    public async Task<Campaign?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await database.ReadAsync(c => Sql.ListAsync(c, null, $"SELECT {Columns} FROM campaigns WHERE id = @id;", Read, cancellationToken, ("@id", id)), cancellationToken))
        .FirstOrDefault();

    /// <summary>Every campaign, newest period first, optionally of one kind.</summary>
    public async Task<IReadOnlyList<Campaign>> ListAsync(string? kind, CancellationToken cancellationToken = default) =>
        await database.ReadAsync(c => Sql.ListAsync(c, null,
            $"SELECT {Columns} FROM campaigns {(kind is null ? "" : "WHERE kind = @kind")} ORDER BY starts_at DESC, id;", Read, cancellationToken, ("@kind", kind)),
            cancellationToken);

    /// <summary>Whether a straw-burning ban is in force in the county of <paramref name="grid"/> at <paramref name="at"/>, read in the alert ingest's transaction.</summary>
    public static async Task<bool> BanInForceAsync(DbConnection connection, DbTransaction transaction, string grid, DateTimeOffset at, CancellationToken cancellationToken) =>
        GridLevels.Of(grid) >= GridLevels.County &&
        await ScalarAsync(connection, transaction, $"""
            SELECT 1 FROM campaigns WHERE kind = '{CampaignKinds.StrawBurningBan}' AND county = @county AND starts_at <= @at AND ends_at > @at LIMIT 1;
            """, cancellationToken, ("@county", grid[..6] + "000000"), ("@at", at.ToUnixTimeMilliseconds())) is not null;

    /// <summary>
    /// The fire points of straw-burning problems opened by alerts in [<paramref name="from"/>, <paramref name="to"/>) under the
    /// grid prefix <paramref name="prefix"/>, by the grid they were placed in (a village, or a township).
    /// </summary>
    public static Task<List<(string Grid, int Count)>> FirePointsAsync(DbConnection connection, string prefix, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken) =>
        Sql.ListAsync(connection, null, $"""
            SELECT grid, COUNT(*) FROM problems
            WHERE source = '{ProblemLedger.AlertSource}' AND category = @category AND reported_at >= @from AND reported_at < @to AND grid >= @lo AND grid < @hi
            GROUP BY grid;
            """, r => (r.GetString(0), r.GetInt32(1)), cancellationToken, ("@category", (int)ProblemCategory.StrawBurning),
            ("@from", from.ToUnixTimeMilliseconds()), ("@to", to.ToUnixTimeMilliseconds()), ("@lo", prefix), ("@hi", prefix + ":"));

    /// <summary>A campaign's fire points per village and township of its county (<paramref name="visible"/> keeps the grids the caller sees).</summary>
    public Task<CampaignFirePoints> FirePointsAsync(Campaign campaign, Func<string, bool> visible, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async connection =>
        {
            var prefix = campaign.County[..6];
            var counts = (await FirePointsAsync(connection, prefix, campaign.StartsAt, campaign.EndsAt, cancellationToken)).ToDictionary(c => c.Grid, c => c.Count);
            var grids = await Sql.ListAsync(connection, null, "SELECT code, name, level FROM grids WHERE level IN (3, 4) AND code >= @lo AND code < @hi ORDER BY code;",
                r => (Code: r.GetString(0), Name: r.GetString(1), Level: r.GetInt32(2)), cancellationToken, ("@lo", prefix), ("@hi", prefix + ":"));
            var townships = new List<TownshipFirePoints>();
            foreach (var town in grids.Where(g => g.Level == GridLevels.Township))
            {
                var villages = grids.Where(g => g.Level == GridLevels.Village && GridLevels.TownshipOf(g.Code) == town.Code && visible(g.Code))
                    .Select(v => new VillageFirePoints(v.Code, v.Name, counts.GetValueOrDefault(v.Code))).ToList();
                var atTownship = visible(town.Code) ? counts.GetValueOrDefault(town.Code) : 0;
                if (villages.Count == 0 && !visible(town.Code)) continue;
                townships.Add(new TownshipFirePoints(town.Code, town.Name, villages.Sum(v => v.FirePoints) + atTownship, atTownship, villages));
            }
            return new CampaignFirePoints(campaign, townships.Sum(t => t.FirePoints), townships);
        }, cancellationToken);

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Campaign Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), Str(r, 3),
        DateOnly.ParseExact(r.GetString(4), "yyyy-MM-dd", CultureInfo.InvariantCulture), DateOnly.ParseExact(r.GetString(5), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        Ms(r.GetInt64(6)));
}
