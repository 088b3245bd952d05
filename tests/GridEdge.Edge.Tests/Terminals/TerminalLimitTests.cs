using System.Net;
using System.Net.Sockets;
using System.Text;
using GridEdge.Protocol.Wire;
using static GridEdge.Edge.Tests.Terminals.TerminalApiFixture;

namespace GridEdge.Edge.Tests.Terminals;

/// <summary>Floods against a real Kestrel on loopback: headers that never end, a terminal sending too fast (idle connections: <see cref="TerminalConnectionLimitTests"/>).</summary>
public sealed class TerminalLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_whose_headers_never_end_is_cut_off_after_the_headers_timeout()
    {
        await using var api = await StartAsync(o => o.RequestHeadersTimeoutSeconds = 1);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, api.Service.BaseAddress!.Port, Ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes("POST /api/v1/checkins HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "), Ct);

        // Kestrel checks its timeouts once a second: well within 8 s, not the 30 s it waited before.
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(8));
        int n;
        while ((n = await socket.ReceiveAsync(buffer, timeout.Token)) > 0) answer.Append(Encoding.ASCII.GetString(buffer, 0, n));

        Assert.StartsWith("HTTP/1.1 408", answer.ToString());
    }

    [Fact]
    public async Task A_terminal_over_its_request_rate_gets_429_with_Retry_After_and_other_terminals_are_unaffected()
    {
        await using var api = await StartAsync(o => { o.RequestsPerMinute = 1; o.RequestBurst = 3; });

        for (var i = 0; i < 3; i++)
        {
            using var ok = await api.PostAsync("/api/v1/checkins", CheckInJson());
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }
        using var over = await api.PostAsync("/api/v1/checkins", CheckInJson());
        using var other = await api.PostAsync("/api/v1/checkins", CheckInJson(terminal: "term-2", member: "member-2", grid: Grid2), token: Token2);

        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.InRange(over.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Contains("1 a minute", (await JsonOf(over)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.Equal(4, api.Backlog(Streams.CheckIns));
        Assert.Equal(1, api.Service.Counters.Snapshot().Refused.RateLimited);
    }

    [Fact]
    public async Task Requests_without_a_valid_token_are_limited_by_address_and_do_not_use_up_a_terminals_rate()
    {
        await using var api = await StartAsync(o => { o.RequestsPerMinute = 1; o.RequestBurst = 3; });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var guess = await api.PostAsync("/api/v1/checkins", CheckInJson(), token: $"guessed-token-{i}");
            statuses.Add(guess.StatusCode);
        }
        using var terminal = await api.PostAsync("/api/v1/checkins", CheckInJson());

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            statuses);
        Assert.Equal(HttpStatusCode.Created, terminal.StatusCode);
    }
}
