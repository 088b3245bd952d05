using System.Globalization;
using GridEdge.Server.Ledgers;

namespace GridEdge.Server.Grid;

/// <summary>The position after the last item of a page: kind letter, time (ms), a text key (gateway) and a number (seq or id).</summary>
public readonly record struct LedgerCursor(string Kind, long At, string Key, long Seq)
{
    public string Encode() => CursorText.Encode(string.Create(CultureInfo.InvariantCulture, $"{Kind}1|{At}|{Key}|{Seq}"));

    public static bool TryDecode(string? cursor, string kind, out LedgerCursor value)
    {
        value = default;
        if (!CursorText.TryDecode(cursor, 512, 4, out var parts) || parts[0] != kind + "1") return false;
        if (!long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at)) return false;
        if (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) return false;
        value = new LedgerCursor(kind, at, parts[2], seq);
        return true;
    }
}
