using GridEdge.Protocol.Records;

namespace GridEdge.Protocol.Hj212;

/// <summary>How one registered monitor's values become readings: its sensor id (the MN), its clock's offset from UTC and quality, and unit quirks.</summary>
/// <param name="SensorId">The monitor's MN, the readings' sensor id.</param>
/// <param name="UtcOffset">HJ 212 times are the station's local time (China Standard Time, +08:00, by default).</param>
/// <param name="Clock">How far the monitor's clock can be trusted.</param>
/// <param name="ParticulateScale">Multiplies PM and TSP values: 1000 for monitors that send mg/m³ where µg/m³ is expected.</param>
/// <param name="MinuteWindowSeconds">The interval of this monitor's "minute" data (CN 2051), usually 60; some send 10-minute data.</param>
public sealed record Hj212MonitorProfile(string SensorId, TimeSpan UtcOffset, ClockQuality Clock, double ParticulateScale = 1, int MinuteWindowSeconds = 60)
{
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);
}

/// <summary>What a conversion did besides producing readings.</summary>
public readonly record struct Hj212ConversionStats(int Readings, int UnknownFlags, int WindowsWidened, int AveragesMissing, int Unphysical = 0);

/// <summary>
/// Turns the CP area of a data packet (CN 2011, 2051, 2061, 2031) into protocol readings: -Rtd as instantaneous values,
/// -Avg with -Min/-Max as window aggregates, -Cou (a cumulative amount, not a sample count) and Zs values as unmapped
/// readings of their own, the -Flag letter as the data flag.
/// </summary>
public static class Hj212Readings
{
    /// <summary>Leaves room for the longest suffix ("-ZsCou") within <see cref="Quantities.MaxUnmappedCodeLength"/>.</summary>
    public const int MaxCodeLength = Quantities.MaxUnmappedCodeLength - 6;

    /// <summary>
    /// Appends the readings of one data packet to <paramref name="into"/>. On a malformed field nothing is appended and
    /// <paramref name="error"/> names it. HJ 212 does not say how many samples an average holds: window counts are 1.
    /// </summary>
    public static bool TryConvert(int cn, ReadOnlySpan<byte> cp, Hj212MonitorProfile profile, ICollection<Reading> into, out Hj212ConversionStats stats,
        out Hj212Error? error, int cpOffset = 0)
    {
        stats = default;
        error = null;
        if (!Hj212Commands.CarriesReadings(cn))
        {
            error = new Hj212Error(Hj212ErrorKind.Field, "CN", $"{cn} carries no readings (expected 2011, 2051, 2061 or 2031)", 0);
            return false;
        }
        var timeText = Hj212CpReader.FindAttribute(cp, "DataTime"u8);
        if (!Hj212CpReader.TryParseTime(timeText, out var local))
        {
            error = new Hj212Error(Hj212ErrorKind.Field, "DataTime", timeText.IsEmpty ? "missing from the CP area" : $"'{Hj212Framing.Printable(timeText)}' is not yyyyMMddHHmmss[fff]", cpOffset);
            return false;
        }
        DateTimeOffset at;
        try { at = new DateTimeOffset(local, profile.UtcOffset); }
        catch (ArgumentOutOfRangeException)
        {
            error = new Hj212Error(Hj212ErrorKind.Field, "DataTime", $"'{Hj212Framing.Printable(timeText)}' is out of range", cpOffset);
            return false;
        }
        var windowSeconds = Hj212Commands.WindowSeconds(cn, profile.MinuteWindowSeconds);
        var startCount = into.Count;
        int readings = 0, unknownFlags = 0, widened = 0, missingAvg = 0, unphysical = 0;
        var reader = new Hj212CpReader(cp, cpOffset);
        // Collected first and added at the end, so a malformed field later in the CP area leaves nothing half-added.
        var pending = into is List<Reading> list ? list : null;
        List<Reading>? staged = pending is null ? [] : null;
        while (reader.Read(out var p, out error))
        {
            if (!Hj212Codes.TryMapFlag(p.FlagLetter == 0 ? (byte)'N' : p.FlagLetter, out var flag)) unknownFlags++;
            Hj212Mapping mapping = default;
            var mapped = !p.Converted && Hj212Codes.TryMap(p.Code, out mapping);
            if (!mapped && !ValidCode(p.Code))
            {
                error = new Hj212Error(Hj212ErrorKind.Field, Hj212Framing.Printable(p.Code), $"pollutant code must be 1-{MaxCodeLength} characters of A-Z, a-z, 0-9, '_' or '.'", cpOffset + p.Offset);
                break;
            }
            var scale = mapped ? mapping.Factor * (mapping.IsParticulate ? profile.ParticulateScale : 1) : 1;
            var quantity = !p.Has(Hj212Values.Rtd) && !p.Has(Hj212Values.Avg) ? ""
                : mapped ? mapping.Quantity : Unmapped(p.Code, p.Converted ? "-Zs" : "");
            var unit = mapped ? mapping.Unit : Quantities.RawUnit;

            if (p.Has(Hj212Values.Rtd))
            {
                Add(new Reading(profile.SensorId, quantity, unit, p.Rtd * scale, null, flag, at, profile.Clock));
            }
            if (p.Has(Hj212Values.Avg))
            {
                var avg = p.Avg * scale;
                var min = p.Has(Hj212Values.Min) ? p.Min * scale : avg;
                var max = p.Has(Hj212Values.Max) ? p.Max * scale : avg;
                // Devices round min, avg and max separately (seen: Min=8.000000, Avg=8.000001, Max=8.000000): widen to hold the average.
                if (min > avg || max < avg) widened++;
                min = Math.Min(min, avg);
                max = Math.Max(max, avg);
                var window = windowSeconds > 0 ? windowSeconds : 60;
                Add(new Reading(profile.SensorId, quantity, unit, avg, new Aggregate(min, avg, max, 1, window), flag, at, profile.Clock));
            }
            else if (p.Has(Hj212Values.Min) || p.Has(Hj212Values.Max))
            {
                missingAvg++;
            }
            if (p.Has(Hj212Values.Cou))
            {
                Add(new Reading(profile.SensorId, Unmapped(p.Code, p.Converted ? "-ZsCou" : "-Cou"), Quantities.RawUnit, p.Cou, null, flag, at, profile.Clock));
            }
        }
        if (error is not null)
        {
            if (pending is not null) pending.RemoveRange(startCount, pending.Count - startCount);
            return false;
        }
        if (staged is not null) foreach (var r in staged) into.Add(r);
        stats = new Hj212ConversionStats(readings, unknownFlags, widened, missingAvg, unphysical);
        return true;

        static bool IsPhysical(Reading r) =>
            Quantities.IsPhysical(r.Quantity, r.Value) &&
            (r.Window is not { } w || (Quantities.IsPhysical(r.Quantity, w.Min) && Quantities.IsPhysical(r.Quantity, w.Max)));

        void Add(Reading r)
        {
            readings++;
            // A value no atmosphere can hold (PM2.5 of -1e20) is kept, as sent, but flagged as a fault so that no figure
            // or alert takes it as data.
            if (!IsPhysical(r))
            {
                unphysical++;
                if (r.Flag == DataFlag.Normal) r = r with { Flag = DataFlag.Fault };
            }
            if (pending is not null) pending.Add(r);
            else staged!.Add(r);
        }
    }

    private static bool ValidCode(ReadOnlySpan<byte> code)
    {
        if (code.IsEmpty || code.Length > MaxCodeLength) return false;
        foreach (var c in code)
            if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'_' or (byte)'.')) return false;
        return true;
    }

    /// <summary>The unmapped quantity for a code: <c>hj212:{code}{suffix}</c>.</summary>
    public static string Unmapped(ReadOnlySpan<byte> code, string suffix = "")
    {
        // Built in place: the quantity name is the only allocation (it belongs to the reading).
        var length = Quantities.UnmappedPrefix.Length + code.Length + suffix.Length;
        Span<char> chars = length <= 256 ? stackalloc char[length] : new char[length];
        Quantities.UnmappedPrefix.CopyTo(chars);
        for (var i = 0; i < code.Length; i++) chars[Quantities.UnmappedPrefix.Length + i] = (char)code[i];
        suffix.CopyTo(chars[(Quantities.UnmappedPrefix.Length + code.Length)..]);
        return new string(chars);
    }
}
