namespace GridEdge.Server.Complaints;

/// <summary>
/// Finds the village grid whose boundary contains a point, over a uniform grid of cells laid across the villages' bounding
/// boxes: each cell lists the villages whose box meets it, so a point is tested against a few outlines, not all of them.
/// Immutable: <see cref="VillageBoundaries"/> builds a new one when the registry changes.
/// </summary>
public sealed class ComplaintRouter
{
    private readonly VillageOutline[] _villages;
    private readonly int[][] _cells;
    private readonly int _columns, _rows;
    private readonly double _minLon, _minLat, _cellWidth, _cellHeight;

    public static readonly ComplaintRouter Empty = new([]);

    /// <summary>How many villages with a boundary the router knows.</summary>
    public int Count => _villages.Length;

    public ComplaintRouter(IEnumerable<VillageOutline> villages)
    {
        // By code, so that of two overlapping outlines the same one always wins.
        _villages = [.. villages.OrderBy(v => v.Code, StringComparer.Ordinal)];
        if (_villages.Length == 0) { _cells = []; return; }
        _minLon = _villages.Min(v => v.MinLon);
        _minLat = _villages.Min(v => v.MinLat);
        var width = Math.Max(_villages.Max(v => v.MaxLon) - _minLon, 1e-9);
        var height = Math.Max(_villages.Max(v => v.MaxLat) - _minLat, 1e-9);
        // About one village per cell: villages of a city are of a size, so each cell lists a handful.
        var side = Math.Clamp((int)Math.Ceiling(Math.Sqrt(_villages.Length)), 1, 1024);
        (_columns, _rows) = (side, side);
        (_cellWidth, _cellHeight) = (width / _columns, height / _rows);
        var cells = new List<int>[_columns * _rows];
        for (var i = 0; i < _villages.Length; i++)
        {
            var v = _villages[i];
            for (var row = Row(v.MinLat); row <= Row(v.MaxLat); row++)
                for (var column = Column(v.MinLon); column <= Column(v.MaxLon); column++)
                    (cells[row * _columns + column] ??= []).Add(i);
        }
        _cells = [.. cells.Select(c => c?.ToArray() ?? [])];
    }

    /// <summary>The code of the village whose boundary contains the point, or null when it lies outside every village.</summary>
    public string? Route(double latitude, double longitude)
    {
        if (_cells.Length == 0 || double.IsNaN(latitude) || double.IsNaN(longitude)) return null;
        var column = (int)Math.Floor((longitude - _minLon) / _cellWidth);
        var row = (int)Math.Floor((latitude - _minLat) / _cellHeight);
        if (column < 0 || row < 0 || column > _columns || row > _rows) return null;
        foreach (var i in _cells[Math.Min(row, _rows - 1) * _columns + Math.Min(column, _columns - 1)])
            if (_villages[i].Contains(latitude, longitude)) return _villages[i].Code;
        return null;
    }

    /// <summary>The same answer as <see cref="Route"/> by testing every outline: the baseline a benchmark measures the index against.</summary>
    public string? RouteByScan(double latitude, double longitude)
    {
        foreach (var v in _villages)
            if (v.Contains(latitude, longitude)) return v.Code;
        return null;
    }

    private int Column(double lon) => Math.Clamp((int)Math.Floor((lon - _minLon) / _cellWidth), 0, _columns - 1);

    private int Row(double lat) => Math.Clamp((int)Math.Floor((lat - _minLat) / _cellHeight), 0, _rows - 1);
}
