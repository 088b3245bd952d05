using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Testing;

namespace GridEdge.Faults.Rig;

/// <summary>What one check-in POST came to: an HTTP status and the seq a 201 named, or no answer (refused, reset, timed out).</summary>
public readonly record struct PostOutcome(int Status, long? Seq, string? Failure)
{
    public bool Answered => Status > 0;
    public bool TimedOut => Failure == "timeout";
    /// <summary>The tally's name for it: the status code, or "timeout" / "refused".</summary>
    public string Kind => Status > 0 ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : Failure!;
}

/// <summary>
/// An enforcement terminal posting check-ins to a gateway's terminal API as the app does: bearer token, one
/// Idempotency-Key per record (which the gateway also stores as the record id), a fix inside the village.
/// </summary>
/// <param name="reuseConnection">False: a new TCP connection for every request, as a phone waking up for each post makes.</param>
public sealed class SimulatedTerminal(Uri api, string token, int index, TimeSpan timeout, bool reuseConnection = true) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = reuseConnection ? Timeout.InfiniteTimeSpan : TimeSpan.Zero,
    })
    {
        BaseAddress = api,
        Timeout = timeout,
    };

    public string TerminalId { get; } = FaultGrid.TerminalId(index);

    /// <summary>The record id (and Idempotency-Key) of this terminal's n-th check-in.</summary>
    public string Key(long n) => $"ci-{TerminalId}-{n:D7}";

    private (long N, DateTimeOffset Fix) _last;

    /// <summary>Posts check-in n; posting the same n again resends the same request, as a terminal retrying does.</summary>
    public async Task<PostOutcome> CheckInAsync(long n, CancellationToken ct)
    {
        if (_last.N != n) _last = (n, DateTimeOffset.UtcNow.AddSeconds(-5));
        var fix = _last.Fix;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkins")
        {
            Content = JsonContent.Create(new
            {
                memberId = FaultGrid.MemberId(index), terminalId = TerminalId, gridCode = OneVillageGrid.Village,
                latitude = 36.641 + n % 90 * 0.0002, longitude = 117.111 + index % 50 * 0.0003,
                accuracyMeters = 5.0, fixTime = fix.AddTicks(-(fix.Ticks % TimeSpan.TicksPerSecond)),
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", Key(n));
        try
        {
            using var response = await _http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.Created) return new((int)response.StatusCode, null, await response.Content.ReadAsStringAsync(ct));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            return new(201, body.GetProperty("seq").GetInt64(), null);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return new(0, null, "timeout"); }
        catch (Exception e) when (e is HttpRequestException or IOException) { return new(0, null, "refused"); }
    }

    public void Dispose() => _http.Dispose();
}
