using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridEdge.Hardware.Mq2;

/// <summary>The MQ-2's output in clean air, measured on this gateway: readings are reported relative to it.</summary>
/// <param name="Volts">Mean output voltage in clean air.</param>
/// <param name="Samples">How many readings the mean is over.</param>
/// <param name="CalibratedAt">When (gateway clock) the calibration ran.</param>
/// <param name="Channel">The ADS1115 input it was measured on, so a rewired sensor is not compared with a stale baseline.</param>
public sealed record Mq2Baseline(double Volts, int Samples, DateTimeOffset CalibratedAt, string Channel);

/// <summary>Loads and saves a <see cref="Mq2Baseline"/> as a small JSON file, replaced atomically (temp file + rename).</summary>
public static class Mq2BaselineFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, TypeInfoResolver = Mq2JsonContext.Default };

    /// <summary>The baseline stored at <paramref name="path"/>, or null when there is none yet.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a usable baseline (names the path and what is wrong).</exception>
    public static Mq2Baseline? Load(string path)
    {
        if (!File.Exists(path)) return null;
        Mq2Baseline? baseline;
        try
        {
            baseline = JsonSerializer.Deserialize<Mq2Baseline>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"MQ-2 baseline file {path} is not valid JSON: {e.Message}", e);
        }
        if (baseline is null || !(baseline.Volts > 0) || baseline.Samples < 1 || string.IsNullOrEmpty(baseline.Channel))
            throw new InvalidDataException($"MQ-2 baseline file {path} holds no usable baseline: volts must be > 0, samples >= 1, channel set; found {baseline}.");
        return baseline;
    }

    /// <summary>Writes the baseline to a temp file beside <paramref name="path"/>, flushes it to disk, then renames it over the old one.</summary>
    public static void Save(string path, Mq2Baseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Environment.ProcessId + ".tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, baseline, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}

[JsonSerializable(typeof(Mq2Baseline))]
internal sealed partial class Mq2JsonContext : JsonSerializerContext;
