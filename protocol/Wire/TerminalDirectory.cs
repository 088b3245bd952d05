using System.Text.Json;
using System.Text.Json.Serialization;
using GridEdge.Protocol.Codecs;

namespace GridEdge.Protocol.Wire;

/// <summary>
/// What a gateway needs to serve enforcement terminals, sent by the server inside <see cref="GatewayConfig.Terminals"/>:
/// the terminals allowed to upload (with the SHA-256 of their bearer tokens, never the tokens) and the boundaries of the
/// grids their members patrol. A terminal that is not listed (never issued, or revoked) is refused.
/// </summary>
public sealed record TerminalDirectory(IReadOnlyList<TerminalEntry> Terminals, IReadOnlyList<GridBoundary> Grids)
{
    /// <summary>Most terminals one directory may list.</summary>
    public const int MaxTerminals = 10_000;
    /// <summary>Most grids one directory may list.</summary>
    public const int MaxGrids = 10_000;

    public static TerminalDirectory Empty { get; } = new([], []);

    public string ToJson() => JsonSerializer.Serialize(this, WireJsonContext.Default.TerminalDirectory);

    /// <summary>Parses and checks a directory; null with every problem named (by JSON path) when it is not valid.</summary>
    public static TerminalDirectory? Parse(string json, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        TerminalDirectory? directory;
        try
        {
            directory = JsonSerializer.Deserialize(json, WireJsonContext.Default.TerminalDirectory);
        }
        catch (JsonException e)
        {
            problems.Add($"{(string.IsNullOrEmpty(e.Path) ? "$" : e.Path)}: {e.Message.Split(" Path:")[0]}");
            return null;
        }
        if (directory is null) { problems.Add("$: null"); return null; }
        if (directory.Terminals is null) problems.Add("$.terminals: missing");
        if (directory.Grids is null) problems.Add("$.grids: missing");
        if (problems.Count > 0) return null;
        if (directory.Terminals!.Count > MaxTerminals) problems.Add($"$.terminals: {directory.Terminals.Count} terminals, more than {MaxTerminals}");
        if (directory.Grids!.Count > MaxGrids) problems.Add($"$.grids: {directory.Grids.Count} grids, more than {MaxGrids}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < directory.Terminals.Count && problems.Count < 20; i++)
        {
            var t = directory.Terminals[i];
            var at = $"$.terminals[{i}]";
            if (t is null) { problems.Add($"{at}: null"); continue; }
            if (!TerminalIds.IsValid(t.TerminalId)) problems.Add($"{at}.terminalId: '{t.TerminalId}' is not {TerminalIds.Rule}");
            else if (!ids.Add(t.TerminalId)) problems.Add($"{at}.terminalId: '{t.TerminalId}' is listed twice");
            if (!TerminalIds.IsValid(t.MemberId)) problems.Add($"{at}.memberId: '{t.MemberId}' is not {TerminalIds.Rule}");
            if (!GridCodes.IsValid(t.GridCode)) problems.Add($"{at}.gridCode: '{t.GridCode}' is not {GridCodes.Rule}");
            if (!IsSha256Hex(t.TokenSha256)) problems.Add($"{at}.tokenSha256: not 64 lower-case hex digits");
        }
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < directory.Grids.Count && problems.Count < 20; i++)
        {
            var g = directory.Grids[i];
            var at = $"$.grids[{i}]";
            if (g is null) { problems.Add($"{at}: null"); continue; }
            if (!GridCodes.IsValid(g.GridCode)) problems.Add($"{at}.gridCode: '{g.GridCode}' is not {GridCodes.Rule}");
            else if (!codes.Add(g.GridCode)) problems.Add($"{at}.gridCode: '{g.GridCode}' is listed twice");
            if (g.Boundary.ValueKind != JsonValueKind.Object) problems.Add($"{at}.boundary: not a GeoJSON Polygon or MultiPolygon object");
        }
        return problems.Count == 0 ? directory : null;
    }

    /// <summary>Whether a string is a SHA-256 in lower-case hex, the form attachments and token hashes take everywhere.</summary>
    public static bool IsSha256Hex(string? s)
    {
        if (s is not { Length: 64 }) return false;
        foreach (var c in s)
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f')) return false;
        return true;
    }

    public bool Equals(TerminalDirectory? other) =>
        other is not null && Terminals.SequenceEqual(other.Terminals) && Grids.Count == other.Grids.Count &&
        Grids.Zip(other.Grids).All(p => p.First.GridCode == p.Second.GridCode && p.First.Name == p.Second.Name &&
                                        p.First.Boundary.GetRawText() == p.Second.Boundary.GetRawText());

    public override int GetHashCode() => HashCode.Combine(Terminals.Count, Grids.Count);
}

/// <summary>A terminal allowed to upload through the gateway, the member who carries it and the grid that member patrols.</summary>
/// <param name="TokenSha256">SHA-256 of the terminal's bearer token (UTF-8), lower-case hex.</param>
public sealed record TerminalEntry(string TerminalId, string MemberId, string GridCode, string TokenSha256);

/// <summary>A village grid's boundary: a GeoJSON geometry (Polygon or MultiPolygon, [longitude, latitude] in WGS-84).</summary>
public sealed record GridBoundary(string GridCode, string Name, JsonElement Boundary);

/// <summary>The rule for terminal, member and record ids: 1-64 of A-Z a-z 0-9 . _ : -</summary>
public static class TerminalIds
{
    public const string Rule = "1-64 characters of A-Z a-z 0-9 . _ : -";

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > Validation.MaxIdLength) return false;
        foreach (var c in id)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-')) return false;
        return true;
    }
}

/// <summary>Grid codes: the 12-digit statistical division code (6 county + 3 township + 3 village).</summary>
public static class GridCodes
{
    public const string Rule = "a 12-digit division code";

    public static bool IsValid(string? code)
    {
        if (code is not { Length: 12 }) return false;
        foreach (var c in code)
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }
}
