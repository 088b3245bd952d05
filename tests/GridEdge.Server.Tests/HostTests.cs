using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Tests;

/// <summary>The host refuses bad configuration at start, naming the key.</summary>
public sealed class HostTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("Server:Broker:Port", "70000", "Server:Broker:Port")]
    [InlineData("Server:Broker:CaFile", "/no/such/ca.pem", "Server:Broker:CaFile")]
    [InlineData("Server:Gateways:0:Id", "Bad Id", "Server:Gateways:0:Id")]
    [InlineData("Server:Ingest:MaxPayloadBytes", "0", "Server:Ingest:MaxPayloadBytes")]
    [InlineData("Server:Bogus", "1", "Server:Bogus is not a configuration key")]
    [InlineData("Server:Brokr:Port", "1883", "Server:Brokr:Port is not a configuration key")]
    [InlineData("Server:Gateways:0:Pasword", "x", "Server:Gateways:0:Pasword is not a configuration key")]
    [InlineData("Server:Broker:Port", "abc", "Failed to convert configuration value 'abc' at 'Server:Broker:Port'")]
    public async Task Bad_setting_stops_the_host_at_start_naming_the_key(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { [key] = value });
        });

        Assert.Contains(error.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }
}
