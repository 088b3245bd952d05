using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace GridEdge.Integration.Tests;

/// <summary>A gateway with valid credentials of its own that tries to publish a batch under another gateway's id.</summary>
internal static class Impostor
{
    public static async Task<MqttClientPublishReasonCode> PublishAsAsync(int port, GatewayAccount account, string targetGatewayId)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(account.Id)
            .WithCredentials(account.Id, account.Password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build();
        await client.ConnectAsync(options);
        var batch = new Batch(targetGatewayId, Streams.Readings, 1,
            [Reading.Instant("forged", Quantities.Pm2_5, 999, DateTimeOffset.UtcNow, ClockQuality.Unsynchronised)]);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Up(targetGatewayId, Streams.Readings))
            .WithPayload(WireCodec.Encode(batch, WireFormat.Binary))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        MqttClientPublishReasonCode code;
        try { code = (await client.PublishAsync(message)).ReasonCode; }
        catch (MQTTnet.Exceptions.MqttCommunicationException) { code = MqttClientPublishReasonCode.NotAuthorized; }
        // Whether the broker let it through shows later: the test waits for the intruder's own records, sent after this one.
        await client.DisconnectAsync();
        return code;
    }
}
