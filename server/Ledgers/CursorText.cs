using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace GridEdge.Server.Ledgers;

/// <summary>What every page cursor shares on the wire: '|'-separated fields in UTF-8, base64url-encoded, opaque to clients.</summary>
internal static class CursorText
{
    public static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The cursor's fields: exactly <paramref name="count"/> of them, the last keeping any further '|' (an alert id may
    /// hold one). False for anything that is not base64url of UTF-8, longer than <paramref name="maxLength"/>, or has fewer fields.
    /// </summary>
    public static bool TryDecode(string? cursor, int maxLength, int count, [NotNullWhen(true)] out string[]? parts)
    {
        parts = null;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > maxLength) return false;
        string text;
        try { text = new UTF8Encoding(false, true).GetString(Base64Url.DecodeFromChars(cursor)); }
        catch (FormatException) { return false; }
        catch (ArgumentException) { return false; }
        var split = text.Split('|', count);
        if (split.Length != count) return false;
        parts = split;
        return true;
    }
}
