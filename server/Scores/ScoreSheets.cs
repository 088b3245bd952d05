using System.Text.Json;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Scores;

/// <summary>
/// The score sheets in force: every <c>*.json</c> of the sheets folder (Server:Scores:Directory; the shipped ones beside the
/// server as <c>scores/</c>). A wrong file stops the start with its name, the field and what was expected.
/// </summary>
public sealed class ScoreSheets
{
    private readonly Dictionary<string, ScoreSheet> _byId;

    public ScoreSheets(IEnumerable<ScoreSheet> sheets) => _byId = sheets.ToDictionary(s => s.Id, StringComparer.Ordinal);

    public IReadOnlyList<ScoreSheet> All => [.. _byId.Values.OrderBy(s => s.Id, StringComparer.Ordinal)];

    public ScoreSheet? Get(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The sheet that scores grids of <paramref name="level"/> (the first by id), or null.</summary>
    public ScoreSheet? ForLevel(int level) => All.FirstOrDefault(s => s.Levels.Contains(level));

    public static ScoreSheets Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new ScoreSheetException($"'{directory}' does not exist: expected a folder of score sheets such as township-003.json");
        var sheets = new List<ScoreSheet>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var sheet = Parse(Path.GetFileName(file), File.ReadAllText(file));
            if (sheets.Any(s => s.Id == sheet.Id)) throw new ScoreSheetException($"{Path.GetFileName(file)}: id is '{sheet.Id}': expected an id no other sheet has");
            sheets.Add(sheet);
        }
        if (sheets.Count == 0) throw new ScoreSheetException($"'{directory}' holds no *.json score sheet: expected at least one");
        return new ScoreSheets(sheets);
    }

    /// <summary>Reads one sheet; <paramref name="name"/> names the file in the errors.</summary>
    public static ScoreSheet Parse(string name, string json)
    {
        ScoreSheet? sheet;
        try { sheet = JsonSerializer.Deserialize<ScoreSheet>(json, Json); }
        catch (JsonException e) { throw new ScoreSheetException($"{name}: {(e.Path is { Length: > 2 } p ? p[2..] + ": " : "")}not a score sheet ({e.Message}): expected {{id, name, source, levels, maxPoints, items: [{{id, name, max, bonus, rules: [{{kind, points}}]}}]}}"); }
        if (sheet is null) throw new ScoreSheetException($"{name}: empty: expected a score sheet");
        void Fail(string field, object? value, string expected) => throw new ScoreSheetException($"{name}: {field} is '{value}': expected {expected}");

        if (string.IsNullOrWhiteSpace(sheet.Id) || !sheet.Id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            Fail("id", sheet.Id, "lower-case letters, digits and '-'");
        if (string.IsNullOrWhiteSpace(sheet.Name)) Fail("name", sheet.Name, "the sheet's name");
        if (string.IsNullOrWhiteSpace(sheet.Source)) Fail("source", sheet.Source, "the document the sheet copies");
        if (sheet.Levels is null || sheet.Levels.Count == 0) Fail("levels", null, "the grid levels it scores (2 county, 3 township, 4 village)");
        for (var i = 0; i < sheet.Levels!.Count; i++)
            if (sheet.Levels[i] is < GridLevels.County or > GridLevels.Village) Fail($"levels[{i}]", sheet.Levels[i], "2 (county), 3 (township) or 4 (village)");
        if (sheet.Items is null || sheet.Items.Count == 0) Fail("items", null, "at least one item");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sheet.Items!.Count; i++)
        {
            var item = sheet.Items[i];
            if (string.IsNullOrWhiteSpace(item.Id) || !ids.Add(item.Id)) Fail($"items[{i}].id", item.Id, "an id no other item of the sheet has");
            if (string.IsNullOrWhiteSpace(item.Name)) Fail($"items[{i}].name", item.Name, "the item's name");
            if (item.Max <= 0) Fail($"items[{i}].max", item.Max, "the item's maximum points, more than 0");
            for (var j = 0; j < (item.Rules?.Count ?? 0); j++)
            {
                var rule = item.Rules![j];
                var at = $"items[{i}].rules[{j}]";
                if (!ScoreRuleKinds.All.Contains(rule.Kind)) Fail(at + ".kind", rule.Kind, string.Join(", ", ScoreRuleKinds.All));
                if (rule.Points == 0) Fail(at + ".points", rule.Points, "points per record, not 0 (negative deducts)");
                if (item.Bonus != (rule.Points > 0)) Fail(at + ".points", rule.Points, item.Bonus ? "more than 0 in a bonus item" : "less than 0 in a deduction item");
                if (rule.Kind == ScoreRuleKinds.Register && !RegisterKinds.All.Contains(rule.Register ?? ""))
                    Fail(at + ".register", rule.Register, string.Join(", ", RegisterKinds.All));
                if (rule.Kind != ScoreRuleKinds.Register && rule.Register is not null) Fail(at + ".register", rule.Register, "no register (only a register rule has one)");
                if (rule.PerYear is { } n && (n is < 1 or > 365 || rule.Kind != ScoreRuleKinds.Register)) Fail(at + ".perYear", n, "entries a year from 1 to 365, on a register rule");
            }
        }
        var total = sheet.Items.Where(i => !i.Bonus).Sum(i => i.Max);
        if (sheet.MaxPoints != total) Fail("maxPoints", sheet.MaxPoints, $"the sum of the deduction items' max ({total})");
        return sheet with { Items = [.. sheet.Items.Select(i => i with { Rules = i.Rules ?? [] })] };
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };
}

/// <summary>A score sheet file that cannot be used, named with its field.</summary>
public sealed class ScoreSheetException(string message) : Exception(message);
