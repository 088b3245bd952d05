using System.Net;
using System.Net.Http.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Tests.Users;

namespace GridEdge.Server.Tests.Live;

/// <summary>
/// GET /api/events over the real server: an alert transition, a command's answer and a gateway's new state reach a
/// listener within the feed's interval, only for the gateways the listener's grid sees.
/// </summary>
public sealed class LiveFeedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_township_listener_gets_its_gateways_alerts_and_answers_and_nothing_of_another_township()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Http();
        await AccessMatrixTests.SeedAsync(server, admin);
        using var township = server.Http((await server.UserAsync("town-live", "township", "370102001000")).ApiKey);
        township.Timeout = Timeout.InfiniteTimeSpan;

        using var response = await township.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("retry: 3000", await reader.ReadLineAsync(Ct));

        // Another township's alert first, then ours: only ours may come through.
        foreach (var (gateway, seq) in new[] { ("gw-beta", 2L), ("gw-alpha", 2L) })
            await server.Ledger.Alerts.CommitAlertsAsync(new Batch(gateway, Streams.Alerts, seq,
            [
                new Alert($"straw|{gateway}", "smoke", AlertKind.StrawBurning, AlertState.Raised, AlertSeverity.Critical, "mq2-1", Quantities.Smoke,
                    [new AlertValue("ratio", 3.2)], Samples.T0, ClockQuality.NetworkSynced),
            ]), Ct);
        await server.Ledger.Commands.CommitCommandResultsAsync(new Batch("gw-alpha", Streams.CommandResults, 1,
            [new CommandResult("cmd-1", "silence", CommandOutcome.Ok, "buzzer silenced", Samples.T0, ClockQuality.NetworkSynced)]), Ct);

        var events = new List<(string Type, string Data)>();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        wait.CancelAfter(TimeSpan.FromSeconds(20));
        string? type = null;
        // Until both have come (what arrived in the seconds before the listener joined may come too).
        while (!events.Any(e => e.Data.Contains("straw|gw-alpha", StringComparison.Ordinal)) || !events.Any(e => e.Type == "command"))
        {
            var line = await reader.ReadLineAsync(wait.Token) ?? throw new InvalidOperationException("the stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add((type!, line[6..]));
        }

        Assert.Contains(events, e => e.Type == "alert" && e.Data.Contains("\"alertId\":\"straw|gw-alpha\"", StringComparison.Ordinal)
            && e.Data.Contains("\"state\":\"raised\"", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Type == "command" && e.Data.Contains("\"commandId\":\"cmd-1\"", StringComparison.Ordinal)
            && e.Data.Contains("\"outcome\":\"ok\"", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Data.Contains("gw-beta", StringComparison.Ordinal));
    }
}
