using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Hosting;

/// <summary>Checks <see cref="EdgeOptions"/> and names every key that is wrong, its value and what was expected.</summary>
public sealed class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeOptions o)
    {
        var failures = new List<string>();
        void Expect(bool ok, string key, object? value, string expected)
        {
            if (!ok) failures.Add($"{EdgeOptions.Section}:{key} is '{value}'; expected {expected}");
        }

        Expect(GatewayIds.IsValid(o.GatewayId), "GatewayId", o.GatewayId, GatewayIds.Rule);
        Expect(!string.IsNullOrWhiteSpace(o.DataDirectory), "DataDirectory", o.DataDirectory, "a directory path");
        Expect(o.ConfigVersion is { Length: > 0 and <= Validation.MaxIdLength }, "ConfigVersion", o.ConfigVersion, $"1-{Validation.MaxIdLength} characters");

        Expect(!string.IsNullOrWhiteSpace(o.Broker.Host), "Broker:Host", o.Broker.Host, "a host name or address");
        Expect(o.Broker.Port is >= 1 and <= 65535, "Broker:Port", o.Broker.Port, "a port 1-65535");
        Expect(o.Broker.CaFile is not { Length: > 0 } || (o.Broker.UseTls && File.Exists(o.Broker.CaFile)), "Broker:CaFile", o.Broker.CaFile,
            "an existing PEM file of the broker's CA, with Broker:UseTls=true");
        Expect(o.Broker.Username is null || o.Broker.Username.Length > 0, "Broker:Username", o.Broker.Username, "a user name, or no key to use the gateway id");
        Expect(o.Broker.KeepAliveSeconds is >= 1 and <= 65535, "Broker:KeepAliveSeconds", o.Broker.KeepAliveSeconds, "1-65535 seconds");
        Expect(o.Broker.ConnectTimeoutSeconds >= 1, "Broker:ConnectTimeoutSeconds", o.Broker.ConnectTimeoutSeconds, "at least 1 second");

        Expect(TryParseFormat(o.Uplink.Format, out _), "Uplink:Format", o.Uplink.Format, "'binary' or 'json'");
        Expect(o.Uplink.BatchMaxRecords is >= 1 and <= Validation.MaxRecordsPerBatch, "Uplink:BatchMaxRecords", o.Uplink.BatchMaxRecords, $"1-{Validation.MaxRecordsPerBatch}");
        Expect(o.Uplink.BatchMaxBytes is >= 1024 and <= WireCodec.DefaultMaxPayloadBytes, "Uplink:BatchMaxBytes", o.Uplink.BatchMaxBytes, $"1024-{WireCodec.DefaultMaxPayloadBytes}");
        Expect(o.Uplink.MaxInFlightBatches is >= 1 and <= 1000, "Uplink:MaxInFlightBatches", o.Uplink.MaxInFlightBatches, "1-1000");
        Expect(o.Uplink.AckTimeoutSeconds is > 0 and <= 3600, "Uplink:AckTimeoutSeconds", o.Uplink.AckTimeoutSeconds, "more than 0 and at most 3600 seconds");
        Expect(o.Uplink.ReconnectBaseSeconds is > 0 and <= 3600, "Uplink:ReconnectBaseSeconds", o.Uplink.ReconnectBaseSeconds, "more than 0 and at most 3600 seconds");
        Expect(o.Uplink.ReconnectCapSeconds >= o.Uplink.ReconnectBaseSeconds && o.Uplink.ReconnectCapSeconds <= 86400, "Uplink:ReconnectCapSeconds",
            o.Uplink.ReconnectCapSeconds, $"at least Uplink:ReconnectBaseSeconds ({o.Uplink.ReconnectBaseSeconds}) and at most 86400");

        Expect(o.Outbox.QuotaBytes is null or 0 or >= 1024 * 1024, "Outbox:QuotaBytes", o.Outbox.QuotaBytes, "at least 1048576 bytes, 0 for no quota, or no key for a quarter of the filesystem");
        Expect(o.Outbox.RepeatedErrorLogSeconds is >= 1 and <= 86400, "Outbox:RepeatedErrorLogSeconds", o.Outbox.RepeatedErrorLogSeconds, "1-86400 seconds");

        var t = o.Terminals;
        Expect(Uri.TryCreate(t.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.AbsolutePath == "/" && string.IsNullOrEmpty(url.Query),
            "Terminals:Url", t.Url, "an http:// or https:// address with a port and no path, e.g. http://0.0.0.0:8080");
        Expect(double.IsFinite(t.MaxAccuracyMeters) && t.MaxAccuracyMeters is > 0 and <= 100_000, "Terminals:MaxAccuracyMeters", t.MaxAccuracyMeters,
            "more than 0 and at most 100000 metres");
        Expect(t.AttachmentQuotaBytes >= Validation.MaxAttachmentBytes, "Terminals:AttachmentQuotaBytes", t.AttachmentQuotaBytes,
            $"at least {Validation.MaxAttachmentBytes} bytes (one largest attachment)");
        Expect(t.AttachmentChunkBytes is >= 1024 and <= Validation.MaxAttachmentChunkBytes, "Terminals:AttachmentChunkBytes", t.AttachmentChunkBytes,
            $"1024-{Validation.MaxAttachmentChunkBytes} bytes");
        Expect(t.MaxJsonBytes is >= 4096 and <= 64 * 1024 * 1024, "Terminals:MaxJsonBytes", t.MaxJsonBytes, "4096-67108864 bytes");
        Expect(t.MaxConnections is >= 1 and <= 100_000, "Terminals:MaxConnections", t.MaxConnections, "1-100000");
        Expect(t.ListenBacklog is >= 1 and <= 65_535, "Terminals:ListenBacklog", t.ListenBacklog, "1-65535");
        Expect(t.KeepAliveTimeoutSeconds is >= 1 and <= 3600, "Terminals:KeepAliveTimeoutSeconds", t.KeepAliveTimeoutSeconds, "1-3600 seconds");
        Expect(t.RequestHeadersTimeoutSeconds is >= 1 and <= 300, "Terminals:RequestHeadersTimeoutSeconds", t.RequestHeadersTimeoutSeconds, "1-300 seconds");
        Expect(t.MaxRequestHeadersBytes is >= 8192 and <= 1024 * 1024, "Terminals:MaxRequestHeadersBytes", t.MaxRequestHeadersBytes, "8192-1048576 bytes");
        Expect(t.MinRequestBodyBytesPerSecond is >= 0 and <= 100_000_000, "Terminals:MinRequestBodyBytesPerSecond", t.MinRequestBodyBytesPerSecond,
            "0 (no check) to 100000000 bytes a second");
        Expect(t.RequestsPerMinute is >= 1 and <= 1_000_000, "Terminals:RequestsPerMinute", t.RequestsPerMinute, "1-1000000");
        Expect(t.RequestBurst is >= 1 and <= 1_000_000, "Terminals:RequestBurst", t.RequestBurst, "1-1000000");
        Expect(t.MaxFutureSkewMinutes is >= 0 and <= 10_080, "Terminals:MaxFutureSkewMinutes", t.MaxFutureSkewMinutes, "0-10080 minutes (a week)");
        Expect(t.MaxAgeDays is >= 1 and <= 3650, "Terminals:MaxAgeDays", t.MaxAgeDays, "1-3650 days");
        Expect(t.UploadQuotaBytesPerTerminal >= Validation.MaxAttachmentBytes && t.UploadQuotaBytesPerTerminal <= t.AttachmentQuotaBytes,
            "Terminals:UploadQuotaBytesPerTerminal", t.UploadQuotaBytesPerTerminal,
            $"at least {Validation.MaxAttachmentBytes} bytes (one largest attachment) and at most Terminals:AttachmentQuotaBytes ({t.AttachmentQuotaBytes})");
        Expect(t.MaxOpenUploadsPerTerminal is >= 1 and <= 10_000, "Terminals:MaxOpenUploadsPerTerminal", t.MaxOpenUploadsPerTerminal, "1-10000");
        Expect(t.StaleUploadMinutes is >= 1 and <= 10_080, "Terminals:StaleUploadMinutes", t.StaleUploadMinutes, "1-10080 minutes (a week)");
        Expect(t.IdempotencyRetentionDays is >= 1 and <= 365, "Terminals:IdempotencyRetentionDays", t.IdempotencyRetentionDays, "1-365 days");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static bool TryParseFormat(string? value, out WireFormat format)
    {
        format = WireFormat.Binary;
        if (string.Equals(value, "binary", StringComparison.OrdinalIgnoreCase)) return true;
        if (!string.Equals(value, "json", StringComparison.OrdinalIgnoreCase)) return false;
        format = WireFormat.Json;
        return true;
    }
}
