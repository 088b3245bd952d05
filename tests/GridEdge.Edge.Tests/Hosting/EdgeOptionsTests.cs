using GridEdge.Edge.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Tests;

public sealed class EdgeOptionsTests
{
    private static EdgeOptions Valid() => new() { GatewayId = "gw-1" };

    [Fact]
    public void Defaults_with_a_gateway_id_are_valid()
    {
        Assert.True(new EdgeOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Theory]
    [InlineData("Bad Id")]
    [InlineData("")]
    [InlineData("-starts-with-dash")]
    public void A_bad_gateway_id_is_rejected_with_a_message_naming_the_key_value_and_rule(string id)
    {
        var options = Valid();
        options.GatewayId = id;
        var result = new EdgeOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Edge:GatewayId", result.FailureMessage);
        Assert.Contains($"'{id}'", result.FailureMessage);
        Assert.Contains("a-z", result.FailureMessage);
    }

    [Theory]
    [InlineData(100L, true)]
    [InlineData(-1L, true)]
    [InlineData(0L, false)]
    [InlineData(4L * 1024 * 1024, false)]
    public void An_outbox_quota_below_one_mebibyte_is_refused_naming_the_key_and_0_turns_it_off(long quota, bool refused)
    {
        var options = Valid();
        options.Outbox.QuotaBytes = quota;
        var result = new EdgeOptionsValidator().Validate(null, options);
        Assert.Equal(refused, result.Failed);
        if (refused) Assert.Contains($"Edge:Outbox:QuotaBytes is '{quota}'; expected at least 1048576 bytes", result.FailureMessage);
    }

    [Fact]
    public void Bad_port_format_and_batch_sizes_are_each_named()
    {
        var options = Valid();
        options.Broker.Port = 70000;
        options.Uplink.Format = "xml";
        options.Uplink.BatchMaxRecords = 0;
        options.Uplink.ReconnectCapSeconds = 0.5;
        options.Terminals.ListenBacklog = 0;
        var message = new EdgeOptionsValidator().Validate(null, options).FailureMessage;
        Assert.Contains("Edge:Broker:Port is '70000'", message);
        Assert.Contains("Edge:Uplink:Format is 'xml'", message);
        Assert.Contains("Edge:Uplink:BatchMaxRecords is '0'", message);
        Assert.Contains("Edge:Uplink:ReconnectCapSeconds", message);
        Assert.Contains("Edge:Terminals:ListenBacklog is '0'", message);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("Edge:Brokr:Port", "1883", "Edge:Brokr:Port is not a configuration key")]
    [InlineData("Edge:Hj212:Monitors:0:Pwd", "x", "Edge:Hj212:Monitors:0:Pwd is not a configuration key")]
    [InlineData("Edge:Hardware:Dust:Baud", "9600", "Edge:Hardware:Dust:Baud is not a configuration key")]
    [InlineData("Edge:Broker:Port", "abc", "Failed to convert configuration value 'abc' at 'Edge:Broker:Port'")]
    [InlineData("Edge:Hj212:Port", "eighty", "Failed to convert configuration value 'eighty' at 'Edge:Hj212:Port'")]
    [InlineData("Edge:Broker:CaFile", "/no/such/ca.pem", "Edge:Broker:CaFile is '/no/such/ca.pem'")]
    public async Task A_misspelt_key_or_an_unconvertible_value_stops_the_host_at_start_naming_it(string key, string value, string expected)
    {
        using var dir = new TempDirectory();
        using var host = EdgeHost.Build([], new Dictionary<string, string?>
        {
            ["Edge:GatewayId"] = "gw-1",
            ["Edge:DataDirectory"] = dir.Path,
            [key] = value,
        });
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(e.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_host_with_a_bad_gateway_id_stops_at_start_naming_Edge_GatewayId()
    {
        using var dir = new TempDirectory();
        using var host = EdgeHost.Build([], new Dictionary<string, string?>
        {
            ["Edge:GatewayId"] = "Not Valid!",
            ["Edge:DataDirectory"] = dir.Path,
        });
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Edge:GatewayId", e.Message);
        Assert.Contains("Not Valid!", e.Message);
    }
}
