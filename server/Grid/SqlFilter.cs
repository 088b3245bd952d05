using GridEdge.Server.Storage;

namespace GridEdge.Server.Grid;

/// <summary>
/// The WHERE clause of a listing, built from conditions written in the store (never from input) and their values, which
/// are always parameters.
/// </summary>
public sealed class SqlFilter
{
    private readonly List<string> _conditions = [];
    private readonly List<(string Name, object? Value)> _parameters = [];

    /// <summary>Adds a condition and the parameters it uses.</summary>
    public SqlFilter Add(string condition, params (string Name, object? Value)[] parameters)
    {
        _conditions.Add(condition);
        _parameters.AddRange(parameters);
        return this;
    }

    /// <summary>Adds a condition when <paramref name="value"/> is given.</summary>
    public SqlFilter AddIf(object? value, string condition, string name)
    {
        if (value is not null) Add(condition, (name, value));
        return this;
    }

    /// <summary>
    /// <paramref name="column"/> holds <paramref name="grid"/> or a grid beneath it: codes are digits, so every code with the
    /// grid's prefix sorts at or after the prefix and before prefix + ':' (the character after '9').
    /// </summary>
    public SqlFilter Under(string column, string grid)
    {
        var prefix = GridLevels.Prefix(grid);
        return Add($"{column} >= @gridlo AND {column} < @gridhi", ("@gridlo", prefix), ("@gridhi", prefix + ":"));
    }

    /// <summary>"WHERE a AND b", or nothing without conditions.</summary>
    public string Where => _conditions.Count > 0 ? "WHERE " + string.Join(" AND ", _conditions) : "";

    /// <summary>The parameters of the conditions and <paramref name="more"/>.</summary>
    public (string Name, object? Value)[] Parameters(params (string Name, object? Value)[] more) => [.. _parameters, .. more];

    /// <summary>A LIMIT value: <paramref name="limit"/>, or no limit when it is negative (LIMIT -1 is SQLite's alone).</summary>
    public static long Limit(int limit) => limit < 0 ? long.MaxValue : limit;
}
