using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Tests;

/// <summary>The host refuses bad configuration at start, naming the key.</summary>
public sealed class HostTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("Server:Broker:Port", "70000", "Server:Broker:Port")]
    [InlineData("Server:Gateways:0:Id", "Bad Id", "Server:Gateways:0:Id")]
    [InlineData("Server:Ingest:MaxPayloadBytes", "0", "Server:Ingest:MaxPayloadBytes")]
    public async Task Bad_setting_stops_the_host_at_start_naming_the_key(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { [key] = value });
        });

        Assert.Contains(error.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }
}
