using System.Text.Json;
using GridEdge.Protocol.Records;

namespace GridEdge.Server.Grid;

// What the registry API and the seed file take. Every field is nullable so a missing one is reported by name, not thrown.

/// <summary>A grid as imported or posted: code, name; level and parent are optional (they follow from the code) but must agree with it.</summary>
public sealed record GridInput(string? Code, string? Name, int? Level = null, string? Parent = null, string? Gateway = null, JsonElement? Boundary = null, string? Chief = null);

/// <summary>A grid member (网格员) and the grid they patrol.</summary>
public sealed record MemberInput(string? Id, string? Name, string? Grid, string? Phone = null, bool? Active = null);

/// <summary>A key monitoring point (重点监控点位) of a grid; <see cref="Grid"/> comes from the URL when posted to a grid.</summary>
public sealed record KeyPointInput(string? Id, string? Name, string? Grid = null, double? Latitude = null, double? Longitude = null);

/// <summary>An enterprise of a grid's pollution-source inventory with its enterprise file (一企一档, a JSON object).</summary>
public sealed record EnterpriseInput(string? Id, string? Name, string? Class, string? Grid = null, JsonElement? File = null, double? Latitude = null, double? Longitude = null);

/// <summary>The bulk import (PUT /api/grids) and the seed file (Server:Grid:SeedFile): grids, members, key points, enterprises, applied as upserts in one transaction.</summary>
public sealed record GridDocument(
    IReadOnlyList<GridInput>? Grids = null,
    IReadOnlyList<MemberInput>? Members = null,
    IReadOnlyList<KeyPointInput>? KeyPoints = null,
    IReadOnlyList<EnterpriseInput>? Enterprises = null);

/// <summary>The registry's tables of things that belong to one grid.</summary>
public enum RegistryTable { Members, KeyPoints, Enterprises }

/// <summary>One thing wrong with a request: the field (JSON path), the value given and what was expected.</summary>
public sealed record FieldError(string Field, string? Value, string Expected);

/// <summary>A 400 answer naming every wrong field.</summary>
public sealed record GridRejected(string Error, string Field, IReadOnlyList<FieldError> Errors);

/// <summary>
/// The enterprise classes of the inventory, with their visit frequencies (004): national (国控) and province (省控) monthly,
/// city_county (市控、县控) every two months, other quarterly. Stored as these strings; national was added later, so a ledger
/// written before it holds only the other three, which keep their meaning.
/// </summary>
public static class EnterpriseClasses
{
    public const string National = "national";
    public const string Province = "province";
    public const string CityCounty = "city_county";
    public const string Other = "other";
    public static readonly IReadOnlyList<string> All = [National, Province, CityCounty, Other];

    /// <summary>The class a stored value stands for: an unknown value counts as other.</summary>
    public static string Normalize(string? stored) => stored is National or Province or CityCounty ? stored : Other;
}

/// <summary>A grid as stored.</summary>
public sealed record GridRecord(string Code, int Level, string Name, string? Parent, string? Gateway, string? Boundary, string? Chief);

/// <summary>A member as stored.</summary>
public sealed record MemberRecord(string Id, string Name, string Grid, string? Phone, bool Active);

/// <summary>A key point as stored.</summary>
public sealed record KeyPointRecord(string Id, string Grid, string Name, double? Latitude, double? Longitude);

/// <summary>An enterprise as stored; <see cref="File"/> is the enterprise file's JSON.</summary>
public sealed record EnterpriseRecord(string Id, string Grid, string Name, string Class, string File, double? Latitude, double? Longitude);

/// <summary>What an import changed: counts, and the gateways whose terminal directory may have changed.</summary>
public sealed record ImportResult(int Grids, int Members, int KeyPoints, int Enterprises, IReadOnlyList<string> Gateways);

/// <summary>One page of a listing; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
