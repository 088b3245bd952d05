using System.Net;
using System.Net.Sockets;
using System.Text;
using GridEdge.Edge.Terminals;
using GridEdge.Protocol.Wire;
using GridEdge.Testing;
using static GridEdge.Edge.Tests.Terminals.TerminalApiFixture;

namespace GridEdge.Edge.Tests.Terminals;

/// <summary>The connection limit against a real Kestrel on loopback: idle sockets give way to terminals, busy connections are kept.</summary>
public sealed class TerminalConnectionLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The peer closed (or reset) the connection: readable with nothing to read.
    private static bool ClosedByServer(Socket socket) => socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;

    // inOrder: each is held by the gateway before the next connects, so they are idle oldest first in this order.
    private static async Task<List<Socket>> ConnectAsync(TerminalApiFixture api, int count, bool inOrder = false)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sockets.Add(socket);
            await socket.ConnectAsync(IPAddress.Loopback, api.Service.BaseAddress!.Port, Ct);
            if (inOrder) await Eventually.True(() => api.Service.Connections!.Open == sockets.Count, $"connection {sockets.Count} to be held");
        }
        return sockets;
    }

    private static async Task<string> StatusLineAsync(Socket socket)
    {
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (!answer.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, Ct);
            if (n == 0) break;
            answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return answer.ToString().Split("\r\n")[0];
    }

    [Fact]
    public async Task A_terminal_and_the_status_get_in_while_idle_connections_hold_every_slot_and_only_the_oldest_idle_ones_are_closed()
    {
        await using var api = await StartAsync(o => o.MaxConnections = 8);
        var flood = await ConnectAsync(api, 8, inOrder: true);
        try
        {

            using var checkIn = await api.PostAsync("/api/v1/checkins", CheckInJson());
            using var status = await api.Http.GetAsync("/api/v1/status", Ct);

            Assert.Equal(HttpStatusCode.Created, checkIn.StatusCode);
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            var connections = (await JsonOf(status)).GetProperty("connections");
            Assert.Equal(8, connections.GetProperty("open").GetInt32());
            Assert.Equal(1, connections.GetProperty("busy").GetInt32());
            Assert.Equal(8, connections.GetProperty("limit").GetInt32());
            // One flood socket closed per new connection of the client (it may have reused its first for the status), the oldest first.
            var evicted = (int)api.Service.Counters.Snapshot().Connections.Evicted;
            Assert.InRange(evicted, 1, 2);
            await Eventually.True(() => flood.Count(ClosedByServer) == evicted, $"{evicted} flood connection(s) to be closed");
            Assert.All(flood.Take(evicted), s => Assert.True(ClosedByServer(s)));
            Assert.Equal(1, api.Backlog(Streams.CheckIns));
            Assert.Equal(0, api.Service.Counters.Snapshot().Connections.Refused);
        }
        finally
        {
            foreach (var socket in flood) socket.Dispose();
        }
    }

    [Fact]
    public async Task A_new_connection_is_refused_rather_than_closing_one_busy_with_a_request_and_gets_in_once_they_are_idle()
    {
        await using var api = await StartAsync(o => { o.MaxConnections = 3; o.MinRequestBodyBytesPerSecond = 0; });
        var body = Encoding.UTF8.GetBytes(CheckInJson());
        var busy = await ConnectAsync(api, 3);
        try
        {
            // Each sends a check-in but its last byte: its request is in progress, waiting for the body.
            for (var i = 0; i < busy.Count; i++)
            {
                var headers = $"POST /api/v1/checkins HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Token1}\r\nContent-Type: application/json\r\n" +
                              $"Idempotency-Key: busy-{i}\r\nContent-Length: {body.Length}\r\n\r\n";
                await busy[i].SendAsync(Encoding.ASCII.GetBytes(headers), Ct);
                await busy[i].SendAsync(body.AsMemory(0, body.Length - 1), Ct);
            }
            await Eventually.True(() => api.Service.Connections!.Busy == 3, "the 3 connections to be busy with their requests");

            using var newcomer = (await ConnectAsync(api, 1))[0];
            await Eventually.True(() => ClosedByServer(newcomer), "the newcomer to be closed");

            Assert.Equal(new ConnectionCounts(Evicted: 0, Refused: 1, Silent: 0), api.Service.Counters.Snapshot().Connections);
            foreach (var socket in busy)
            {
                await socket.SendAsync(body.AsMemory(body.Length - 1), Ct);
                Assert.Equal("HTTP/1.1 201 Created", await StatusLineAsync(socket));
            }
            // Now idle between keep-alive requests: a newcomer closes one of them and gets in.
            using var late = await api.PostAsync("/api/v1/checkins", CheckInJson());
            Assert.Equal(HttpStatusCode.Created, late.StatusCode);
            Assert.Equal(new ConnectionCounts(Evicted: 1, Refused: 1, Silent: 0), api.Service.Counters.Snapshot().Connections);
            Assert.Equal(4, api.Backlog(Streams.CheckIns));
        }
        finally
        {
            foreach (var socket in busy) socket.Dispose();
        }
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_the_headers_timeout_by_the_gateways_clock()
    {
        await using var api = await StartAsync(o => o.RequestHeadersTimeoutSeconds = 5);
        var timers = api.Time.ActiveTimers;
        using var silent = (await ConnectAsync(api, 1))[0];
        await Eventually.True(() => api.Time.ActiveTimers == timers + 1, "the connection to wait for its first bytes");

        api.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(1, api.Service.Connections!.Open);
        api.Time.Advance(TimeSpan.FromSeconds(0.1));

        await Eventually.True(() => ClosedByServer(silent), "the silent connection to be closed");
        Assert.Equal(new ConnectionCounts(Evicted: 0, Refused: 0, Silent: 1), api.Service.Counters.Snapshot().Connections);
        await Eventually.True(() => api.Service.Connections.Open == 0, "its slot to be free");
    }

    [Fact]
    public async Task A_flood_past_the_limit_keeps_at_most_the_limit_open_and_a_terminal_checks_in_once_they_are_closed_for_silence()
    {
        await using var api = await StartAsync(o => { o.MaxConnections = 20; o.KeepAliveTimeoutSeconds = 2; });
        var flood = await ConnectAsync(api, 300);
        try
        {
            await Eventually.True(() => flood.Count(ClosedByServer) == 280 && api.Service.Connections!.Open == 20, "280 of 300 to be closed for newer ones, 20 held",
                TimeSpan.FromSeconds(15));
            Assert.Equal(280, api.Service.Counters.Snapshot().Connections.Evicted);

            // Silent for KeepAliveTimeoutSeconds (shorter than the headers timeout here) by the gateway's clock.
            await Eventually.True(() =>
            {
                api.Time.Advance(TimeSpan.FromSeconds(1));
                return flood.All(ClosedByServer);
            }, "the 20 held to be closed for their silence", TimeSpan.FromSeconds(15));
            Assert.Equal(20, api.Service.Counters.Snapshot().Connections.Silent);
            for (var i = 0; i < 5; i++)
            {
                using var checkIn = await api.PostAsync("/api/v1/checkins", CheckInJson());
                Assert.Equal(HttpStatusCode.Created, checkIn.StatusCode);
            }
            Assert.Equal(5, api.Backlog(Streams.CheckIns));
        }
        finally
        {
            foreach (var socket in flood) socket.Dispose();
        }
    }
}
