using GridEdge.Edge.Time;
using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Alerts;

/// <summary>
/// Where the alert engine's "now" comes from: the gateway's clock on a gateway (<see cref="OfGateway"/>), the recorded
/// timeline in a replay (<see cref="RecordedTimeline"/>). On a gateway a reading's stamp never moves the engine's time,
/// and a reading stamped far from the clock (<see cref="IsFarOff"/>) is not judged at all.
/// </summary>
public abstract class AlertClock
{
    private protected AlertClock()
    {
    }

    /// <summary>
    /// The recorded timeline: time is the latest reading's stamp (or the latest <see cref="AlertEngine.Advance(DateTimeOffset)"/>),
    /// so replaying last season's data gives the transitions it gave then. For replays and tests, never for live data.
    /// </summary>
    public static AlertClock RecordedTimeline() => new Recorded();

    /// <summary>
    /// The gateway's clock: time is <see cref="GatewayClock.Now"/>, whatever the readings say; a stamp more than
    /// <paramref name="maxFutureSkew"/> ahead of it or more than <paramref name="maxAge"/> behind is far off (while the
    /// clock is unsynchronised, a Pi that booted with an old time, <paramref name="maxAge"/> either side).
    /// </summary>
    public static AlertClock OfGateway(GatewayClock clock, TimeSpan maxFutureSkew, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFutureSkew, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        return new Gateway(clock, maxFutureSkew, maxAge);
    }

    /// <summary>Whether time follows the readings' stamps (a recorded timeline) rather than a clock of its own.</summary>
    public abstract bool FollowsReadings { get; }

    /// <summary>The clock's time; null for a recorded timeline (its time is the engine's latest reading).</summary>
    public abstract DateTimeOffset? Now();

    /// <summary>Whether a record stamped <paramref name="stamp"/> is too far from this clock to be judged by its time; never on a recorded timeline.</summary>
    public abstract bool IsFarOff(DateTimeOffset stamp);

    /// <summary>The window a stamp must fall in, in words naming the settings, for log lines.</summary>
    public abstract string Rule { get; }

    private sealed class Recorded : AlertClock
    {
        public override bool FollowsReadings => true;
        public override DateTimeOffset? Now() => null;
        public override bool IsFarOff(DateTimeOffset stamp) => false;
        public override string Rule => "any time (recorded timeline)";
    }

    private sealed class Gateway(GatewayClock clock, TimeSpan maxFutureSkew, TimeSpan maxAge) : AlertClock
    {
        public override bool FollowsReadings => false;

        public override DateTimeOffset? Now() => clock.Now().At;

        public override bool IsFarOff(DateTimeOffset stamp)
        {
            var (now, quality) = clock.Now();
            // A gateway that booted without GNSS or NTP may run days behind; a monitor's clock is then likelier right.
            var ahead = quality == ClockQuality.Unsynchronised ? maxAge : maxFutureSkew;
            return stamp > now + ahead || stamp < now - maxAge;
        }

        public override string Rule =>
            $"at most {maxAge.TotalDays:0.##} days ({AlertOptions.Section}:MaxAgeDays) behind and {maxFutureSkew.TotalMinutes:0.##} minutes ({AlertOptions.Section}:MaxFutureSkewMinutes) ahead of the gateway's clock";
    }
}
