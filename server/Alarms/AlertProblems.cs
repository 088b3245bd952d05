using System.Data.Common;
using System.Text.Json.Nodes;
using GridEdge.Protocol.Records;
using GridEdge.Server.Alerts;
using GridEdge.Server.Problems;

namespace GridEdge.Server.Alarms;

/// <summary>
/// Alarms into the handling chain: a dust or straw-burning alert raised at a gateway opens a problem in the village of its place
/// (<see cref="AlertPlacement"/>), or joins the open problem an alert opened there of the same category (event
/// <c>alert_joined</c>); its clearing is recorded on the problem (event <c>alert_cleared</c>) without closing it. All in the
/// alert ingest's transaction: the problem commits with the alert or not at all, and a redelivered alert is never seen again.
/// A straw-burning alert during a straw-burning ban in its county marks the problem critical.
/// </summary>
public sealed class AlertProblems(AlertPlacement placement, ILogger<AlertProblems> log) : IAlertFollower
{
    /// <inheritdoc/>
    public async Task FollowAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, Alert alert, long receivedAt, CancellationToken cancellationToken)
    {
        if (CategoryOf(alert.AlertKind) is not { } category) return;
        switch (alert.State)
        {
            case AlertState.Raised:
                await RaisedAsync(connection, transaction, gateway, seq, alert, category, receivedAt, cancellationToken);
                break;
            case AlertState.Cleared when await ProblemLedger.ProblemOfAlertAsync(connection, transaction, gateway, alert.AlertId, cancellationToken) is { } problem:
                await ProblemLedger.RecordNoteAsync(connection, transaction, problem, "alert_cleared", AlertProblem.By(gateway), alert.Timestamp,
                    AlertFigures.Of(gateway, alert).ToJson(), cancellationToken);
                log.LogInformation("Alert {AlertId} of gateway {Gateway} cleared; recorded on problem {ProblemId}, which stays open", alert.AlertId, gateway, problem);
                break;
        }
    }

    /// <summary>The problem category of an alert kind; null for a sensor fault, which is the gateway's business, not the village's.</summary>
    public static ProblemCategory? CategoryOf(AlertKind kind) => kind switch
    {
        AlertKind.Dust => ProblemCategory.Dust,
        AlertKind.StrawBurning => ProblemCategory.StrawBurning,
        _ => null,
    };

    private async Task RaisedAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, Alert alert, ProblemCategory category, long receivedAt,
        CancellationToken cancellationToken)
    {
        // A second raise of the same alert is an escalation: the alert already has its problem.
        if (await ProblemLedger.ProblemOfAlertAsync(connection, transaction, gateway, alert.AlertId, cancellationToken) is not null) return;
        if (await placement.PlaceAsync(connection, transaction, gateway, alert.SensorId, cancellationToken) is not { } place)
        {
            log.LogWarning("Alert {AlertId} ({Kind}) of gateway {Gateway} opens no problem: the gateway serves no township and has no registered place",
                alert.AlertId, alert.AlertKind, gateway);
            return;
        }
        var figures = AlertFigures.Of(gateway, alert);
        var critical = category == ProblemCategory.StrawBurning && await CampaignRegister.BanInForceAsync(connection, transaction, place.Grid, alert.Timestamp, cancellationToken);
        if (await ProblemLedger.OpenAlertProblemAsync(connection, transaction, place.Grid, category, cancellationToken) is { } open)
        {
            await ProblemLedger.LinkAlertAsync(connection, transaction, gateway, alert.AlertId, open.Id, alert.Timestamp, cancellationToken);
            if (critical) await ProblemLedger.MarkCriticalAsync(connection, transaction, open.Id, cancellationToken);
            await ProblemLedger.RecordNoteAsync(connection, transaction, open.Id, "alert_joined", AlertProblem.By(gateway), alert.Timestamp,
                JoinDetail(figures, critical), cancellationToken);
            log.LogInformation("Alert {AlertId} ({Kind}) of gateway {Gateway} joined open problem {ProblemId} of grid {Grid}", alert.AlertId, alert.AlertKind, gateway,
                open.Id, place.Grid);
            return;
        }
        var id = await ProblemLedger.AddAlertProblemAsync(connection, transaction, new AlertProblem(gateway, seq, alert.AlertId, place.Grid, place.Latitude,
            place.Longitude, place.Address, category, Describe(figures, place), alert.Timestamp, alert.Clock, receivedAt, figures.ToJson(), critical), cancellationToken);
        log.LogInformation("Alert {AlertId} ({Kind}) of gateway {Gateway} opened problem {ProblemId} in grid {Grid} (place from {From}, critical {Critical})",
            alert.AlertId, alert.AlertKind, gateway, id, place.Grid, place.From, critical);
    }

    private static string JoinDetail(AlertFigures figures, bool critical)
    {
        var detail = JsonNode.Parse(figures.ToJson())!.AsObject();
        detail["critical"] = critical;
        return detail.ToJsonString();
    }

    // What the ledger's listing shows of the problem; the figures themselves are in its alert.
    private static string Describe(AlertFigures f, AlertPlace place)
    {
        var what = f.Kind == AlertKind.StrawBurning ? "秸秆焚烧 straw burning" : "扬尘 dust";
        var measured = f.Value is { } v ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $": {f.ChartQuantity} {v:0.##}{(f.Unit is null ? "" : " " + f.Unit)}{(f.Threshold is { } t ? $" (threshold {t:0.##})" : "")}") : "";
        return $"{what} alert of gateway {f.Gateway}, sensor {f.Sensor}{measured}; rule {f.RuleId}; place from the {place.From}";
    }
}
