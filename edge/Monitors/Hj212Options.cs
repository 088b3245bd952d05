using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Monitors;

/// <summary>The HJ 212 listener's configuration, bound from "Edge:Hj212" and validated at start.</summary>
public sealed class Hj212Options
{
    public const string Section = "Edge:Hj212";

    /// <summary>Null (default): listen when at least one monitor is registered. True/false force it.</summary>
    public bool? Enabled { get; set; }
    public string Host { get; set; } = "0.0.0.0";
    public int Port { get; set; } = 8212;
    public List<MonitorRegistration> Monitors { get; set; } = [];

    /// <summary>Connections held at once; more are accepted and closed at once (counted).</summary>
    public int MaxConnections { get; set; } = 2000;
    /// <summary>The largest data segment accepted. The standard says 1024; real devices send more.</summary>
    public int MaxFrameLength { get; set; } = 4096;
    /// <summary>A frame that has begun ("##" seen) must be complete within this time.</summary>
    public double FrameTimeoutSeconds { get; set; } = 15;
    /// <summary>A connection with no complete frame for this long is closed.</summary>
    public double IdleTimeoutSeconds { get; set; } = 300;
    /// <summary>A connection that has not yet sent a frame from a registered monitor is closed after this long.</summary>
    public double AuthTimeoutSeconds { get; set; } = 120;
    /// <summary>While a frame is arriving it must arrive at least this fast (after a 2 s grace): a trickling client is closed.</summary>
    public int MinBytesPerSecond { get; set; } = 32;
    /// <summary>Bytes that belong to no frame, in a row, before the connection is closed.</summary>
    public int MaxGarbageBytes { get; set; } = 64 * 1024;
    /// <summary>Packets one split message may have (PNUM).</summary>
    public int MaxSplitPackets { get; set; } = 32;
    /// <summary>Bytes of split packets one connection may hold while waiting for the rest.</summary>
    public int MaxSplitBytes { get; set; } = 64 * 1024;
    public double SplitTimeoutSeconds { get; set; } = 60;
    /// <summary>A reply the monitor does not read within this time closes the connection.</summary>
    public double WriteTimeoutSeconds { get; set; } = 10;
    /// <summary>The monitors' local time offset from UTC ("+08:00", China Standard Time, by default).</summary>
    public string UtcOffset { get; set; } = "+08:00";
    /// <summary>Answer a monitor's time calibration request (CN 1013) with the gateway's time (CN 1012) when the gateway's clock is synchronised.</summary>
    public bool CalibrateTime { get; set; } = true;
    /// <summary>How long the gateway remembers a stored data message's QN (with the readings, in the outbox), so a monitor's resend of it, also after a restart, is acknowledged and not stored again.</summary>
    public int ResentFrameWindowHours { get; set; } = 24;
    /// <summary>How often at most the monitors' last contact is republished in the gateway status (retained).</summary>
    public double StatusIntervalSeconds { get; set; } = 60;

    public TimeSpan ParsedUtcOffset => TryParseOffset(UtcOffset, out var offset) ? offset : Hj212MonitorProfile.ChinaStandardTime;

    public bool ListenerEnabled => Enabled ?? Monitors.Count > 0;

    public static bool TryParseOffset(string? text, out TimeSpan offset)
    {
        offset = default;
        if (string.IsNullOrEmpty(text) || text.Length != 6 || text[0] is not ('+' or '-') || text[3] != ':') return false;
        if (!int.TryParse(text.AsSpan(1, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h) ||
            !int.TryParse(text.AsSpan(4, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) || h > 14 || m > 59)
            return false;
        offset = new TimeSpan(h, m, 0) * (text[0] == '-' ? -1 : 1);
        return true;
    }
}

/// <summary>One monitor allowed to send data: its MN and PW as configured on the device, and the station it stands at.</summary>
public sealed class MonitorRegistration
{
    public string Mn { get; set; } = "";
    public string Pw { get; set; } = "";
    public string? Station { get; set; }
    /// <summary>1 (default), or 1000 for a monitor that sends PM in mg/m³ where µg/m³ is expected.</summary>
    public double ParticulateScale { get; set; } = 1;
    /// <summary>The interval of this monitor's "minute" data (CN 2051), usually 60 s.</summary>
    public int MinuteWindowSeconds { get; set; } = 60;
    /// <summary>How far the monitor's clock can be trusted; HJ 212 monitors are calibrated by their platform.</summary>
    public ClockQuality Clock { get; set; } = ClockQuality.NetworkSynced;
}

/// <summary>Checks <see cref="Hj212Options"/> and names every key that is wrong, its value and what was expected.</summary>
public sealed class Hj212OptionsValidator : IValidateOptions<Hj212Options>
{
    public ValidateOptionsResult Validate(string? name, Hj212Options o)
    {
        var failures = new List<string>();
        void Expect(bool ok, string key, object? value, string expected)
        {
            if (!ok) failures.Add($"{Hj212Options.Section}:{key} is '{value}'; expected {expected}");
        }

        Expect(!string.IsNullOrWhiteSpace(o.Host) && System.Net.IPAddress.TryParse(o.Host, out _), "Host", o.Host, "an IP address to listen on (0.0.0.0 for every interface)");
        Expect(o.Port is >= 0 and <= 65535, "Port", o.Port, "a port 0-65535 (0: any free port)");
        Expect(o.MaxConnections is >= 1 and <= 100_000, "MaxConnections", o.MaxConnections, "1-100000");
        Expect(o.MaxFrameLength is >= 64 and <= Hj212Framing.MaxDeclarableLength, "MaxFrameLength", o.MaxFrameLength, $"64-{Hj212Framing.MaxDeclarableLength} bytes");
        Expect(o.FrameTimeoutSeconds is > 0 and <= 3600, "FrameTimeoutSeconds", o.FrameTimeoutSeconds, "more than 0 and at most 3600");
        Expect(o.IdleTimeoutSeconds is > 0 and <= 86400, "IdleTimeoutSeconds", o.IdleTimeoutSeconds, "more than 0 and at most 86400");
        Expect(o.AuthTimeoutSeconds is > 0 and <= 86400, "AuthTimeoutSeconds", o.AuthTimeoutSeconds, "more than 0 and at most 86400");
        Expect(o.MinBytesPerSecond is >= 0 and <= 1_000_000, "MinBytesPerSecond", o.MinBytesPerSecond, "0 (off) to 1000000");
        Expect(o.MaxGarbageBytes is >= 16, "MaxGarbageBytes", o.MaxGarbageBytes, "at least 16");
        Expect(o.MaxSplitPackets is >= 1 and <= 9999, "MaxSplitPackets", o.MaxSplitPackets, "1-9999");
        Expect(o.MaxSplitBytes >= o.MaxFrameLength && o.MaxSplitBytes <= 16 * 1024 * 1024, "MaxSplitBytes", o.MaxSplitBytes, $"at least MaxFrameLength ({o.MaxFrameLength}) and at most 16 MiB");
        Expect(o.SplitTimeoutSeconds is > 0 and <= 3600, "SplitTimeoutSeconds", o.SplitTimeoutSeconds, "more than 0 and at most 3600");
        Expect(o.WriteTimeoutSeconds is > 0 and <= 600, "WriteTimeoutSeconds", o.WriteTimeoutSeconds, "more than 0 and at most 600");
        Expect(Hj212Options.TryParseOffset(o.UtcOffset, out _), "UtcOffset", o.UtcOffset, "an offset such as +08:00");
        Expect(o.ResentFrameWindowHours is >= 1 and <= 720, "ResentFrameWindowHours", o.ResentFrameWindowHours, "1-720 hours (30 days)");
        Expect(o.StatusIntervalSeconds is >= 1 and <= 86400, "StatusIntervalSeconds", o.StatusIntervalSeconds, "1-86400");
        Expect(o.Monitors.Count <= Validation.MaxMonitors, "Monitors", o.Monitors.Count, $"at most {Validation.MaxMonitors} monitors");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.Monitors.Count; i++)
        {
            var m = o.Monitors[i];
            Expect(IsFieldText(m.Mn, Validation.MaxIdLength), $"Monitors:{i}:Mn", m.Mn, $"1-{Validation.MaxIdLength} printable ASCII characters without ';', '=', ',' or '&'");
            Expect(m.Mn.Length == 0 || seen.Add(m.Mn), $"Monitors:{i}:Mn", m.Mn, "an MN registered once");
            Expect(IsFieldText(m.Pw, 64), $"Monitors:{i}:Pw", m.Pw, "the monitor's password: 1-64 printable ASCII characters without ';', '=', ',' or '&'");
            Expect(m.Station is null || m.Station.Length is >= 1 and <= Validation.MaxIdLength, $"Monitors:{i}:Station", m.Station, $"no key, or 1-{Validation.MaxIdLength} characters");
            Expect(m.ParticulateScale is > 0 and <= 1_000_000, $"Monitors:{i}:ParticulateScale", m.ParticulateScale, "more than 0 (1, or 1000 for mg/m³)");
            Expect(m.MinuteWindowSeconds is >= 1 and <= 3600, $"Monitors:{i}:MinuteWindowSeconds", m.MinuteWindowSeconds, "1-3600");
            Expect(Enum.IsDefined(m.Clock), $"Monitors:{i}:Clock", m.Clock, "Unsynchronised, NetworkSynced or GnssDisciplined");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsFieldText(string? value, int max) =>
        value is { Length: > 0 } && value.Length <= max && value.All(c => c is > ' ' and < (char)0x7F and not (';' or '=' or ',' or '&'));
}
