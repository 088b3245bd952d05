namespace GridEdge.Server.Scores;

/// <summary>Server:Scores: where the score sheets are.</summary>
public sealed class ScoreOptions
{
    /// <summary>A folder of score sheets (*.json); empty: the <c>scores</c> folder beside the server (township-003.json and village-002.json are shipped there).</summary>
    public string? Directory { get; set; }

    /// <summary>The folder in force.</summary>
    public string Folder => string.IsNullOrWhiteSpace(Directory) ? Path.Combine(AppContext.BaseDirectory, "scores") : Directory;
}
