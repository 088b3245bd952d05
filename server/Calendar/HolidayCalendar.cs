using System.Globalization;
using System.Text.Json;

namespace GridEdge.Server.Calendar;

/// <summary>
/// The official holidays (放假) and make-up workdays (调休上班) of the years the county has files for, one JSON file per
/// year as the State Council announces it each November (days/cn-2026.json is shipped; an administrator adds the next
/// year's beside it, Server:Calendar:Directory). A date no file names follows the working-days rule.
/// </summary>
public sealed class HolidayCalendar
{
    private readonly Dictionary<DateOnly, string> _holidays;
    private readonly HashSet<DateOnly> _workdays;

    public HolidayCalendar(IReadOnlyDictionary<DateOnly, string> holidays, IEnumerable<DateOnly> workdays, IReadOnlyList<string> sources)
    {
        _holidays = new Dictionary<DateOnly, string>(holidays);
        _workdays = [.. workdays];
        Sources = sources;
    }

    /// <summary>Where the days come from: each file's <c>source</c> (the notice it copies).</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>The years the calendar has files for.</summary>
    public IReadOnlyList<int> Years => [.. _holidays.Keys.Select(d => d.Year).Concat(_workdays.Select(d => d.Year)).Distinct().Order()];

    /// <summary>The holiday's name when <paramref name="date"/> is one, else null.</summary>
    public string? HolidayOn(DateOnly date) => _holidays.GetValueOrDefault(date);

    /// <summary>Whether <paramref name="date"/> is a make-up workday (a weekend day worked).</summary>
    public bool IsMakeUpWorkday(DateOnly date) => _workdays.Contains(date);

    public static HolidayCalendar Empty { get; } = new(new Dictionary<DateOnly, string>(), [], []);

    /// <summary>Reads every <c>*.json</c> of <paramref name="directory"/>; a wrong file throws naming the file, the field and what was expected.</summary>
    public static HolidayCalendar Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new CalendarFileException($"Server:Calendar:Directory '{directory}' does not exist: expected a folder of yearly holiday files such as cn-2026.json");
        var holidays = new Dictionary<DateOnly, string>();
        var workdays = new List<DateOnly>();
        var sources = new List<string>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            CalendarFile parsed;
            try { parsed = JsonSerializer.Deserialize<CalendarFile>(File.ReadAllText(file), Json) ?? throw new JsonException("empty"); }
            catch (JsonException e) { throw new CalendarFileException($"{file}: not a holiday file ({e.Message}): expected {{year, source, holidays: [{{name, from, to}}], workdays: []}}"); }
            if (string.IsNullOrWhiteSpace(parsed.Source)) throw new CalendarFileException($"{name}: source is missing: expected the notice the days come from");
            sources.Add(parsed.Source);
            for (var i = 0; i < (parsed.Holidays?.Count ?? 0); i++)
            {
                var h = parsed.Holidays![i];
                var from = Date(name, $"holidays[{i}].from", h.From, parsed.Year);
                var to = Date(name, $"holidays[{i}].to", h.To, parsed.Year);
                if (to < from || to.DayNumber - from.DayNumber > 15) throw new CalendarFileException($"{name}: holidays[{i}] is {h.From}..{h.To}: expected an end on or after the start, at most 16 days");
                if (string.IsNullOrWhiteSpace(h.Name)) throw new CalendarFileException($"{name}: holidays[{i}].name is missing");
                for (var d = from; d <= to; d = d.AddDays(1)) holidays[d] = h.Name;
            }
            for (var i = 0; i < (parsed.Workdays?.Count ?? 0); i++)
                workdays.Add(Date(name, $"workdays[{i}]", parsed.Workdays![i], parsed.Year));
        }
        var clash = workdays.FirstOrDefault(holidays.ContainsKey);
        if (holidays.ContainsKey(clash) && workdays.Contains(clash))
            throw new CalendarFileException($"{clash:yyyy-MM-dd} is both a holiday ({holidays[clash]}) and a make-up workday: expected one of them");
        return new HolidayCalendar(holidays, workdays, sources);
    }

    private static DateOnly Date(string file, string field, string? text, int year)
    {
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw new CalendarFileException($"{file}: {field} is '{text}': expected a date yyyy-MM-dd");
        if (date.Year != year && !(date.Month == 12 && date.Year == year - 1) && !(date.Month == 1 && date.Year == year + 1))
            throw new CalendarFileException($"{file}: {field} is '{text}': expected a date of {year} (the file's year)");
        return date;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    private sealed record CalendarFile(int Year, string? Source, List<HolidayRange>? Holidays, List<string>? Workdays);
    private sealed record HolidayRange(string? Name, string? From, string? To);
}

/// <summary>A holiday file that cannot be used, named with its field.</summary>
public sealed class CalendarFileException(string message) : Exception(message);
