using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Codecs;

/// <summary>
/// The compact encoding: "GEB1", a message type byte, then varints. A batch of readings names each series
/// (sensor, quantity, unit, decimal scale) once, and each reading carries a series index, a time delta and
/// scaled integers, so a minute aggregate costs about 10 bytes. Lossless: a series whose values are not exact
/// decimals with at most 6 places falls back to 8-byte doubles. The layout is in protocol/WIRE.md.
/// </summary>
public static partial class BinaryCodec
{
    private const byte TypeBatch = 1, TypeStatus = 2, TypeAck = 3, TypeCommand = 4, TypeConfig = 5;
    private const byte KindReading = 1, KindAlert = 2, KindCommandResult = 3, KindJson = 4, KindAttachmentChunk = 5;
    /// <summary>The longest string a command result's detail or a configuration's rules may take, in UTF-8 bytes.</summary>
    internal const int MaxLongStringBytes = 1024 * 1024;
    private const byte TimeInMilliseconds = 0, TimeInSeconds = 1;
    private const byte RawDoubles = 255;
    private const int MaxDecimals = 6;
    private const int MaxSeries = 4096;
    private static readonly double[] Pow10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
    private static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static byte[] Encode(IWireMessage message)
    {
        var w = new ByteWriter(256);
        WriteHeader(ref w, message);
        switch (message)
        {
            case Batch b: EncodeBatch(ref w, b); break;
            case GatewayStatus s:
                w.Byte(TypeStatus);
                w.String(s.GatewayId);
                w.Byte((byte)s.State);
                w.String(s.SoftwareVersion);
                w.String(s.ConfigVersion);
                Span<byte> guid = stackalloc byte[16];
                s.BootId.TryWriteBytes(guid);
                w.Write(guid);
                w.ZigZag(s.Timestamp.ToUnixTimeMilliseconds());
                // Optional trailer: a status without monitors encodes exactly as before.
                if (s.Monitors is { } monitors)
                {
                    w.VarUInt((ulong)monitors.Count);
                    foreach (var m in monitors)
                    {
                        w.String(m.Mn);
                        w.Byte((byte)((m.Station is null ? 0 : 1) | (m.LastContact is null ? 0 : 2) | (m.ConformanceWarnings == 0 ? 0 : 4)));
                        if (m.Station is not null) w.String(m.Station);
                        if (m.LastContact is { } at) w.ZigZag(at.ToUnixTimeMilliseconds());
                        if (m.ConformanceWarnings != 0) w.VarUInt((ulong)m.ConformanceWarnings);
                    }
                }
                break;
            case Ack a:
                w.Byte(TypeAck);
                w.String(a.GatewayId);
                w.String(a.Stream);
                w.VarUInt((ulong)a.Ranges.Count);
                foreach (var r in a.Ranges) { w.VarUInt((ulong)r.From); w.VarUInt((ulong)(r.To - r.From)); }
                break;
            case Command c:
                w.Byte(TypeCommand);
                w.String(c.Id);
                w.String(c.GatewayId);
                w.String(c.Name);
                w.ZigZag(c.IssuedAt.ToUnixTimeMilliseconds());
                w.Byte((byte)((c.AlertId is null ? 0 : 1) | (c.By is null ? 0 : 2)));
                if (c.AlertId is not null) w.String(c.AlertId);
                if (c.By is not null) w.String(c.By);
                break;
            case GatewayConfig g:
                w.Byte(TypeConfig);
                w.String(g.GatewayId);
                w.String(g.Version);
                w.String(g.AlertRules);
                // Optional trailer: a configuration without a terminal directory encodes exactly as before.
                if (g.Terminals is not null) w.String(g.Terminals);
                break;
            default: throw new ArgumentException($"cannot encode {message.GetType().Name}", nameof(message));
        }
        return w.ToArray();
    }

    // The 4-byte header and, in a version 2 payload, the store block.
    private static void WriteHeader(ref ByteWriter w, IWireMessage message)
    {
        Span<byte> header = stackalloc byte[PayloadHeader.Length];
        var version = PayloadHeader.VersionOf(message);
        PayloadHeader.Write(header, WireFormat.Binary, version);
        w.Write(header);
        if (version == PayloadHeader.StoreVersion) EncodeStoreBlock(ref w, message);
    }

    // A batch's type byte and what comes before its record kind.
    private static void WriteBatchHead(ref ByteWriter w, string gatewayId, string stream, long firstSeq, int count)
    {
        w.Byte(TypeBatch);
        w.String(gatewayId);
        w.String(stream);
        w.VarUInt((ulong)firstSeq);
        w.VarUInt((ulong)count);
    }

    private static void EncodeBatch(ref ByteWriter w, Batch b)
    {
        WriteBatchHead(ref w, b.GatewayId, b.Stream, b.FirstSeq, b.Records.Count);
        if (b.Records.Count == 0) { w.Byte(KindReading); return; }
        if (b.Records.All(r => r is Alert))
        {
            w.Byte(KindAlert);
            EncodeAlerts(ref w, b.Records);
            return;
        }
        if (b.Records.All(r => r is CommandResult))
        {
            w.Byte(KindCommandResult);
            foreach (var record in b.Records) WriteCommandResult(ref w, (CommandResult)record);
            return;
        }
        if (b.Records.All(r => r is CheckIn or PatrolRecord or ProblemReport or TaskStep))
        {
            // Terminal records are few and nested: each is its JSON form, length-prefixed.
            w.Byte(KindJson);
            using var json = new JsonRecordWriter();
            foreach (var record in b.Records) json.Write(ref w, record);
            return;
        }
        if (b.Records.All(r => r is AttachmentChunk))
        {
            w.Byte(KindAttachmentChunk);
            foreach (var record in b.Records) WriteChunk(ref w, (AttachmentChunk)record);
            return;
        }
        if (!b.Records.All(r => r is Reading)) throw new ArgumentException($"stream '{b.Stream}': a batch holds records of one kind only", nameof(b));
        w.Byte(KindReading);

        var readings = b.Records.Cast<Reading>().ToArray();
        var wholeSeconds = readings.All(r => r.Timestamp.ToUnixTimeMilliseconds() % 1000 == 0);
        long Units(Reading r) => wholeSeconds ? r.Timestamp.ToUnixTimeSeconds() : r.Timestamp.ToUnixTimeMilliseconds();

        var seriesIndex = new Dictionary<(string, string, string), int>();
        var series = new List<(string Sensor, string Quantity, string Unit, List<Reading> Members)>();
        var indexOf = new int[readings.Length];
        for (var i = 0; i < readings.Length; i++)
        {
            var r = readings[i];
            var key = (r.SensorId, r.Quantity, r.Unit);
            if (!seriesIndex.TryGetValue(key, out var idx))
            {
                idx = series.Count;
                seriesIndex[key] = idx;
                series.Add((r.SensorId, r.Quantity, r.Unit, []));
            }
            series[idx].Members.Add(r);
            indexOf[i] = idx;
        }
        var decimals = series.Select(s => ChooseDecimals(s.Members)).ToArray();

        w.Byte(wholeSeconds ? TimeInSeconds : TimeInMilliseconds);
        var previous = Units(readings[0]);
        w.ZigZag(previous);
        w.VarUInt((ulong)series.Count);
        for (var s = 0; s < series.Count; s++)
        {
            w.String(series[s].Sensor);
            w.String(series[s].Quantity);
            w.String(series[s].Unit);
            w.Byte(decimals[s]);
        }
        for (var i = 0; i < readings.Length; i++)
        {
            var r = readings[i];
            var d = decimals[indexOf[i]];
            w.VarUInt((ulong)indexOf[i]);
            var t = Units(r);
            w.ZigZag(t - previous);
            previous = t;
            WriteReadingTail(ref w, r, d);
        }
    }

    // What follows a reading's series index and time: flags, the value (or the window) at the series' decimal scale.
    private static void WriteReadingTail(ref ByteWriter w, Reading r, byte d)
    {
        w.Byte((byte)((byte)r.Clock | (r.Window is null ? 0 : 0b100) | ((byte)r.Flag << 3)));
        if (r.Window is not { } win)
        {
            WriteValue(ref w, r.Value, d);
            return;
        }
        WriteValue(ref w, win.Avg, d);
        if (d == RawDoubles) { w.Double(win.Min); w.Double(win.Max); }
        else
        {
            var avg = Scale(win.Avg, d);
            w.ZigZag(avg - Scale(win.Min, d));
            w.ZigZag(Scale(win.Max, d) - avg);
        }
        w.VarUInt((ulong)win.Count);
        w.VarUInt((ulong)win.WindowSeconds);
    }

    // Alerts are few and small: each record is written in full, with no series table or time deltas.
    private static void EncodeAlerts(ref ByteWriter w, IReadOnlyList<Record> records)
    {
        foreach (var record in records) WriteAlert(ref w, (Alert)record);
    }

    private static void WriteAlert(ref ByteWriter w, Alert a)
    {
        w.String(a.AlertId);
        w.String(a.RuleId);
        w.Byte((byte)a.AlertKind);
        w.Byte((byte)a.State);
        w.Byte((byte)a.Severity);
        w.String(a.SensorId);
        w.String(a.Quantity);
        w.ZigZag(a.Timestamp.ToUnixTimeMilliseconds());
        w.Byte((byte)((byte)a.Clock | (a.AcknowledgedBy is null ? 0 : 0b100)));
        if (a.AcknowledgedBy is not null) w.String(a.AcknowledgedBy);
        w.VarUInt((ulong)a.Values.Count);
        foreach (var v in a.Values) { w.String(v.Name); w.Double(v.Value); }
    }

    private static DecodeResult<IWireMessage> DecodeAlerts(ref ByteReader r, string gw, string stream, long firstSeq, ulong count)
    {
        // Each alert takes at least 10 bytes: refuse a count the payload cannot hold before allocating for it.
        if (count > (ulong)r.Remaining / 10) return DecodeResult<IWireMessage>.Fail("records", $"{count} alerts cannot fit in {r.Remaining} bytes");
        var records = new Record[count];
        for (var i = 0; i < records.Length; i++)
        {
            if (!r.String(out var alertId)) return Truncated($"records[{i}].alertId", r);
            if (!r.String(out var ruleId)) return Truncated($"records[{i}].ruleId", r);
            if (!r.Byte(out var kind)) return Truncated($"records[{i}].alertKind", r);
            if (!r.Byte(out var state)) return Truncated($"records[{i}].state", r);
            if (!r.Byte(out var severity)) return Truncated($"records[{i}].severity", r);
            if (!r.String(out var sensor)) return Truncated($"records[{i}].sensorId", r);
            if (!r.String(out var quantity)) return Truncated($"records[{i}].quantity", r);
            if (!r.ZigZag(out var ms)) return Truncated($"records[{i}].timestamp", r);
            if (ms < MinUnixMs || ms > MaxUnixMs) return DecodeResult<IWireMessage>.Fail($"records[{i}].timestamp", $"{ms} ms is out of range");
            if (!r.Byte(out var flags)) return Truncated($"records[{i}].flags", r);
            if (flags > 0b111) return DecodeResult<IWireMessage>.Fail($"records[{i}].flags", $"{flags} has bits set above bit 2");
            string? acknowledgedBy = null;
            if ((flags & 0b100) != 0)
            {
                if (!r.String(out var by)) return Truncated($"records[{i}].acknowledgedBy", r);
                acknowledgedBy = by;
            }
            if (!r.VarUInt(out var valueCount)) return Truncated($"records[{i}].values", r);
            if (valueCount > (ulong)Validation.MaxAlertValues) return DecodeResult<IWireMessage>.Fail($"records[{i}].values", $"{valueCount} values, more than {Validation.MaxAlertValues}");
            var values = new AlertValue[valueCount];
            for (var v = 0; v < values.Length; v++)
            {
                if (!r.String(out var name)) return Truncated($"records[{i}].values[{v}].name", r);
                if (!r.Double(out var value)) return Truncated($"records[{i}].values[{v}].value", r);
                values[v] = new AlertValue(name, value);
            }
            records[i] = new Alert(alertId, ruleId, (AlertKind)kind, (AlertState)state, (AlertSeverity)severity, sensor, quantity, values,
                DateTimeOffset.FromUnixTimeMilliseconds(ms), (ClockQuality)(flags & 0b11), acknowledgedBy);
        }
        return DecodeResult<IWireMessage>.Success(new Batch(gw, stream, firstSeq, records));
    }

    private static DecodeResult<IWireMessage> DecodeCommandResults(ref ByteReader r, string gw, string stream, long firstSeq, ulong count)
    {
        // Each result takes at least 6 bytes: refuse a count the payload cannot hold before allocating for it.
        if (count > (ulong)r.Remaining / 6) return DecodeResult<IWireMessage>.Fail("records", $"{count} command results cannot fit in {r.Remaining} bytes");
        var records = new Record[count];
        for (var i = 0; i < records.Length; i++)
        {
            if (!r.String(out var id)) return Truncated($"records[{i}].commandId", r);
            if (!r.String(out var name)) return Truncated($"records[{i}].name", r);
            if (!r.Byte(out var outcome)) return Truncated($"records[{i}].outcome", r);
            if (!r.String(out var detail, MaxLongStringBytes)) return Truncated($"records[{i}].detail", r);
            if (!r.ZigZag(out var ms)) return Truncated($"records[{i}].timestamp", r);
            if (ms < MinUnixMs || ms > MaxUnixMs) return DecodeResult<IWireMessage>.Fail($"records[{i}].timestamp", $"{ms} ms is out of range");
            if (!r.Byte(out var clock)) return Truncated($"records[{i}].clock", r);
            records[i] = new CommandResult(id, name, (CommandOutcome)outcome, detail, DateTimeOffset.FromUnixTimeMilliseconds(ms), (ClockQuality)clock);
        }
        return DecodeResult<IWireMessage>.Success(new Batch(gw, stream, firstSeq, records));
    }

    private static DecodeResult<IWireMessage> DecodeJsonRecords(ref ByteReader r, string gw, string stream, long firstSeq, ulong count)
    {
        // Each record takes at least 3 bytes ("{}" and its length): refuse a count the payload cannot hold before allocating for it.
        if (count > (ulong)r.Remaining / 3) return DecodeResult<IWireMessage>.Fail("records", $"{count} records cannot fit in {r.Remaining} bytes");
        var records = new Record[count];
        for (var i = 0; i < records.Length; i++)
        {
            if (!r.String(out var json, MaxLongStringBytes)) return Truncated($"records[{i}]", r);
            try
            {
                records[i] = JsonSerializer.Deserialize(json, WireJsonContext.Default.Record)
                    ?? throw new JsonException("null");
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
            {
                return DecodeResult<IWireMessage>.Fail($"records[{i}]{(e is JsonException { Path: { Length: > 1 } p } ? p[1..] : "")}", e.Message.Split(" Path:")[0]);
            }
            if (records[i] is not (CheckIn or PatrolRecord or ProblemReport or TaskStep))
                return DecodeResult<IWireMessage>.Fail($"records[{i}].kind", $"a {records[i].GetType().Name} has its own binary layout, not JSON");
        }
        return DecodeResult<IWireMessage>.Success(new Batch(gw, stream, firstSeq, records));
    }

    private static DecodeResult<IWireMessage> DecodeAttachmentChunks(ref ByteReader r, string gw, string stream, long firstSeq, ulong count)
    {
        // Each chunk takes at least 8 bytes: refuse a count the payload cannot hold before allocating for it.
        if (count > (ulong)r.Remaining / 8) return DecodeResult<IWireMessage>.Fail("records", $"{count} chunks cannot fit in {r.Remaining} bytes");
        var records = new Record[count];
        for (var i = 0; i < records.Length; i++)
        {
            if (!r.String(out var sha)) return Truncated($"records[{i}].sha256", r);
            if (!r.String(out var type)) return Truncated($"records[{i}].contentType", r);
            if (!r.VarUInt(out var total) || total > (ulong)Validation.MaxAttachmentBytes) return DecodeResult<IWireMessage>.Fail($"records[{i}].totalSize", "missing or too large");
            if (!r.VarUInt(out var offset) || offset > total) return DecodeResult<IWireMessage>.Fail($"records[{i}].offset", "missing or beyond the file");
            if (!r.VarUInt(out var length) || length > (ulong)Validation.MaxAttachmentChunkBytes) return DecodeResult<IWireMessage>.Fail($"records[{i}].data", "missing or too long");
            if (!r.Bytes((int)length, out var data)) return Truncated($"records[{i}].data", r);
            if (!r.String(out var terminal)) return Truncated($"records[{i}].terminalId", r);
            if (!r.ZigZag(out var ms)) return Truncated($"records[{i}].timestamp", r);
            if (ms < MinUnixMs || ms > MaxUnixMs) return DecodeResult<IWireMessage>.Fail($"records[{i}].timestamp", $"{ms} ms is out of range");
            if (!r.Byte(out var clock)) return Truncated($"records[{i}].clock", r);
            records[i] = new AttachmentChunk(sha, type, (long)total, (long)offset, data.ToArray(), terminal, DateTimeOffset.FromUnixTimeMilliseconds(ms), (ClockQuality)clock);
        }
        return DecodeResult<IWireMessage>.Success(new Batch(gw, stream, firstSeq, records));
    }

    private static DecodeResult<IWireMessage> DecodeCommand(ref ByteReader r)
    {
        if (!r.String(out var id)) return Truncated("id", r);
        if (!r.String(out var gw)) return Truncated("gatewayId", r);
        if (!r.String(out var name)) return Truncated("name", r);
        if (!r.ZigZag(out var ms)) return Truncated("issuedAt", r);
        if (ms < MinUnixMs || ms > MaxUnixMs) return DecodeResult<IWireMessage>.Fail("issuedAt", $"{ms} ms is out of range");
        if (!r.Byte(out var present) || present > 3) return DecodeResult<IWireMessage>.Fail("flags", "missing or bad presence byte");
        string? alertId = null, by = null;
        if ((present & 1) != 0)
        {
            if (!r.String(out var a)) return Truncated("alertId", r);
            alertId = a;
        }
        if ((present & 2) != 0)
        {
            if (!r.String(out var b)) return Truncated("by", r);
            by = b;
        }
        return DecodeResult<IWireMessage>.Success(new Command(id, gw, name, DateTimeOffset.FromUnixTimeMilliseconds(ms), alertId, by));
    }

    private static DecodeResult<IWireMessage> DecodeConfig(ref ByteReader r)
    {
        if (!r.String(out var gw)) return Truncated("gatewayId", r);
        if (!r.String(out var version)) return Truncated("version", r);
        if (!r.String(out var rules, MaxLongStringBytes)) return Truncated("alertRules", r);
        string? terminals = null;
        if (r.Remaining > 0)
        {
            if (!r.String(out var t, Validation.MaxTerminalsLength * 3)) return Truncated("terminals", r);
            terminals = t;
        }
        return DecodeResult<IWireMessage>.Success(new GatewayConfig(gw, version, rules, terminals));
    }

    private static void WriteCommandResult(ref ByteWriter w, CommandResult c)
    {
        w.String(c.CommandId);
        w.String(c.Name);
        w.Byte((byte)c.Outcome);
        w.String(c.Detail);
        w.ZigZag(c.Timestamp.ToUnixTimeMilliseconds());
        w.Byte((byte)c.Clock);
    }

    private static void WriteChunk(ref ByteWriter w, AttachmentChunk a)
    {
        w.String(a.Sha256);
        w.String(a.ContentType);
        w.VarUInt((ulong)a.TotalSize);
        w.VarUInt((ulong)a.Offset);
        w.VarUInt((ulong)a.Data.Length);
        w.Write(a.Data);
        w.String(a.TerminalId);
        w.ZigZag(a.Timestamp.ToUnixTimeMilliseconds());
        w.Byte((byte)a.Clock);
    }

    /// <summary>A terminal record as its JSON form, length-prefixed: unescaped UTF-8, as the JSON codec writes it.</summary>
    private sealed class JsonRecordWriter : IDisposable
    {
        private readonly MemoryStream _json = new();
        private readonly Utf8JsonWriter _writer;

        public JsonRecordWriter() => _writer = new Utf8JsonWriter(_json, JsonCodec.WriterOptions);

        public void Write(ref ByteWriter w, Record record)
        {
            _json.SetLength(0);
            _writer.Reset(_json);
            JsonSerializer.Serialize(_writer, record, WireJsonContext.Default.Record);
            _writer.Flush();
            w.VarUInt((ulong)_json.Length);
            w.Write(_json.GetBuffer().AsSpan(0, (int)_json.Length));
        }

        public void Dispose()
        {
            _writer.Dispose();
            _json.Dispose();
        }
    }

    private static void WriteValue(ref ByteWriter w, double v, byte decimals)
    {
        if (decimals == RawDoubles) w.Double(v);
        else w.ZigZag(Scale(v, decimals));
    }

    private static long Scale(double v, byte decimals) => (long)Math.Round(v * Pow10[decimals]);

    private static byte ChooseDecimals(List<Reading> members)
    {
        for (byte d = 0; d <= MaxDecimals; d++)
        {
            var ok = true;
            foreach (var r in members)
            {
                if (!Exact(r.Value, d) || (r.Window is { } w && (!Exact(w.Min, d) || !Exact(w.Max, d) || !Exact(w.Avg, d)))) { ok = false; break; }
            }
            if (ok) return d;
        }
        return RawDoubles;
    }

    private static bool Exact(double v, byte d)
    {
        var scaled = v * Pow10[d];
        if (!(Math.Abs(scaled) < 1e15)) return false;
        return Math.Round(scaled) / Pow10[d] == v;
    }

    /// <summary>Decodes the binary body (after the header) of a payload of the given header version.</summary>
    public static DecodeResult<IWireMessage> DecodeBody(ReadOnlySpan<byte> body, byte version = PayloadHeader.Version)
    {
        var r = new ByteReader(body);
        StoreBlock? store = null;
        if (version == PayloadHeader.StoreVersion)
        {
            var error = DecodeStoreBlock(ref r, out store);
            if (error is not null) return DecodeResult<IWireMessage>.Fail(error);
        }
        var result = DecodeMessage(ref r);
        if (!result.Ok || store is not { } s) return result;
        return DecodeResult<IWireMessage>.Success(result.Value switch
        {
            Batch b => b with { StoreId = s.StoreId },
            Ack a => a with { StoreId = s.StoreId },
            GatewayStatus st => st with { StoreId = s.StoreId, GapNotes = s.GapNotes },
            var other => other,
        });
    }

    private static DecodeResult<IWireMessage> DecodeMessage(ref ByteReader r)
    {
        if (!r.Byte(out var type)) return DecodeResult<IWireMessage>.Fail("type", "missing message type byte");
        var result = type switch
        {
            TypeBatch => DecodeBatch(ref r),
            TypeStatus => DecodeStatus(ref r),
            TypeAck => DecodeAck(ref r),
            TypeCommand => DecodeCommand(ref r),
            TypeConfig => DecodeConfig(ref r),
            _ => DecodeResult<IWireMessage>.Fail("type", $"message type {type} is not batch (1), status (2), ack (3), command (4) or config (5)"),
        };
        if (result.Ok && r.Remaining > 0) return DecodeResult<IWireMessage>.Fail("$", $"{r.Remaining} bytes left over after the message");
        return result;
    }

    private static DecodeResult<IWireMessage> Truncated(string field, in ByteReader r) =>
        DecodeResult<IWireMessage>.Fail(field, $"truncated or malformed at byte {r.Position + PayloadHeader.Length + 1}");

    private static DecodeResult<IWireMessage> DecodeStatus(ref ByteReader r)
    {
        if (!r.String(out var gw)) return Truncated("gatewayId", r);
        if (!r.Byte(out var state)) return Truncated("state", r);
        if (state > 1) return DecodeResult<IWireMessage>.Fail("state", $"{state} is neither offline (0) nor online (1)");
        if (!r.String(out var sw)) return Truncated("softwareVersion", r);
        if (!r.String(out var cfg)) return Truncated("configVersion", r);
        if (!r.Bytes(16, out var guid)) return Truncated("bootId", r);
        if (!r.ZigZag(out var ms)) return Truncated("timestamp", r);
        if (ms < MinUnixMs || ms > MaxUnixMs) return DecodeResult<IWireMessage>.Fail("timestamp", $"{ms} ms is out of range");
        MonitorStatus[]? monitors = null;
        if (r.Remaining > 0)
        {
            if (!r.VarUInt(out var count)) return Truncated("monitors", r);
            // Each monitor takes at least 3 bytes: refuse a count the payload cannot hold before allocating for it.
            if (count > (ulong)Validation.MaxMonitors || count > (ulong)r.Remaining / 3)
                return DecodeResult<IWireMessage>.Fail("monitors", $"{count} monitors cannot fit in {r.Remaining} bytes or exceed {Validation.MaxMonitors}");
            monitors = new MonitorStatus[count];
            for (var i = 0; i < monitors.Length; i++)
            {
                if (!r.String(out var mn)) return Truncated($"monitors[{i}].mn", r);
                if (!r.Byte(out var present) || present > 7) return DecodeResult<IWireMessage>.Fail($"monitors[{i}]", "missing or bad presence byte");
                string? station = null;
                DateTimeOffset? lastContact = null;
                if ((present & 1) != 0)
                {
                    if (!r.String(out var s)) return Truncated($"monitors[{i}].station", r);
                    station = s;
                }
                if ((present & 2) != 0)
                {
                    if (!r.ZigZag(out var at)) return Truncated($"monitors[{i}].lastContact", r);
                    if (at < MinUnixMs || at > MaxUnixMs) return DecodeResult<IWireMessage>.Fail($"monitors[{i}].lastContact", $"{at} ms is out of range");
                    lastContact = DateTimeOffset.FromUnixTimeMilliseconds(at);
                }
                ulong warnings = 0;
                if ((present & 4) != 0)
                {
                    if (!r.VarUInt(out warnings)) return Truncated($"monitors[{i}].conformanceWarnings", r);
                    if (warnings > long.MaxValue) return DecodeResult<IWireMessage>.Fail($"monitors[{i}].conformanceWarnings", $"{warnings} is out of range");
                }
                monitors[i] = new MonitorStatus(mn, station, lastContact, (long)warnings);
            }
        }
        return DecodeResult<IWireMessage>.Success(new GatewayStatus(gw, (GatewayState)state, sw, cfg, new Guid(guid), DateTimeOffset.FromUnixTimeMilliseconds(ms), monitors));
    }

    private static DecodeResult<IWireMessage> DecodeAck(ref ByteReader r)
    {
        if (!r.String(out var gw)) return Truncated("gatewayId", r);
        if (!r.String(out var stream)) return Truncated("stream", r);
        if (!r.VarUInt(out var count)) return Truncated("ranges", r);
        if (count > (ulong)r.Remaining) return DecodeResult<IWireMessage>.Fail("ranges", $"{count} ranges cannot fit in {r.Remaining} bytes");
        var ranges = new SeqRange[count];
        for (var i = 0; i < ranges.Length; i++)
        {
            if (!r.VarUInt(out var from) || !r.VarUInt(out var span)) return Truncated($"ranges[{i}]", r);
            if (from > long.MaxValue / 2 || span > long.MaxValue / 2) return DecodeResult<IWireMessage>.Fail($"ranges[{i}]", "sequence number out of range");
            ranges[i] = new SeqRange((long)from, (long)(from + span));
        }
        return DecodeResult<IWireMessage>.Success(new Ack(gw, stream, ranges));
    }

    private static DecodeResult<IWireMessage> DecodeBatch(ref ByteReader r)
    {
        if (!r.String(out var gw)) return Truncated("gatewayId", r);
        if (!r.String(out var stream)) return Truncated("stream", r);
        if (!r.VarUInt(out var firstSeq)) return Truncated("firstSeq", r);
        if (firstSeq > long.MaxValue / 2) return DecodeResult<IWireMessage>.Fail("firstSeq", $"{firstSeq} is out of range");
        if (!r.VarUInt(out var count)) return Truncated("records", r);
        if (count > Validation.MaxRecordsPerBatch) return DecodeResult<IWireMessage>.Fail("records", $"{count} records, more than {Validation.MaxRecordsPerBatch}");
        if (!r.Byte(out var kind)) return Truncated("kind", r);
        if (kind is < KindReading or > KindAttachmentChunk)
            return DecodeResult<IWireMessage>.Fail("kind", $"record kind {kind} has no binary layout (1 = reading, 2 = alert, 3 = cmdres, 4 = JSON, 5 = attachment chunk)");
        if (count == 0) return DecodeResult<IWireMessage>.Success(new Batch(gw, stream, (long)firstSeq, []));
        if (kind == KindAlert) return DecodeAlerts(ref r, gw, stream, (long)firstSeq, count);
        if (kind == KindCommandResult) return DecodeCommandResults(ref r, gw, stream, (long)firstSeq, count);
        if (kind == KindJson) return DecodeJsonRecords(ref r, gw, stream, (long)firstSeq, count);
        if (kind == KindAttachmentChunk) return DecodeAttachmentChunks(ref r, gw, stream, (long)firstSeq, count);
        // Each reading takes at least 3 bytes: refuse a count the payload cannot hold before allocating for it.
        if (count > (ulong)r.Remaining / 3) return DecodeResult<IWireMessage>.Fail("records", $"{count} records cannot fit in {r.Remaining} bytes");

        if (!r.Byte(out var timeUnit) || timeUnit > TimeInSeconds) return DecodeResult<IWireMessage>.Fail("timeUnit", "missing, or neither milliseconds (0) nor seconds (1)");
        if (!r.ZigZag(out var time)) return Truncated("baseTime", r);
        if (!r.VarUInt(out var seriesCount)) return Truncated("series", r);
        if (seriesCount == 0 || seriesCount > MaxSeries) return DecodeResult<IWireMessage>.Fail("series", $"{seriesCount} series, expected 1-{MaxSeries}");
        var series = new (string Sensor, string Quantity, string Unit, byte Decimals)[seriesCount];
        for (var s = 0; s < series.Length; s++)
        {
            if (!r.String(out var sensor)) return Truncated($"series[{s}].sensorId", r);
            if (!r.String(out var quantity)) return Truncated($"series[{s}].quantity", r);
            if (!r.String(out var unit)) return Truncated($"series[{s}].unit", r);
            if (!r.Byte(out var d)) return Truncated($"series[{s}].decimals", r);
            if (d > MaxDecimals && d != RawDoubles) return DecodeResult<IWireMessage>.Fail($"series[{s}].decimals", $"{d} is not 0-{MaxDecimals} or {RawDoubles}");
            series[s] = (sensor, quantity, unit, d);
        }
        var records = new Record[count];
        var msPerUnit = timeUnit == TimeInSeconds ? 1000L : 1L;
        for (var i = 0; i < records.Length; i++)
        {
            if (!r.VarUInt(out var idx)) return Truncated($"records[{i}].series", r);
            if (idx >= (ulong)series.Length) return DecodeResult<IWireMessage>.Fail($"records[{i}].series", $"index {idx} but only {series.Length} series");
            var (sensor, quantity, unit, d) = series[idx];
            if (!r.ZigZag(out var delta)) return Truncated($"records[{i}].timestamp", r);
            time += delta;
            if (time < MinUnixMs / msPerUnit || time > MaxUnixMs / msPerUnit) return DecodeResult<IWireMessage>.Fail($"records[{i}].timestamp", "out of range");
            if (!r.Byte(out var flags)) return Truncated($"records[{i}].flags", r);
            if (!ReadValue(ref r, d, out var value)) return Truncated($"records[{i}].value", r);
            Aggregate? window = null;
            if ((flags & 0b100) != 0)
            {
                double min, max;
                if (d == RawDoubles)
                {
                    if (!r.Double(out min) || !r.Double(out max)) return Truncated($"records[{i}].window", r);
                }
                else
                {
                    if (!r.ZigZag(out var below) || !r.ZigZag(out var above)) return Truncated($"records[{i}].window", r);
                    var avg = Scale(value, d);
                    min = (avg - below) / Pow10[d];
                    max = (avg + above) / Pow10[d];
                }
                if (!r.VarUInt(out var n) || !r.VarUInt(out var seconds)) return Truncated($"records[{i}].window.count", r);
                if (n > int.MaxValue || seconds > int.MaxValue) return DecodeResult<IWireMessage>.Fail($"records[{i}].window", "count or window length out of range");
                window = new Aggregate(min, value, max, (int)n, (int)seconds);
            }
            records[i] = new Reading(sensor, quantity, unit, value, window, (DataFlag)(flags >> 3), DateTimeOffset.FromUnixTimeMilliseconds(time * msPerUnit), (ClockQuality)(flags & 0b11));
        }
        return DecodeResult<IWireMessage>.Success(new Batch(gw, stream, (long)firstSeq, records));
    }

    private static bool ReadValue(ref ByteReader r, byte decimals, out double value)
    {
        if (decimals == RawDoubles) return r.Double(out value);
        value = 0;
        if (!r.ZigZag(out var scaled)) return false;
        value = scaled / Pow10[decimals];
        return true;
    }

    private struct ByteWriter(int capacity)
    {
        private byte[] _buffer = new byte[capacity];
        private int _length;

        private Span<byte> Reserve(int n)
        {
            if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
            var span = _buffer.AsSpan(_length, n);
            _length += n;
            return span;
        }

        public void Byte(byte b) => Reserve(1)[0] = b;
        public void Write(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));
        public void Double(double v) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), v);
        public void Int64(long v) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), v);
        public void ZigZag(long v) => VarUInt((ulong)((v << 1) ^ (v >> 63)));

        public void VarUInt(ulong v)
        {
            while (v >= 0x80) { Byte((byte)(v | 0x80)); v >>= 7; }
            Byte((byte)v);
        }

        public void String(string s)
        {
            var n = Encoding.UTF8.GetByteCount(s);
            VarUInt((ulong)n);
            Encoding.UTF8.GetBytes(s, Reserve(n));
        }

        public readonly byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
    }

    private ref struct ByteReader(ReadOnlySpan<byte> data)
    {
        private const int MaxString = 1024;
        private readonly ReadOnlySpan<byte> _data = data;
        public int Position { get; private set; }
        public readonly int Remaining => _data.Length - Position;

        public bool Byte(out byte b)
        {
            b = 0;
            if (Position >= _data.Length) return false;
            b = _data[Position++];
            return true;
        }

        public bool Bytes(int n, out ReadOnlySpan<byte> bytes)
        {
            bytes = default;
            if (Remaining < n) return false;
            bytes = _data.Slice(Position, n);
            Position += n;
            return true;
        }

        public bool VarUInt(out ulong v)
        {
            v = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (!Byte(out var b)) return false;
                v |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return true;
            }
            return false;
        }

        public bool ZigZag(out long v)
        {
            v = 0;
            if (!VarUInt(out var u)) return false;
            v = (long)(u >> 1) ^ -(long)(u & 1);
            return true;
        }

        public bool Int64(out long v)
        {
            v = 0;
            if (!Bytes(8, out var b)) return false;
            v = BinaryPrimitives.ReadInt64LittleEndian(b);
            return true;
        }

        /// <summary>Steps over a length-prefixed string without decoding it.</summary>
        public bool SkipString()
        {
            if (!VarUInt(out var n) || n > MaxString) return false;
            return Bytes((int)n, out _);
        }

        public bool Double(out double v)
        {
            v = 0;
            if (!Bytes(8, out var b)) return false;
            v = BinaryPrimitives.ReadDoubleLittleEndian(b);
            return true;
        }

        public bool String(out string s, int maxBytes = MaxString)
        {
            s = "";
            if (!VarUInt(out var n) || n > (ulong)maxBytes || !Bytes((int)n, out var bytes)) return false;
            try { s = new UTF8Encoding(false, true).GetString(bytes); }
            catch (DecoderFallbackException) { return false; }
            return true;
        }
    }
}
