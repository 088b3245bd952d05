using System.Collections;
using System.Reflection;

namespace GridEdge.Protocol.Configuration;

/// <summary>
/// Finds configuration keys that no options property takes, so a typo (<c>Edge:Brokr:Port</c>) stops a host naming the
/// key instead of being silently ignored. Works on key paths (<c>Broker:Port</c>, <c>Gateways:0:Id</c>) against the
/// options type's public settable properties, case-insensitively as the configuration binder matches them; lists take
/// numeric indexes, dictionaries any key.
/// </summary>
public static class OptionKeys
{
    /// <summary>
    /// The paths among <paramref name="keyPaths"/> that <paramref name="optionsType"/> does not take, each with the
    /// section's name in front. <paramref name="boundElsewhere"/> names sub-sections bound to other options types.
    /// </summary>
    public static IReadOnlyList<string> Unknown(string section, Type optionsType, IEnumerable<string> keyPaths,
        IReadOnlyDictionary<string, Type>? boundElsewhere = null)
    {
        var unknown = new List<string>();
        foreach (var path in keyPaths)
        {
            var segments = path.Split(':');
            var type = optionsType;
            var start = 0;
            if (boundElsewhere is not null && boundElsewhere.FirstOrDefault(b => string.Equals(b.Key, segments[0], StringComparison.OrdinalIgnoreCase)) is { Value: { } other })
            {
                type = other;
                start = 1;
            }
            if (!Takes(type, segments, start)) unknown.Add($"{section}:{path}");
        }
        return unknown;
    }

    private static bool Takes(Type type, string[] segments, int i)
    {
        while (i < segments.Length)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (IsLeaf(type)) return false; // a value has no sub-keys
            if (Dictionary(type) is { } valueType)
            {
                type = valueType;
                i++;
                continue;
            }
            if (Element(type) is { } elementType)
            {
                if (!int.TryParse(segments[i], out _)) return false;
                type = elementType;
                i++;
                continue;
            }
            var property = type.GetProperty(segments[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || (property.SetMethod is null && IsLeaf(property.PropertyType))) return false;
            type = property.PropertyType;
            i++;
        }
        return true;
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) ||
        type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid) || type == typeof(Uri);

    private static Type? Dictionary(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() is var d &&
                         (d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type
            : type.GetInterfaces().FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[1];
    }

    private static Type? Element(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!typeof(IEnumerable).IsAssignableFrom(type) || type == typeof(string)) return null;
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }
}
