using GridEdge.Edge.Alerts;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Edge.Tests.Alerts;

/// <summary>Alert transitions as outbox records on the alerts stream.</summary>
public sealed class AlertRecordTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, 250, TimeSpan.Zero);

    private static AlertTransition Raised() => new(T0, "dust|pms-1|pm10|1", "dust", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning,
        "pms-1", Quantities.Pm10, [new AlertValue("mean", 182.4), new AlertValue("threshold", 150)]);

    [Fact]
    public void A_transition_becomes_a_record_with_the_clock_quality_given()
    {
        var record = AlertService.ToRecord(Raised(), ClockQuality.NetworkSynced);

        Assert.Equal(("dust|pms-1|pm10|1", "dust", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning), (record.AlertId, record.RuleId, record.AlertKind, record.State, record.Severity));
        Assert.Equal(("pms-1", Quantities.Pm10, T0, ClockQuality.NetworkSynced), (record.SensorId, record.Quantity, record.Timestamp, record.Clock));
        Assert.Equal([new AlertValue("mean", 182.4), new AlertValue("threshold", 150)], record.Values);
        Assert.Null(record.AcknowledgedBy);

        var ack = AlertService.ToRecord(Raised() with { State = AlertState.Acknowledged, AcknowledgedBy = "button" }, ClockQuality.GnssDisciplined);
        Assert.Equal("button", ack.AcknowledgedBy);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_outbox_stores_alerts_on_their_stream_and_reads_them_back_exactly()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var raised = AlertService.ToRecord(Raised(), ClockQuality.NetworkSynced);
        var cleared = raised with { State = AlertState.Cleared, Values = [new AlertValue("mean", 90.5)], Timestamp = T0.AddMinutes(20) };

        Assert.Equal(1, await outbox.AppendAsync(Streams.Alerts, raised, Ct));
        Assert.Equal(2, await outbox.AppendAsync(Streams.Alerts, cleared, Ct));

        var pending = outbox.ReadPending(Streams.Alerts, 0, 10, int.MaxValue);
        Assert.Equal([raised, cleared], pending.Select(e => (Alert)e.Record));
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.AppendAsync(Streams.Readings, raised, Ct));
        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.AppendAsync(Streams.Alerts, raised with { Quantity = "furlongs" }, Ct));
        Assert.Contains("alert.quantity", e.Message);
    }
}
