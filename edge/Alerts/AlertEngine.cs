using GridEdge.Protocol.Records;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Alerts;

/// <summary>An alert that is raised and not yet cleared.</summary>
public sealed record ActiveAlert(string AlertId, string RuleId, AlertKind Kind, AlertSeverity Severity, string Sensor, string Quantity, DateTimeOffset RaisedAt, bool Acknowledged);

/// <summary>
/// The gateway's alert engine: applies <see cref="AlertRules"/> to readings as they are taken, before they reach the
/// outbox, and emits an <see cref="AlertTransition"/> for every raise, escalation, acknowledgement and clear. Its "now"
/// comes from an <see cref="AlertClock"/>: the gateway's clock on a gateway, so no reading's stamp can move it (a
/// reading stamped far from the clock is counted in <see cref="FarOff"/> and not judged), or the recorded timeline in a
/// replay, so replaying a series gives the same transitions every time. A reading's own stamp still places it in its
/// series' windows. Only readings some rule matches cost memory, and at most <see cref="MaxSeries"/> series are kept
/// (the least recently seen without an active alert is evicted, counted in <see cref="Evicted"/>).
/// Thread-safe; <see cref="Transition"/> handlers run on the observing thread, in order, and must be quick (the
/// actuator only writes GPIO pins).
/// </summary>
public sealed class AlertEngine
{
    /// <summary>Series kept when no limit is given (Edge:Alerts:MaxSeries).</summary>
    public const int DefaultMaxSeries = 2000;

    private static readonly AlertTransition[] None = [];
    private readonly object _gate = new();
    private readonly AlertClock _clock;
    private volatile AlertRules _rules;
    private readonly Dictionary<SeriesKey, Series> _series = [];
    private readonly List<Series> _seriesList = [];
    private readonly Dictionary<string, ActiveAlert> _active = new(StringComparer.Ordinal);
    private List<GroupState>[] _explicitGroups;
    private readonly Dictionary<(int Rule, string Sensor), GroupState> _implicitGroups = [];
    // For rules without sensor_groups: the series that supply each condition, to pair with the ones that come later.
    private readonly Dictionary<(int Rule, int Condition), List<Series>> _suppliers = [];
    private readonly List<AlertTransition> _pending = [];
    private int[] _noDataRules;
    private long _nowTicks = long.MinValue;
    private TimeSpan _offset;
    private long _observed, _ignored, _farOff, _evicted, _touches;

    /// <summary>
    /// Starts with no history and no alerts, on <paramref name="clock"/> (the recorded timeline when null: replays and
    /// tests), keeping at most <paramref name="maxSeries"/> series. Throws <see cref="ArgumentException"/> listing every
    /// problem when the rules are invalid.
    /// </summary>
    public AlertEngine(AlertRules rules, AlertClock? clock = null, int maxSeries = DefaultMaxSeries)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeries, 1);
        var errors = rules.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid alert rules: " + string.Join("; ", errors), nameof(rules));
        _rules = rules;
        _clock = clock ?? AlertClock.RecordedTimeline();
        MaxSeries = maxSeries;
        (_explicitGroups, _noDataRules) = Prepare(rules);
    }

    /// <summary><see cref="ReplaceRules(AlertRules, DateTimeOffset)"/> at the engine's current time (the wall clock before any reading of a recorded timeline).</summary>
    public IReadOnlyList<AlertTransition> ReplaceRules(AlertRules rules)
    {
        DateTimeOffset at;
        lock (_gate) at = _clock.Now() ?? (_nowTicks == long.MinValue ? DateTimeOffset.UtcNow : Time(_nowTicks));
        return ReplaceRules(rules, at);
    }

    private static (List<GroupState>[] Groups, int[] NoData) Prepare(AlertRules rules)
    {
        var groups = new List<GroupState>[rules.StrawBurning.Count];
        for (var r = 0; r < rules.StrawBurning.Count; r++)
        {
            var rule = rules.StrawBurning[r];
            groups[r] = rule.SensorGroups.Select(g => new GroupState(r, string.Join('+', g), [.. g], rule.Conditions.Count)).ToList();
        }
        return (groups, Enumerable.Range(0, rules.SensorFault.Count).Where(i => rules.SensorFault[i].Check == HealthCheck.NoData).ToArray());
    }

    /// <summary>
    /// Swaps the rules (from the server's config topic) while the gateway runs. Throws <see cref="ArgumentException"/>
    /// listing every problem when they are invalid, and then changes nothing. The per-series history is rebuilt for the
    /// new rules, so every active alert is cleared at <paramref name="at"/> (values: <c>rules_replaced</c> = 1): an
    /// alert whose rule vanished could never clear otherwise, and one whose rule remains is raised again, under a new id,
    /// as soon as the new rules see the condition. Returns the cleared transitions (also raised on <see cref="Transition"/>).
    /// </summary>
    public IReadOnlyList<AlertTransition> ReplaceRules(AlertRules rules, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var errors = rules.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid alert rules: " + string.Join("; ", errors), nameof(rules));
        lock (_gate)
        {
            var (groups, noData) = Prepare(rules);
            var atTicks = Math.Max(at.UtcTicks, _nowTicks == long.MinValue ? at.UtcTicks : _nowTicks);
            if (_nowTicks == long.MinValue) _offset = at.Offset;
            foreach (var alert in _active.Values.OrderBy(a => a.RaisedAt).ToList())
                Clear(atTicks, alert.AlertId, [new("rules_replaced", 1)]);
            _rules = rules;
            _explicitGroups = groups;
            _noDataRules = noData;
            _series.Clear();
            _seriesList.Clear();
            _implicitGroups.Clear();
            _suppliers.Clear();
            return Flush();
        }
    }

    /// <summary>Every transition, as it happens (also returned by the call that caused it).</summary>
    public event Action<AlertTransition>? Transition;

    /// <summary>A series (sensor, quantity, unit) dropped to stay within <see cref="MaxSeries"/>; raised on the observing thread.</summary>
    public event Action<string, string, string>? SeriesEvicted;

    /// <summary>Where the engine's time comes from.</summary>
    public AlertClock Clock => _clock;

    /// <summary>The most series (sensor, quantity, unit) the engine keeps state for.</summary>
    public int MaxSeries { get; }

    /// <summary>The series the engine keeps state for now.</summary>
    public int SeriesCount
    {
        get { lock (_gate) return _seriesList.Count; }
    }

    /// <summary>Series dropped so far to stay within <see cref="MaxSeries"/>.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Readings not judged because they were stamped far from the engine's clock (<see cref="AlertClock.IsFarOff"/>).</summary>
    public long FarOff => Interlocked.Read(ref _farOff);

    /// <summary>The rules this engine runs.</summary>
    public AlertRules Rules => _rules;

    /// <summary>Readings observed so far.</summary>
    public long Observed => Interlocked.Read(ref _observed);

    /// <summary>Readings ignored because they were older than the last reading of their series.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    /// <summary>The alerts raised and not cleared, oldest first.</summary>
    public IReadOnlyList<ActiveAlert> Active
    {
        get { lock (_gate) return [.. _active.Values.OrderBy(a => a.RaisedAt)]; }
    }

    /// <summary>
    /// Applies the rules to one reading and returns the transitions it caused (an empty, shared array when none, which
    /// is nearly always). Synchronous and free of I/O so a local alarm never waits for the disk or the network.
    /// </summary>
    public IReadOnlyList<AlertTransition> Observe(Reading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        lock (_gate)
        {
            // A stamp from a broken or hostile clock (a monitor's DataTime of 2030) neither moves time nor raises anything.
            if (_clock.IsFarOff(reading.Timestamp))
            {
                _farOff++;
                return None;
            }
            var at = reading.Timestamp.UtcTicks;
            var series = GetSeries(reading.SensorId, reading.Quantity, reading.Unit);
            if (series is not null && series.LastSeen != long.MinValue && at < series.LastSeen)
            {
                _ignored++;
                return None;
            }
            _observed++;
            if (_clock.Now() is { } now)
            {
                _nowTicks = now.UtcTicks;
                _offset = reading.Timestamp.Offset;
            }
            else if (at >= _nowTicks)
            {
                _nowTicks = at;
                _offset = reading.Timestamp.Offset;
            }
            if (series is null)
            {
                // No rule watches this quantity (an unmapped HJ 212 code): it costs nothing but the silence scan.
                ScanForSilence(_nowTicks);
                return Flush();
            }
            series.LastUsed = ++_touches;
            // Silence is when the gateway last heard the series, on the engine's clock; a replay hears a reading at its stamp.
            var heard = _clock.FollowsReadings ? at : _nowTicks;
            CheckReturnFromSilence(series, heard);
            series.LastSeen = at;
            series.LastHeard = heard;

            var value = reading.Value;
            var normal = reading.Flag == DataFlag.Normal && double.IsFinite(value);
            var rangeChecked = reading.Flag is DataFlag.Normal or DataFlag.OverRange;
            var plausible = true;
            if (rangeChecked) plausible = CheckRange(series, value, at);
            if (normal) CheckStuck(series, value, at);
            if (normal && plausible) series.Append(at, value);

            for (var r = 0; r < series.Level.Length; r++)
                if (series.Level[r] is { } state) EvaluateLevel(_rules.Dust[r], state, series, at);
            foreach (var group in series.Groups) EvaluateComposite(group, at);
            ScanForSilence(_nowTicks);
            return Flush();
        }
    }

    /// <summary>
    /// Moves the engine's time on to its clock's time without a reading (on a timer), so a sensor that went silent is
    /// noticed even when no other sensor reports. On a recorded timeline the time stays where the readings left it.
    /// </summary>
    public IReadOnlyList<AlertTransition> Advance()
    {
        lock (_gate)
        {
            if (_clock.Now() is { } now) _nowTicks = now.UtcTicks;
            if (_nowTicks != long.MinValue) ScanForSilence(_nowTicks);
            return Flush();
        }
    }

    /// <summary>
    /// Moves a recorded timeline on to <paramref name="now"/> without a reading (a replay's or a test's clock), so a
    /// sensor that went silent is noticed even when no other sensor reports. Throws <see cref="InvalidOperationException"/>
    /// on an engine that runs on the gateway's clock: only that clock moves it (<see cref="Advance()"/>).
    /// </summary>
    public IReadOnlyList<AlertTransition> Advance(DateTimeOffset now)
    {
        if (!_clock.FollowsReadings) throw new InvalidOperationException("This alert engine runs on the gateway's clock: call Advance() to move it on");
        lock (_gate)
        {
            if (now.UtcTicks > _nowTicks)
            {
                _nowTicks = now.UtcTicks;
                _offset = now.Offset;
            }
            ScanForSilence(_nowTicks);
            return Flush();
        }
    }

    /// <summary>
    /// Acknowledges one active alert (by id) or, with <paramref name="alertId"/> null, every unacknowledged one. An
    /// acknowledged alert stays active; an escalation makes it unacknowledged again.
    /// </summary>
    public IReadOnlyList<AlertTransition> Acknowledge(DateTimeOffset at, string by, string? alertId = null)
    {
        ArgumentNullException.ThrowIfNull(by);
        lock (_gate)
        {
            foreach (var alert in _active.Values.OrderBy(a => a.RaisedAt).ToList())
            {
                if (alert.Acknowledged || (alertId is not null && alert.AlertId != alertId)) continue;
                var acknowledged = alert with { Acknowledged = true };
                _active[alert.AlertId] = acknowledged;
                _pending.Add(new AlertTransition(at, alert.AlertId, alert.RuleId, alert.Kind, AlertState.Acknowledged, alert.Severity,
                    alert.Sensor, alert.Quantity, [], AcknowledgedBy: by));
            }
            return Flush();
        }
    }

    private AlertTransition[] Flush()
    {
        if (_pending.Count == 0) return None;
        var transitions = _pending.ToArray();
        _pending.Clear();
        foreach (var t in transitions) Transition?.Invoke(t);
        return transitions;
    }

    private DateTimeOffset Time(long utcTicks) => new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(_offset);

    private string Raise(long at, string ruleId, AlertKind kind, AlertSeverity severity, string sensor, string quantity, AlertValue[] values)
    {
        var time = Time(at);
        var id = $"{ruleId}|{sensor}|{quantity}|{time.ToUnixTimeMilliseconds()}";
        _active[id] = new ActiveAlert(id, ruleId, kind, severity, sensor, quantity, time, Acknowledged: false);
        _pending.Add(new AlertTransition(time, id, ruleId, kind, AlertState.Raised, severity, sensor, quantity, values));
        return id;
    }

    private void Escalate(long at, string alertId, AlertSeverity severity, AlertValue[] values)
    {
        var alert = _active[alertId];
        _active[alertId] = alert with { Severity = severity, Acknowledged = false };
        _pending.Add(new AlertTransition(Time(at), alertId, alert.RuleId, alert.Kind, AlertState.Raised, severity, alert.Sensor, alert.Quantity, values,
            PreviousSeverity: alert.Severity));
    }

    private void Clear(long at, string alertId, AlertValue[] values)
    {
        if (!_active.Remove(alertId, out var alert)) return;
        _pending.Add(new AlertTransition(Time(at), alertId, alert.RuleId, alert.Kind, AlertState.Cleared, alert.Severity, alert.Sensor, alert.Quantity, values));
    }

    private static long Ticks(double seconds) => (long)(seconds * TimeSpan.TicksPerSecond);

    private static string MeasureName(AlertMeasure measure) => measure == AlertMeasure.Mean ? "mean" : "rise_per_minute";

    // ---- dust: level rules ----

    private void EvaluateLevel(LevelRule rule, LevelState state, Series series, long at)
    {
        if (series.Measure(rule.Measure, Ticks(rule.WindowSeconds), at) is not { } m) return;
        var reached = -1;
        for (var i = 0; i < rule.Levels.Count; i++)
        {
            if (m >= rule.Levels[i].Raise) state.AboveSince[i] ??= at;
            else state.AboveSince[i] = null;
            if (state.AboveSince[i] is { } since && at - since >= Ticks(rule.SustainSeconds)) reached = i;
        }
        var name = MeasureName(rule.Measure);
        if (state.AlertId is null)
        {
            if (reached < 0) return;
            state.Level = reached;
            state.BelowSince = null;
            state.AlertId = Raise(at, rule.Id, AlertKind.Dust, rule.Levels[reached].Severity, series.Key.Sensor, series.Key.Quantity,
                [new(name, m), new("threshold", rule.Levels[reached].Raise), new("window_seconds", rule.WindowSeconds)]);
            return;
        }
        if (reached > state.Level)
        {
            state.Level = reached;
            Escalate(at, state.AlertId, rule.Levels[reached].Severity,
                [new(name, m), new("threshold", rule.Levels[reached].Raise), new("window_seconds", rule.WindowSeconds)]);
        }
        if (m < rule.Clear)
        {
            state.BelowSince ??= at;
            if (at - state.BelowSince.Value >= Ticks(rule.HoldSeconds))
            {
                Clear(at, state.AlertId, [new(name, m), new("clear", rule.Clear), new("hold_seconds", rule.HoldSeconds)]);
                state.AlertId = null;
                state.Level = -1;
                state.BelowSince = null;
            }
        }
        else state.BelowSince = null;
    }

    // ---- straw burning: composite rules ----

    private void EvaluateComposite(GroupState group, long at)
    {
        var rule = _rules.StrawBurning[group.Rule];
        var allHold = true;
        var anyClearLevel = false;
        var allBelowClear = true;
        var measures = group.LastMeasures;
        for (var c = 0; c < rule.Conditions.Count; c++)
        {
            var condition = rule.Conditions[c];
            var m = group.Slots[c]?.Measure(condition.Measure, Ticks(condition.WindowSeconds), at);
            measures[c] = m ?? double.NaN;
            if (!(m >= condition.Raise)) allHold = false;
            if (condition.Clear is { } clear)
            {
                anyClearLevel = true;
                // Without data the condition cannot show the fire is out: an alert is not cleared by a silent sensor.
                if (!(m < clear)) allBelowClear = false;
            }
        }
        if (group.AlertId is null)
        {
            // A sensor that measures every condition itself is its own place: its readings are not paired with another's.
            if (group.Automatic && group.Sensors.Any(m => _implicitGroups.TryGetValue((group.Rule, m), out var own) && own.Slots.All(slot => slot is not null)))
                allHold = false;
            if (allHold) group.HoldingSince ??= at;
            else group.HoldingSince = null;
            if (group.HoldingSince is { } since && at - since >= Ticks(rule.SustainSeconds))
            {
                group.HoldingSince = null;
                group.ClearingSince = null;
                group.AlertId = Raise(at, rule.Id, AlertKind.StrawBurning, rule.Severity, group.Name, group.QuantityName(rule), Values(rule, measures));
            }
            return;
        }
        var clearing = anyClearLevel ? allBelowClear : !allHold;
        if (!clearing)
        {
            group.ClearingSince = null;
            return;
        }
        group.ClearingSince ??= at;
        if (at - group.ClearingSince.Value < Ticks(rule.HoldSeconds)) return;
        Clear(at, group.AlertId, Values(rule, measures));
        group.AlertId = null;
        group.ClearingSince = null;
    }

    private static AlertValue[] Values(CompositeRule rule, double[] measures)
    {
        var values = new AlertValue[rule.Conditions.Count];
        for (var c = 0; c < values.Length; c++)
            values[c] = new AlertValue($"{rule.Conditions[c].Quantity}_{MeasureName(rule.Conditions[c].Measure)}", measures[c]);
        return values;
    }

    // ---- sensor health ----

    private bool CheckRange(Series series, double value, long at)
    {
        var plausible = true;
        for (var r = 0; r < series.Health.Length; r++)
        {
            if (series.Health[r] is not { } state) continue;
            var rule = _rules.SensorFault[r];
            if (rule.Check != HealthCheck.OutOfRange) continue;
            var bad = !double.IsFinite(value) || (rule.Min is { } min && value < min) || (rule.Max is { } max && value > max);
            if (bad) plausible = false;
            AlertValue[] Values() => [new("value", value), new("min", rule.Min ?? double.NaN), new("max", rule.Max ?? double.NaN)];
            if (bad)
            {
                state.GoodSince = null;
                state.BadSince ??= at;
                if (state.AlertId is null && at - state.BadSince.Value >= Ticks(rule.SustainSeconds))
                    state.AlertId = Raise(at, rule.Id, AlertKind.SensorFault, rule.Severity, series.Key.Sensor, series.Key.Quantity, Values());
            }
            else
            {
                state.BadSince = null;
                if (state.AlertId is null) continue;
                state.GoodSince ??= at;
                if (at - state.GoodSince.Value >= Ticks(rule.HoldSeconds))
                {
                    Clear(at, state.AlertId, Values());
                    state.AlertId = null;
                    state.GoodSince = null;
                }
            }
        }
        return plausible;
    }

    private void CheckStuck(Series series, double value, long at)
    {
        // Exact equality on purpose: a live sensor's window mean differs in the last decimal; a frozen one does not.
        if (series.RunCount > 0 && value.Equals(series.RunValue)) series.RunCount++;
        else
        {
            series.RunValue = value;
            series.RunStart = at;
            series.RunCount = 1;
        }
        for (var r = 0; r < series.Health.Length; r++)
        {
            if (series.Health[r] is not { } state) continue;
            var rule = _rules.SensorFault[r];
            if (rule.Check != HealthCheck.Stuck) continue;
            var stuckFor = at - series.RunStart;
            var stuck = series.RunCount >= rule.MinReadings && stuckFor >= Ticks(rule.Seconds);
            if (stuck)
            {
                state.GoodSince = null;
                if (state.AlertId is null)
                    state.AlertId = Raise(at, rule.Id, AlertKind.SensorFault, rule.Severity, series.Key.Sensor, series.Key.Quantity,
                        [new("value", value), new("stuck_seconds", (double)stuckFor / TimeSpan.TicksPerSecond), new("readings", series.RunCount)]);
            }
            else if (state.AlertId is not null && series.RunCount == 1)
            {
                state.GoodSince ??= at;
                if (at - state.GoodSince.Value >= Ticks(rule.HoldSeconds))
                {
                    Clear(at, state.AlertId, [new("value", value)]);
                    state.AlertId = null;
                    state.GoodSince = null;
                }
            }
        }
    }

    private void CheckReturnFromSilence(Series series, long at)
    {
        foreach (var r in _noDataRules)
        {
            if (series.Health[r] is not { } state) continue;
            var rule = _rules.SensorFault[r];
            if (series.LastHeard == long.MinValue) continue;
            var silent = (double)(at - series.LastHeard) / TimeSpan.TicksPerSecond;
            // Nothing else reported during the gap (a replay of one sensor): the silence is noticed only now, and over.
            if (state.AlertId is null && silent >= rule.Seconds)
                state.AlertId = Raise(at, rule.Id, AlertKind.SensorFault, rule.Severity, series.Key.Sensor, series.Key.Quantity, [new("silent_seconds", silent)]);
            if (state.AlertId is null) continue;
            Clear(at, state.AlertId, [new("silent_seconds", silent)]);
            state.AlertId = null;
        }
    }

    private void ScanForSilence(long now)
    {
        if (_noDataRules.Length == 0) return;
        foreach (var series in _seriesList)
        {
            if (series.LastHeard == long.MinValue) continue;
            // The gateway's clock stepped back (NTP corrected a wrong boot time): silence is counted from the step.
            if (series.LastHeard > now) series.LastHeard = now;
            foreach (var r in _noDataRules)
            {
                if (series.Health[r] is not { AlertId: null } state) continue;
                var rule = _rules.SensorFault[r];
                var silent = now - series.LastHeard;
                if (silent < Ticks(rule.Seconds)) continue;
                state.AlertId = Raise(now, rule.Id, AlertKind.SensorFault, rule.Severity, series.Key.Sensor, series.Key.Quantity,
                    [new("silent_seconds", (double)silent / TimeSpan.TicksPerSecond)]);
            }
        }
    }

    // ---- series ----

    /// <summary>The series of a reading; null when no rule matches it, so it needs no state.</summary>
    private Series? GetSeries(string sensor, string quantity, string unit)
    {
        var key = new SeriesKey(sensor, quantity, unit);
        if (_series.TryGetValue(key, out var series)) return series;
        if (!AnyRuleMatches(sensor, quantity, unit)) return null;
        if (_seriesList.Count >= MaxSeries) Evict(LeastRecentlyUsed());

        var level = new LevelState?[_rules.Dust.Count];
        var retain = 0.0;
        for (var r = 0; r < level.Length; r++)
        {
            var rule = _rules.Dust[r];
            if (!LevelRuleMatches(rule, sensor, quantity, unit)) continue;
            level[r] = new LevelState(rule.Levels.Count);
            retain = Math.Max(retain, rule.WindowSeconds);
        }
        var health = new HealthState?[_rules.SensorFault.Count];
        for (var r = 0; r < health.Length; r++)
        {
            var rule = _rules.SensorFault[r];
            if (!HealthRuleMatches(rule, sensor, quantity, unit)) continue;
            health[r] = new HealthState();
        }
        var groups = new List<GroupState>();
        for (var r = 0; r < _rules.StrawBurning.Count; r++)
        {
            var rule = _rules.StrawBurning[r];
            for (var c = 0; c < rule.Conditions.Count; c++)
            {
                var condition = rule.Conditions[c];
                if (!ConditionMatches(condition, quantity, unit)) continue;
                retain = Math.Max(retain, condition.WindowSeconds);
                if (!_implicitGroups.ContainsKey((r, sensor)))
                    _implicitGroups[(r, sensor)] = new GroupState(r, sensor, [sensor], rule.Conditions.Count);
            }
        }
        series = new Series(key, Ticks(retain), level, health, groups);
        // Fill the composite slots now that the series exists.
        for (var r = 0; r < _rules.StrawBurning.Count; r++)
        {
            var rule = _rules.StrawBurning[r];
            for (var c = 0; c < rule.Conditions.Count; c++)
            {
                var condition = rule.Conditions[c];
                if (!ConditionMatches(condition, quantity, unit)) continue;
                foreach (var group in _explicitGroups[r].Where(g => g.Sensors.Contains(sensor)).Prepend(_implicitGroups[(r, sensor)]))
                {
                    if (group.Slots[c] is not null) continue;
                    group.Slots[c] = series;
                    foreach (var member in group.Slots)
                        if (member is not null && !member.Groups.Contains(group)) member.Groups.Add(group);
                }
                if (rule.SensorGroups.Count == 0) PairAutomatically(r, c, series);
            }
        }
        _series[key] = series;
        _seriesList.Add(series);
        return series;
    }

    private static bool LevelRuleMatches(LevelRule rule, string sensor, string quantity, string unit) =>
        rule.Quantity == quantity && (rule.Unit is null || rule.Unit == unit) && (rule.Sensor is null || rule.Sensor == sensor);

    // "Every quantity" is the vocabulary's: an unmapped source code (hj212:{code}) is watched only when a rule names it,
    // so a monitor sending thousands of codes costs no memory.
    private static bool HealthRuleMatches(SensorHealthRule rule, string sensor, string quantity, string unit) =>
        (rule.Quantities.Count > 0 ? rule.Quantities.Contains(quantity) : !Quantities.IsUnmapped(quantity)) &&
        (rule.Unit is null || rule.Unit == unit) && (rule.Sensor is null || rule.Sensor == sensor);

    private static bool ConditionMatches(AlertCondition condition, string quantity, string unit) =>
        condition.Quantity == quantity && (condition.Unit is null || condition.Unit == unit);

    // Loops, not LINQ: this runs for every reading no rule watches, which may be most of a monitor's frame.
    private bool AnyRuleMatches(string sensor, string quantity, string unit)
    {
        foreach (var rule in _rules.Dust)
            if (LevelRuleMatches(rule, sensor, quantity, unit)) return true;
        foreach (var rule in _rules.SensorFault)
            if (HealthRuleMatches(rule, sensor, quantity, unit)) return true;
        foreach (var rule in _rules.StrawBurning)
            foreach (var condition in rule.Conditions)
                if (ConditionMatches(condition, quantity, unit)) return true;
        return false;
    }

    /// <summary>The series seen longest ago, preferring one without an active alert (an alert whose series is gone could never clear).</summary>
    private Series LeastRecentlyUsed()
    {
        Series? quiet = null, any = null;
        foreach (var s in _seriesList)
        {
            if (any is null || s.LastUsed < any.LastUsed) any = s;
            if ((quiet is null || s.LastUsed < quiet.LastUsed) && !HasActiveAlert(s)) quiet = s;
        }
        return quiet ?? any!;
    }

    private static bool HasActiveAlert(Series series) =>
        series.Level.Any(l => l?.AlertId is not null) || series.Health.Any(h => h?.AlertId is not null) || series.Groups.Any(g => g.AlertId is not null);

    /// <summary>Drops a series and every reference to it; alerts it still holds (only when every series has one) are cleared.</summary>
    private void Evict(Series series)
    {
        var now = _nowTicks == long.MinValue ? series.LastSeen : _nowTicks;
        AlertValue[] evicted = [new("series_evicted", 1)];
        foreach (var level in series.Level)
            if (level?.AlertId is { } id) { Clear(now, id, evicted); level.AlertId = null; }
        foreach (var health in series.Health)
            if (health?.AlertId is { } id) { Clear(now, id, evicted); health.AlertId = null; }
        foreach (var group in series.Groups)
        {
            if (group.AlertId is { } id) { Clear(now, id, evicted); group.AlertId = null; }
            for (var c = 0; c < group.Slots.Length; c++)
                if (ReferenceEquals(group.Slots[c], series)) group.Slots[c] = null;
            if (group.Automatic)
                foreach (var member in group.Slots)
                    member?.Groups.Remove(group);
            else if (group.Slots.All(slot => slot is null) && _implicitGroups.TryGetValue((group.Rule, group.Name), out var own) && own == group)
                _implicitGroups.Remove((group.Rule, group.Name));
        }
        foreach (var suppliers in _suppliers.Values) suppliers.Remove(series);
        _series.Remove(series.Key);
        _seriesList.Remove(series);
        _evicted++;
        SeriesEvicted?.Invoke(series.Key.Sensor, series.Key.Quantity, series.Key.Unit);
    }

    /// <summary>
    /// A rule without sensor_groups pairs the sensors of this gateway: a new series supplying condition
    /// <paramref name="condition"/> forms a group with every combination of the series already supplying the others
    /// (the gateway's smoke sensor with each of its particulate sensors), whatever the sensors are called.
    /// </summary>
    private void PairAutomatically(int rule, int condition, Series series)
    {
        var count = _rules.StrawBurning[rule].Conditions.Count;
        IEnumerable<Series[]> combinations = [new Series[count]];
        for (var c = 0; c < count; c++)
        {
            var k = c;
            if (k == condition) combinations = combinations.Select(combination => With(combination, k, series));
            else
            {
                var suppliers = _suppliers.GetValueOrDefault((rule, k)) ?? [];
                combinations = combinations.SelectMany(combination => suppliers.Select(supplier => With(combination, k, supplier)));
            }
        }
        foreach (var combination in combinations.ToList())
        {
            var sensors = combination.Select(s => s.Key.Sensor).Distinct().ToArray();
            if (sensors.Length == 1) continue; // the sensor's own group
            var group = new GroupState(rule, string.Join('+', sensors), sensors, count) { Automatic = true };
            for (var c = 0; c < count; c++)
            {
                group.Slots[c] = combination[c];
                if (!combination[c].Groups.Contains(group)) combination[c].Groups.Add(group);
            }
        }
        if (!_suppliers.TryGetValue((rule, condition), out var list)) _suppliers[(rule, condition)] = list = [];
        list.Add(series);

        static Series[] With(Series[] combination, int index, Series series)
        {
            var copy = (Series[])combination.Clone();
            copy[index] = series;
            return copy;
        }
    }

    private readonly record struct SeriesKey(string Sensor, string Quantity, string Unit);

    /// <summary>One (sensor, quantity, unit): a ring of recent values and the per-rule state over it.</summary>
    private sealed class Series(SeriesKey key, long retainTicks, LevelState?[] level, HealthState?[] health, List<GroupState> groups)
    {
        private long[] _ticks = retainTicks > 0 ? new long[16] : [];
        private double[] _values = retainTicks > 0 ? new double[16] : [];
        // The running total of every value appended up to each slot: a window's sum is the difference of two, so a mean
        // costs two binary searches, not a walk over every sample in the window (600 per rule at 10 Hz over a minute).
        private double[] _totals = retainTicks > 0 ? new double[16] : [];
        private double _total;
        private int _start, _count;

        public SeriesKey Key { get; } = key;
        public LevelState?[] Level { get; } = level;
        public HealthState?[] Health { get; } = health;
        public List<GroupState> Groups { get; } = groups;
        /// <summary>The latest reading's stamp: older readings are ignored.</summary>
        public long LastSeen { get; set; } = long.MinValue;
        /// <summary>When the engine last heard the series, on its own clock: silence is counted from here.</summary>
        public long LastHeard { get; set; } = long.MinValue;
        /// <summary>When the series was last observed, as a count of observations (for eviction).</summary>
        public long LastUsed { get; set; }
        public double RunValue { get; set; }
        public long RunStart { get; set; }
        public int RunCount { get; set; }

        public void Append(long at, double value)
        {
            if (retainTicks <= 0) return;
            while (_count > 0 && _ticks[_start] <= at - retainTicks)
            {
                _start = (_start + 1) % _ticks.Length;
                _count--;
            }
            // Nothing left to subtract from: start the total again, so it never grows beyond what the ring holds.
            if (_count == 0) _total = 0;
            if (_count == _ticks.Length) Grow();
            var i = (_start + _count) % _ticks.Length;
            _ticks[i] = at;
            _values[i] = value;
            _total += value;
            _totals[i] = _total;
            _count++;
        }

        private void Grow()
        {
            var ticks = new long[_ticks.Length * 2];
            var values = new double[_ticks.Length * 2];
            var totals = new double[_ticks.Length * 2];
            for (var k = 0; k < _count; k++)
            {
                ticks[k] = _ticks[(_start + k) % _ticks.Length];
                values[k] = _values[(_start + k) % _ticks.Length];
                totals[k] = _totals[(_start + k) % _ticks.Length];
            }
            _ticks = ticks;
            _values = values;
            _totals = totals;
            _start = 0;
        }

        /// <summary>The measure over the window (at − window, at]; null when the window holds too little.</summary>
        /// <remarks>The ring is in time order (older readings are ignored), so the window is one stretch of it.</remarks>
        public double? Measure(AlertMeasure measure, long window, long at)
        {
            // Logical positions (0 = oldest): the last sample at or before `at`, the first after `at - window`.
            var last = FirstAfter(at) - 1;
            var first = FirstAfter(at - window);
            var n = last - first + 1;
            if (n <= 0) return null;
            if (measure == AlertMeasure.Mean)
            {
                var sum = _totals[Slot(last)] - _totals[Slot(first)] + _values[Slot(first)];
                return sum / n;
            }
            if (n < 2) return null;
            var min = double.MaxValue;
            for (var k = first; k <= last; k++) min = Math.Min(min, _values[Slot(k)]);
            return (_values[Slot(last)] - min) / ((double)window / TimeSpan.TicksPerMinute);
        }

        private int Slot(int k) => (_start + k) % _ticks.Length;

        // The logical position of the first sample stamped after `ticks` (_count when there is none).
        private int FirstAfter(long ticks)
        {
            int lo = 0, hi = _count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_ticks[Slot(mid)] <= ticks) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
    }

    private sealed class LevelState(int levels)
    {
        public long?[] AboveSince { get; } = new long?[levels];
        public long? BelowSince { get; set; }
        public string? AlertId { get; set; }
        public int Level { get; set; } = -1;
    }

    private sealed class HealthState
    {
        public long? BadSince { get; set; }
        public long? GoodSince { get; set; }
        public string? AlertId { get; set; }
    }

    private sealed class GroupState(int rule, string name, string[] sensors, int conditions)
    {
        public int Rule { get; } = rule;
        public string Name { get; } = name;
        public string[] Sensors { get; } = sensors;
        /// <summary>Paired by the engine (a rule without sensor_groups) rather than named in the rules.</summary>
        public bool Automatic { get; init; }
        public Series?[] Slots { get; } = new Series?[conditions];
        public double[] LastMeasures { get; } = new double[conditions];
        public long? HoldingSince { get; set; }
        public long? ClearingSince { get; set; }
        public string? AlertId { get; set; }

        public string QuantityName(CompositeRule rule) => string.Join('+', rule.Conditions.Select(c => c.Quantity).Distinct());
    }
}
