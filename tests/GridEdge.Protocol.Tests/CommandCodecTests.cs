using System.Text;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Protocol.Tests;

/// <summary>Commands, configurations and command results: round trips in both formats and the rules validation enforces.</summary>
public class CommandCodecTests
{
    public static TheoryData<string> Formats() => new("json", "bin");

    private static WireFormat Format(string f) => f == "json" ? WireFormat.Json : WireFormat.Binary;

    [Theory]
    [MemberData(nameof(Formats))]
    public void Commands_configs_and_results_round_trip(string format)
    {
        IWireMessage[] messages =
        [
            Samples.AcknowledgeCommand(),
            Samples.SilenceCommand(),
            Samples.AcknowledgeCommand() with { By = null },
            Samples.Config() with { AlertRules = new string('x', 100_000) },
            Samples.CommandResultBatch(),
            new Batch("gw-1", Streams.CommandResults, 1, [new CommandResult("c", "config", CommandOutcome.Failed, new string('e', Validation.MaxDetailLength), Samples.T0, ClockQuality.Corrected)]),
        ];
        foreach (var message in messages)
        {
            var decoded = WireCodec.Decode(WireCodec.Encode(message, Format(format)));
            Assert.True(decoded.Ok, decoded.Error?.ToString());
            Assert.Equal(message, decoded.Value);
        }
    }

    [Theory]
    [InlineData("""{"type":"command","id":"","gatewayId":"gw-1","name":"silence","issuedAt":"2026-11-26T08:00:00+00:00"}""", "id")]
    [InlineData("""{"type":"command","id":"c1","gatewayId":"GW 1","name":"silence","issuedAt":"2026-11-26T08:00:00+00:00"}""", "gatewayId")]
    [InlineData("""{"type":"command","id":"c1","gatewayId":"gw-1","name":"","issuedAt":"2026-11-26T08:00:00+00:00"}""", "name")]
    [InlineData("""{"type":"command","id":"c1","gatewayId":"gw-1","name":"acknowledge","issuedAt":"2026-11-26T08:00:00+00:00","by":""}""", "by")]
    [InlineData("""{"type":"config","gatewayId":"gw-1","version":"","alertRules":"{}"}""", "version")]
    [InlineData("""{"type":"batch","gatewayId":"gw-1","stream":"cmdres","firstSeq":1,"records":[{"kind":"cmdres","commandId":"c","name":"silence","outcome":"done","detail":"","timestamp":"2026-11-26T08:00:00+00:00","clock":"corrected"}]}""", "outcome")]
    [InlineData("""{"type":"batch","gatewayId":"gw-1","stream":"alerts","firstSeq":1,"records":[{"kind":"cmdres","commandId":"c","name":"silence","outcome":"ok","detail":"","timestamp":"2026-11-26T08:00:00+00:00","clock":"corrected"}]}""", "records[0].kind")]
    public void Invalid_commands_configs_and_results_name_the_field(string json, string field)
    {
        var result = WireCodec.Decode(Encoding.UTF8.GetBytes("GEJ1" + json));
        Assert.False(result.Ok);
        Assert.Contains(field, result.Error!.Field);
    }

    [Fact]
    public void A_truncated_binary_command_is_an_error_not_an_exception()
    {
        var bytes = WireCodec.Encode(Samples.AcknowledgeCommand(), WireFormat.Binary);
        for (var length = 4; length < bytes.Length; length++)
            Assert.False(WireCodec.Decode(bytes.AsSpan(0, length)).Ok);
    }
}
