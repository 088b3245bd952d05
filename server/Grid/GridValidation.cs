using System.Text.Json;
using GridEdge.Protocol.Wire;

namespace GridEdge.Server.Grid;

/// <summary>
/// The checks of everything the registry takes, naming every wrong field by its JSON path. <see cref="Check"/> looks at a
/// document alone; references (parents, members' grids) are checked against the registry by <see cref="IGridRegistryStore.ImportAsync"/>.
/// </summary>
public static class GridValidation
{
    public const int MaxNameLength = 100;
    public const int MaxFileLength = 256 * 1024;
    public const int MaxErrors = 100;

    public static List<FieldError> Check(GridDocument document)
    {
        var errors = new List<FieldError>();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (document.Grids?.Count ?? 0) && errors.Count < MaxErrors; i++)
            CheckGrid(document.Grids![i], $"grids[{i}]", errors, codes);
        var members = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (document.Members?.Count ?? 0) && errors.Count < MaxErrors; i++)
            CheckMember(document.Members![i], $"members[{i}]", errors, members);
        var points = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (document.KeyPoints?.Count ?? 0) && errors.Count < MaxErrors; i++)
            CheckKeyPoint(document.KeyPoints![i], $"keyPoints[{i}]", errors, points);
        var enterprises = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (document.Enterprises?.Count ?? 0) && errors.Count < MaxErrors; i++)
            CheckEnterprise(document.Enterprises![i], $"enterprises[{i}]", errors, enterprises);
        return errors;
    }

    public static void CheckGrid(GridInput? g, string at, List<FieldError> errors, HashSet<string>? seen = null)
    {
        if (g is null) { errors.Add(new($"{at}", null, "a grid object")); return; }
        if (!GridLevels.IsValid(g.Code)) { errors.Add(new($"{at}.code", g.Code, GridCodes.Rule + " (6 county + 3 township + 3 village digits, not all zero)")); }
        else
        {
            if (seen is not null && !seen.Add(g.Code!)) errors.Add(new($"{at}.code", g.Code, "a code not already listed in this document"));
            var level = GridLevels.Of(g.Code!);
            if (g.Level is { } given && given != level)
                errors.Add(new($"{at}.level", given.ToString(), $"{level} ({GridLevels.Name(level)}): the level follows from the code"));
            var parent = GridLevels.Parent(g.Code!);
            if (g.Parent is not null && g.Parent != parent)
                errors.Add(new($"{at}.parent", g.Parent, parent is null ? "none: a city grid has no parent" : $"'{parent}': the parent follows from the code"));
            if (g.Gateway is not null)
            {
                if (level != GridLevels.Township)
                    errors.Add(new($"{at}.gateway", g.Gateway, $"no gateway on a {GridLevels.Name(level)} grid: a township grid names its gateway, villages use their township's"));
                else if (!GatewayIds.IsValid(g.Gateway)) errors.Add(new($"{at}.gateway", g.Gateway, GatewayIds.Rule));
            }
        }
        Name(g.Name, $"{at}.name", errors);
        if (g.Chief is not null && (string.IsNullOrWhiteSpace(g.Chief) || g.Chief.Length > MaxNameLength))
            errors.Add(new($"{at}.chief", g.Chief, $"the grid chief: 1-{MaxNameLength} characters"));
        if (g.Boundary is { ValueKind: not JsonValueKind.Null } boundary)
            foreach (var problem in GeoJsonBoundary.Check(boundary, $"{at}.boundary"))
                errors.Add(new(problem.Split(": ", 2)[0], Truncate(boundary.GetRawText()), problem.Split(": ", 2)[^1] + "; expected " + GeoJsonBoundary.Rule));
    }

    public static void CheckMember(MemberInput? m, string at, List<FieldError> errors, HashSet<string>? seen = null)
    {
        if (m is null) { errors.Add(new(at, null, "a member object")); return; }
        Id(m.Id, $"{at}.id", errors, seen);
        Name(m.Name, $"{at}.name", errors);
        if (!GridLevels.IsValid(m.Grid)) errors.Add(new($"{at}.grid", m.Grid, "the code of the grid the member patrols (" + GridCodes.Rule + ")"));
        if (m.Phone is not null && (m.Phone.Length is < 1 or > 32)) errors.Add(new($"{at}.phone", m.Phone, "1-32 characters"));
    }

    public static void CheckKeyPoint(KeyPointInput? k, string at, List<FieldError> errors, HashSet<string>? seen = null)
    {
        if (k is null) { errors.Add(new(at, null, "a key point object")); return; }
        Id(k.Id, $"{at}.id", errors, seen);
        Name(k.Name, $"{at}.name", errors);
        if (!GridLevels.IsValid(k.Grid)) errors.Add(new($"{at}.grid", k.Grid, GridCodes.Rule));
        Position(k.Latitude, k.Longitude, at, errors);
    }

    public static void CheckEnterprise(EnterpriseInput? e, string at, List<FieldError> errors, HashSet<string>? seen = null)
    {
        if (e is null) { errors.Add(new(at, null, "an enterprise object")); return; }
        Id(e.Id, $"{at}.id", errors, seen);
        Name(e.Name, $"{at}.name", errors);
        if (!GridLevels.IsValid(e.Grid)) errors.Add(new($"{at}.grid", e.Grid, GridCodes.Rule));
        if (e.Class is null || !EnterpriseClasses.All.Contains(e.Class))
            errors.Add(new($"{at}.class", e.Class, string.Join(", ", EnterpriseClasses.All) + " (national 国控, province 省控, city_county 市控/县控, other dischargers)"));
        if (e.File is { } file && file.ValueKind != JsonValueKind.Null)
        {
            if (file.ValueKind != JsonValueKind.Object) errors.Add(new($"{at}.file", Truncate(file.GetRawText()), "the enterprise file as a JSON object"));
            else if (file.GetRawText().Length > MaxFileLength) errors.Add(new($"{at}.file", $"{file.GetRawText().Length} characters", $"at most {MaxFileLength} characters"));
        }
        Position(e.Latitude, e.Longitude, at, errors);
    }

    public static void Id(string? id, string field, List<FieldError> errors, HashSet<string>? seen = null)
    {
        if (!TerminalIds.IsValid(id)) errors.Add(new(field, id, TerminalIds.Rule));
        else if (seen is not null && !seen.Add(id!)) errors.Add(new(field, id, "an id not already listed in this document"));
    }

    private static void Name(string? name, string field, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength) errors.Add(new(field, name, $"a name of 1-{MaxNameLength} characters"));
    }

    private static void Position(double? latitude, double? longitude, string at, List<FieldError> errors)
    {
        if (latitude is null != longitude is null)
            errors.Add(new(latitude is null ? $"{at}.latitude" : $"{at}.longitude", null, "latitude and longitude together, or neither"));
        if (latitude is { } lat && (!double.IsFinite(lat) || lat is < -90 or > 90)) errors.Add(new($"{at}.latitude", lat.ToString(System.Globalization.CultureInfo.InvariantCulture), "a latitude of -90 to 90"));
        if (longitude is { } lon && (!double.IsFinite(lon) || lon is < -180 or > 180)) errors.Add(new($"{at}.longitude", lon.ToString(System.Globalization.CultureInfo.InvariantCulture), "a longitude of -180 to 180"));
    }

    private static string Truncate(string text) => text.Length <= 120 ? text : text[..117] + "...";
}
