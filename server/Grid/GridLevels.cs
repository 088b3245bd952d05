using GridEdge.Protocol.Wire;

namespace GridEdge.Server.Grid;

/// <summary>The four grid levels and what a 12-digit division code says about its grid: its level, its parent, the codes beneath it.</summary>
public static class GridLevels
{
    public const int City = 1;
    public const int County = 2;
    public const int Township = 3;
    public const int Village = 4;

    public static string Name(int level) => level switch
    {
        City => "city",
        County => "county",
        Township => "township",
        Village => "village",
        _ => $"level {level}",
    };

    /// <summary>The level a valid code stands for: city when digits 5-12 are zero, county 7-12, township 10-12, village otherwise.</summary>
    public static int Of(string code) =>
        code.AsSpan(4).IndexOfAnyExcept('0') < 0 ? City
        : code.AsSpan(6).IndexOfAnyExcept('0') < 0 ? County
        : code.AsSpan(9).IndexOfAnyExcept('0') < 0 ? Township
        : Village;

    /// <summary>Whether <paramref name="code"/> is a 12-digit code that can stand for a grid (not all zeros).</summary>
    public static bool IsValid(string? code) => GridCodes.IsValid(code) && code!.AsSpan().IndexOfAnyExcept('0') >= 0;

    /// <summary>The code of the grid one level up; null for a city.</summary>
    public static string? Parent(string code) => Of(code) switch
    {
        County => code[..4] + "00000000",
        Township => code[..6] + "000000",
        Village => code[..9] + "000",
        _ => null,
    };

    /// <summary>The digits every grid at or beneath <paramref name="code"/> starts with.</summary>
    public static string Prefix(string code) => Of(code) switch
    {
        City => code[..4],
        County => code[..6],
        Township => code[..9],
        _ => code,
    };

    /// <summary>The township a township or village grid lies in; null above township level.</summary>
    public static string? TownshipOf(string code) => Of(code) >= Township ? code[..9] + "000" : null;

    /// <summary>Whether <paramref name="code"/> is <paramref name="ancestor"/> or lies beneath it.</summary>
    public static bool IsUnder(string code, string ancestor) => code.StartsWith(Prefix(ancestor), StringComparison.Ordinal);
}
