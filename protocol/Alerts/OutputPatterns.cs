namespace GridEdge.Protocol.Alerts;

/// <summary>What the buzzer sounds.</summary>
public enum BuzzerPattern
{
    Off,
    Continuous,
    /// <summary>0.5 s on, 1.5 s off: a warning.</summary>
    SlowBeep,
    /// <summary>0.15 s on, 0.15 s off: an alarm.</summary>
    FastBeep,
    /// <summary>Morse ··· − − − ··· then a pause: the most urgent.</summary>
    Sos,
}

/// <summary>How the signal light shows.</summary>
public enum LightPattern
{
    Off,
    Steady,
    /// <summary>1 s on, 1 s off.</summary>
    SlowBlink,
    /// <summary>0.25 s on, 0.25 s off.</summary>
    FastBlink,
}
