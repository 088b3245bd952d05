namespace GridEdge.Server.Calendar;

/// <summary>Server:Calendar: where the yearly holiday files are.</summary>
public sealed class CalendarOptions
{
    /// <summary>A folder of yearly holiday files (days/cn-2026.json is shipped there); empty: the <c>calendar</c> folder beside the server.</summary>
    public string? Directory { get; set; }

    /// <summary>The folder in force.</summary>
    public string Folder => string.IsNullOrWhiteSpace(Directory) ? Path.Combine(AppContext.BaseDirectory, "calendar") : Directory;
}
