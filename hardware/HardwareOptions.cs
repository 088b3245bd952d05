using GridEdge.Hardware.Ads1115;
using GridEdge.Hardware.Mq2;
using GridEdge.Hardware.Nmea;
using GridEdge.Hardware.Outputs;
using GridEdge.Hardware.Pms5003;

namespace GridEdge.Hardware;

/// <summary>The gateway's hardware, bound from "Edge:Hardware": serial ports, I2C and GPIO pins.</summary>
public sealed class HardwareOptions
{
    public const string Section = "Hardware";

    /// <summary>Open the gateway's own sensors and outputs at all (Edge:Hardware:Enabled). Off on a laptop.</summary>
    public bool Enabled { get; set; }
    /// <summary>Length of the aggregate window each sensor's samples are folded into before they enter the outbox.</summary>
    public int WindowSeconds { get; set; } = 60;
    public DustSensorSettings Dust { get; set; } = new();
    public SmokeSensorSettings Smoke { get; set; } = new();
    public GnssSettings Gnss { get; set; } = new();
    public AlarmSettings Alarm { get; set; } = new();

    /// <summary>Every problem found, each naming the key (e.g. "Edge:Hardware:Alarm:RelayPin"), the value and what was expected.</summary>
    /// <param name="sectionPath">Where this section sits in the configuration, for the messages.</param>
    public IReadOnlyList<string> Validate(string sectionPath = "Edge:" + Section)
    {
        var errors = new List<string>();
        void Check(bool ok, string key, object? value, string expected)
        {
            if (!ok) errors.Add($"{sectionPath}:{key} is '{value}'; expected {expected}.");
        }
        Check(WindowSeconds is >= 1 and <= 3600, "WindowSeconds", WindowSeconds, "1-3600 seconds");
        if (Dust.Enabled)
        {
            Check(!string.IsNullOrWhiteSpace(Dust.PortName), "Dust:PortName", Dust.PortName, "a serial device such as /dev/serial0");
            Check(Dust.BaudRate == 9600, "Dust:BaudRate", Dust.BaudRate, "9600 (the PMSx003 rate is fixed)");
            Check(Enum.IsDefined(Dust.Model), "Dust:Model", Dust.Model, "Pms5003, Pms5003T or Detect");
            Check(Dust.NoFrameTimeoutSeconds > 0, "Dust:NoFrameTimeoutSeconds", Dust.NoFrameTimeoutSeconds, "a positive number of seconds");
            Check(Dust.MaxConsecutiveBadFrames >= 1, "Dust:MaxConsecutiveBadFrames", Dust.MaxConsecutiveBadFrames, "at least 1");
            Check(Dust.SettlingSeconds >= 0, "Dust:SettlingSeconds", Dust.SettlingSeconds, "0 or more seconds");
            Check(Dust.StuckAfterMinutes > 0, "Dust:StuckAfterMinutes", Dust.StuckAfterMinutes, "a positive number of minutes");
        }
        if (Smoke.Enabled)
        {
            Check(Smoke.I2cBus >= 0, "Smoke:I2cBus", Smoke.I2cBus, "an I2C bus number (1 on a Pi: /dev/i2c-1)");
            Check(Smoke.I2cAddress is >= 0x48 and <= 0x4B, "Smoke:I2cAddress", Smoke.I2cAddress, "72-75 (0x48-0x4B, set by the ADDR pin)");
            Check(Enum.IsDefined(Smoke.Channel), "Smoke:Channel", Smoke.Channel, "AIN0..AIN3 or a differential pair such as AIN0_AIN1");
            Check(Enum.IsDefined(Smoke.Range), "Smoke:Range", Smoke.Range, "FS6144, FS4096, FS2048, FS1024, FS0512 or FS0256");
            Check(Smoke.WarmUpSeconds >= 0, "Smoke:WarmUpSeconds", Smoke.WarmUpSeconds, "0 or more seconds");
            Check(!string.IsNullOrWhiteSpace(Smoke.BaselineFile), "Smoke:BaselineFile", Smoke.BaselineFile, "a file path for the clean-air baseline");
            Check(Smoke.CalibrationSamples >= 1, "Smoke:CalibrationSamples", Smoke.CalibrationSamples, "at least 1");
            Check(Smoke.SampleIntervalSeconds > 0, "Smoke:SampleIntervalSeconds", Smoke.SampleIntervalSeconds, "a positive number of seconds");
        }
        if (Gnss.Enabled)
        {
            Check(!string.IsNullOrWhiteSpace(Gnss.PortName), "Gnss:PortName", Gnss.PortName, "a serial device such as /dev/ttyACM0 or /dev/ttyAMA2");
            Check(Gnss.BaudRate is 4800 or 9600 or 19200 or 38400 or 57600 or 115200, "Gnss:BaudRate", Gnss.BaudRate, "4800, 9600, 19200, 38400, 57600 or 115200");
            Check(Gnss.NoSentenceTimeoutSeconds > 0, "Gnss:NoSentenceTimeoutSeconds", Gnss.NoSentenceTimeoutSeconds, "a positive number of seconds");
        }
        Check(Alarm.RelayMaxOnSeconds > 0, "Alarm:RelayMaxOnSeconds", Alarm.RelayMaxOnSeconds, "a positive number of seconds");
        Check(Alarm.RelayCooldownSeconds >= 0, "Alarm:RelayCooldownSeconds", Alarm.RelayCooldownSeconds, "0 or more seconds");
        try { Alarm.ToAlarmOutputsOptions().Validate(); }
        catch (ArgumentException e) { errors.Add($"{sectionPath}:Alarm:{e.ParamName}: {e.Message}"); }
        return errors;
    }
}

/// <summary>"Hardware:Dust": the PMSx003 on a UART.</summary>
public sealed class DustSensorSettings
{
    public bool Enabled { get; set; } = true;
    /// <summary>Serial device: /dev/serial0 is UART0 on GPIO14/15 once Bluetooth is moved off it.</summary>
    public string PortName { get; set; } = "/dev/serial0";
    public int BaudRate { get; set; } = 9600;
    public PmsModel Model { get; set; } = PmsModel.Pms5003;
    /// <summary>Active (frames every second) or passive (the host asks).</summary>
    public PmsMode Mode { get; set; } = PmsMode.Active;
    public double NoFrameTimeoutSeconds { get; set; } = 10;
    public int MaxConsecutiveBadFrames { get; set; } = 5;
    public double StuckAfterMinutes { get; set; } = 30;
    /// <summary>Readings right after power-on or wake are dropped for this long: the fan needs time to draw a representative sample.</summary>
    public double SettlingSeconds { get; set; } = 30;

    public Pms5003Options ToPms5003Options() => new()
    {
        SettlingTime = TimeSpan.FromSeconds(SettlingSeconds),
        Model = Model,
        NoFrameTimeout = TimeSpan.FromSeconds(NoFrameTimeoutSeconds),
        MaxConsecutiveBadFrames = MaxConsecutiveBadFrames,
        StuckAfter = TimeSpan.FromMinutes(StuckAfterMinutes),
    };
}

/// <summary>"Hardware:Smoke": the MQ-2 on an ADS1115 input.</summary>
public sealed class SmokeSensorSettings
{
    public bool Enabled { get; set; } = true;
    public int I2cBus { get; set; } = 1;
    /// <summary>Decimal in JSON: 72 = 0x48 (ADDR to GND).</summary>
    public int I2cAddress { get; set; } = Ads1115.Ads1115.DefaultI2cAddress;
    public InputMultiplexer Channel { get; set; } = InputMultiplexer.AIN0;
    public MeasuringRange Range { get; set; } = MeasuringRange.FS4096;
    public double WarmUpSeconds { get; set; } = 180;
    public string BaselineFile { get; set; } = "/var/lib/gridedge/mq2-baseline.json";
    public int CalibrationSamples { get; set; } = 60;
    /// <summary>How often the host reads the MQ-2.</summary>
    public double SampleIntervalSeconds { get; set; } = 5;

    public Mq2Options ToMq2Options() => new()
    {
        Channel = Channel,
        WarmUp = TimeSpan.FromSeconds(WarmUpSeconds),
        BaselineFile = BaselineFile,
        CalibrationSamples = CalibrationSamples,
    };
}

/// <summary>"Hardware:Gnss": the NMEA receiver (USB or second UART).</summary>
public sealed class GnssSettings
{
    public bool Enabled { get; set; } = true;
    /// <summary>/dev/ttyACM0 for a USB receiver (u-blox), /dev/ttyUSB0 behind a CH340/CP2102 adapter, /dev/ttyAMA2 for UART3 on a Pi 4.</summary>
    public string PortName { get; set; } = "/dev/ttyACM0";
    public int BaudRate { get; set; } = 9600;
    public double NoSentenceTimeoutSeconds { get; set; } = 10;

    public GnssReceiverOptions ToReceiverOptions() => new() { NoSentenceTimeout = TimeSpan.FromSeconds(NoSentenceTimeoutSeconds) };
}

/// <summary>"Hardware:Alarm": BCM pin numbers of the outputs and the button (null = not fitted).</summary>
public sealed class AlarmSettings
{
    public int? BuzzerPin { get; set; } = 17;
    public bool BuzzerActiveLow { get; set; }
    public int? LightPin { get; set; } = 27;
    public bool LightActiveLow { get; set; }
    public int? RelayPin { get; set; } = 22;
    public bool RelayActiveLow { get; set; } = true;
    public double RelayMaxOnSeconds { get; set; } = 60;
    public double RelayCooldownSeconds { get; set; } = 120;
    public int? AcknowledgeButtonPin { get; set; } = 23;

    public AlarmOutputsOptions ToAlarmOutputsOptions() => new()
    {
        BuzzerPin = BuzzerPin,
        BuzzerPolarity = BuzzerActiveLow ? OutputPolarity.ActiveLow : OutputPolarity.ActiveHigh,
        LightPin = LightPin,
        LightPolarity = LightActiveLow ? OutputPolarity.ActiveLow : OutputPolarity.ActiveHigh,
        RelayPin = RelayPin,
        Relay = new RelayOptions
        {
            Polarity = RelayActiveLow ? OutputPolarity.ActiveLow : OutputPolarity.ActiveHigh,
            MaxOnTime = TimeSpan.FromSeconds(RelayMaxOnSeconds),
            Cooldown = TimeSpan.FromSeconds(RelayCooldownSeconds),
        },
        AcknowledgeButtonPin = AcknowledgeButtonPin,
    };
}
