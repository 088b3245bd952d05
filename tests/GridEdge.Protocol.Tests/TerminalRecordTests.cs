using Record = GridEdge.Protocol.Records.Record;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Tests;

/// <summary>The enforcement terminals' records and the terminal directory: their rules and their binary layouts under damage.</summary>
public class TerminalRecordTests
{
    private static CheckIn GoodCheckIn => (CheckIn)Samples.CheckInBatch().Records[0];
    private static PatrolRecord GoodPatrol => (PatrolRecord)Samples.UploadBatch().Records[0];
    private static ProblemReport GoodProblem => (ProblemReport)Samples.UploadBatch().Records[1];
    private static AttachmentChunk GoodChunk => (AttachmentChunk)Samples.AttachmentBatch().Records[0];

    public static TheoryData<string, string> BrokenRecords() => new()
    {
        { "gridCode", "checkin: grid code of 9 digits" },
        { "latitude", "checkin: latitude 91" },
        { "accuracyMeters", "checkin: negative accuracy" },
        { "recordId", "checkin: record id with a space" },
        { "endedAt", "patrol: ends before it starts" },
        { "places[0].id", "patrol: key point without an id" },
        { "track[1].longitude", "patrol: track point at longitude 181" },
        { "attachments[0]", "problem: attachment that is not a SHA-256" },
        { "description", "problem: empty description" },
        { "offset", "chunk: bytes beyond the file's size" },
        { "contentType", "chunk: a PDF" },
    };

    [Theory]
    [MemberData(nameof(BrokenRecords))]
    public void A_broken_record_is_refused_naming_the_field(string field, string what)
    {
        Record record = what switch
        {
            "checkin: grid code of 9 digits" => GoodCheckIn with { GridCode = "370102001" },
            "checkin: latitude 91" => GoodCheckIn with { Latitude = 91 },
            "checkin: negative accuracy" => GoodCheckIn with { AccuracyMeters = -1 },
            "checkin: record id with a space" => GoodCheckIn with { RecordId = "ci 1" },
            "patrol: ends before it starts" => GoodPatrol with { EndedAt = GoodPatrol.StartedAt.AddSeconds(-1) },
            "patrol: key point without an id" => GoodPatrol with { Places = [GoodPatrol.Places[0] with { Id = null }] },
            "patrol: track point at longitude 181" => GoodPatrol with { Track = [GoodPatrol.Track[0], GoodPatrol.Track[1] with { Longitude = 181 }] },
            "problem: attachment that is not a SHA-256" => GoodProblem with { Attachments = ["photo.jpg"] },
            "problem: empty description" => GoodProblem with { Description = " " },
            "chunk: bytes beyond the file's size" => GoodChunk with { Offset = 5 },
            "chunk: a PDF" => GoodChunk with { ContentType = "application/pdf" },
            _ => throw new ArgumentException(what),
        };

        var error = Validation.CheckRecord(record);

        Assert.NotNull(error);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void The_samples_are_valid()
    {
        foreach (var record in Samples.CheckInBatch().Records.Concat(Samples.UploadBatch().Records).Concat(Samples.AttachmentBatch().Records))
            Assert.Null(Validation.CheckRecord(record));
    }

    [Fact]
    public void A_record_on_the_wrong_stream_is_refused()
    {
        var batch = Samples.CheckInBatch() with { Stream = Streams.Uploads };

        var result = WireCodec.Decode(WireCodec.Encode(batch, WireFormat.Binary));

        Assert.False(result.Ok);
        Assert.Equal("records[0].kind", result.Error!.Field);
        Assert.Contains("patrol records, problem reports and task steps", result.Error.Problem);
    }

    [Theory]
    [InlineData(WireFormat.Binary)]
    [InlineData(WireFormat.Json)]
    public void A_task_step_travels_on_the_uploads_stream_in_both_formats_and_a_broken_one_is_refused(WireFormat format)
    {
        var step = new TaskStep("arrive-7", "m-wang-li", "t-0042", "370102001001", "complaint-5", TaskStepKind.Arrive, 36.65, 117.12, 5,
            new DateTimeOffset(2026, 12, 5, 8, 20, 0, TimeSpan.Zero), "到达现场", [], GeofenceResult.Inside,
            new DateTimeOffset(2026, 12, 5, 8, 20, 2, TimeSpan.Zero), ClockQuality.NetworkSynced);
        var batch = new Batch("gw-1", Streams.Uploads, 7, [step]);

        var decoded = WireCodec.Decode(WireCodec.Encode(batch, format));

        Assert.True(decoded.Ok, decoded.Error?.Problem);
        Assert.Equal(step, Assert.IsType<Batch>(decoded.Value).Records.Single());
        Assert.Null(Validation.CheckRecord(step));
        Assert.Equal("taskId", Validation.CheckRecord(step with { TaskId = "problem-0" })!.Field);
        Assert.Equal("step", Validation.CheckRecord(step with { Step = (TaskStepKind)9 })!.Field);
        // Not on the check-ins stream.
        Assert.False(WireCodec.Decode(WireCodec.Encode(batch with { Stream = Streams.CheckIns }, format)).Ok);
    }

    [Theory]
    [InlineData("batch-checkins")]
    [InlineData("batch-uploads")]
    [InlineData("batch-attachments")]
    [InlineData("config-terminals")]
    public void Every_truncation_is_an_error_not_an_exception(string name)
    {
        var message = Samples.All().Single(s => s.Name == name).Message;
        var bytes = WireCodec.Encode(message, WireFormat.Binary);
        // The directory is an optional trailer: cut exactly before it, a configuration is one without a directory.
        var trailerStart = message is GatewayConfig c ? WireCodec.Encode(c with { Terminals = null }, WireFormat.Binary).Length : -1;
        for (var cut = 0; cut < bytes.Length; cut++)
            if (cut != trailerStart) Assert.False(WireCodec.Decode(bytes.AsSpan(0, cut)).Ok, $"{name} cut to {cut} of {bytes.Length} bytes decoded");
    }

    [Fact]
    public void Every_flipped_byte_of_a_terminal_batch_decodes_or_fails_cleanly()
    {
        var bytes = WireCodec.Encode(Samples.UploadBatch(), WireFormat.Binary);
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x5A;
            var result = WireCodec.Decode(copy);
            Assert.True(result.Ok || result.Error is { Field.Length: > 0 }, $"byte {i}");
        }
    }

    [Fact]
    public void Chinese_text_travels_as_utf8_in_binary_not_as_escapes()
    {
        var bytes = WireCodec.Encode(Samples.UploadBatch(), WireFormat.Binary);

        Assert.True(bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes("村东秸秆堆放点")) >= 0);
        Assert.True(bytes.AsSpan().IndexOf("\\u"u8) < 0);
    }

    [Fact]
    public void A_check_in_on_the_readings_stream_is_refused()
    {
        var good = WireCodec.Encode(Samples.CheckInBatch() with { Records = [GoodCheckIn] }, WireFormat.Binary);
        var forged = WireCodec.Encode(new Batch("gw-370102-001", Streams.Readings, 1, [GoodCheckIn]), WireFormat.Binary);
        var result = WireCodec.Decode(forged);

        Assert.True(WireCodec.Decode(good).Ok);
        Assert.False(result.Ok);
        Assert.Equal("records[0].kind", result.Error!.Field);
    }

    [Fact]
    public void The_directory_round_trips_and_names_every_problem()
    {
        var directory = TerminalDirectory.Parse(Samples.ConfigWithTerminals().Terminals!, out var none);
        Assert.NotNull(directory);
        Assert.Empty(none);
        Assert.Equal(directory, TerminalDirectory.Parse(directory.ToJson(), out _));

        var broken = """
            {"terminals":[{"terminalId":"t 1","memberId":"m-1","gridCode":"3701","tokenSha256":"ABC"},
                          {"terminalId":"t-2","memberId":"m-2","gridCode":"370102001001","tokenSha256":"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"},
                          {"terminalId":"t-2","memberId":"m-2","gridCode":"370102001001","tokenSha256":"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"}],
             "grids":[{"gridCode":"370102001001","name":"x","boundary":[1,2]}]}
            """;
        Assert.Null(TerminalDirectory.Parse(broken, out var errors));
        Assert.Contains(errors, e => e.StartsWith("$.terminals[0].terminalId", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.terminals[0].gridCode", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.terminals[0].tokenSha256", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.terminals[2].terminalId", StringComparison.Ordinal) && e.Contains("twice"));
        Assert.Contains(errors, e => e.StartsWith("$.grids[0].boundary", StringComparison.Ordinal));
        Assert.Null(TerminalDirectory.Parse("{\"terminals\": [", out var syntax));
        Assert.Single(syntax);
    }
}
