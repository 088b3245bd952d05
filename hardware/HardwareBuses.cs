using System.Device.Gpio;
using System.Device.I2c;
using System.IO.Ports;
using GridEdge.Hardware.Simulation;

namespace GridEdge.Hardware;

/// <summary>
/// Opens the buses the drivers take, real or simulated as <see cref="HardwareOptions.Simulated"/> says, and closes them
/// together. The only place that touches /dev: drivers themselves never open hardware.
/// </summary>
public sealed class HardwareBuses : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly HardwareOptions _options;
    private readonly TimeProvider _time;

    public HardwareBuses(HardwareOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>In simulation: the recording driver behind <see cref="OpenGpio"/>, to inspect pin history.</summary>
    public RecordingGpioDriver? RecordingGpio { get; private set; }
    /// <summary>In simulation: the ADS1115 model behind <see cref="OpenSmokeAdc"/>, to set the MQ-2 voltage.</summary>
    public SimulatedAds1115? SimulatedAdc { get; private set; }
    /// <summary>In simulation: the PMS5003 behind <see cref="OpenDustStream"/>.</summary>
    public SimulatedPms5003Stream? SimulatedDust { get; private set; }
    /// <summary>In simulation: the receiver behind <see cref="OpenGnssStream"/>.</summary>
    public SimulatedGnssStream? SimulatedGnss { get; private set; }

    /// <summary>The GPIO controller (the Pi's gpiochip, or a recording one).</summary>
    public GpioController OpenGpio()
    {
        GpioController controller;
        if (_options.Simulated)
        {
            RecordingGpio = new RecordingGpioDriver(_time);
            controller = new GpioController(RecordingGpio);
        }
        else
        {
            controller = new GpioController();
        }
        _owned.Add(controller);
        return controller;
    }

    /// <summary>The ADS1115's I2C device.</summary>
    /// <param name="simulatedVolts">In simulation, the MQ-2 output voltage over time (default: clean air, 0.4 V).</param>
    public I2cDevice OpenSmokeAdc(Func<double>? simulatedVolts = null)
    {
        var s = _options.Smoke;
        I2cDevice device;
        if (_options.Simulated)
        {
            SimulatedAdc = new SimulatedAds1115(s.I2cBus, s.I2cAddress);
            var channel = ((int)s.Channel & 0b100) != 0 ? (int)s.Channel & 0b011 : 0;
            SimulatedAdc.SetInputVoltage(channel, simulatedVolts ?? (() => 0.4));
            device = SimulatedAdc;
        }
        else
        {
            device = I2cDevice.Create(new I2cConnectionSettings(s.I2cBus, s.I2cAddress));
        }
        _owned.Add(device);
        return device;
    }

    /// <summary>The PMSx003's serial stream (9600 8N1).</summary>
    /// <param name="simulatedSeries">In simulation, the atmospheric PM values of each frame (default: a steady 12/25/40 µg/m³).</param>
    public Stream OpenDustStream(Func<(double Pm1, double Pm2_5, double Pm10)>? simulatedSeries = null)
    {
        if (_options.Simulated)
        {
            var series = simulatedSeries ?? (() => (12, 25, 40));
            SimulatedDust = new SimulatedPms5003Stream(() => { var (a, b, c) = series(); return PmsFrameWriter.FromMass(a, b, c); }, timeProvider: _time);
            _owned.Add(SimulatedDust);
            return SimulatedDust;
        }
        return OpenSerial(_options.Dust.PortName, _options.Dust.BaudRate);
    }

    /// <summary>The GNSS receiver's serial stream.</summary>
    public Stream OpenGnssStream()
    {
        if (_options.Simulated)
        {
            SimulatedGnss = new SimulatedGnssStream(_options.Gnss.SimulatedLatitude, _options.Gnss.SimulatedLongitude, timeProvider: _time);
            _owned.Add(SimulatedGnss);
            return SimulatedGnss;
        }
        return OpenSerial(_options.Gnss.PortName, _options.Gnss.BaudRate);
    }

    /// <summary>Closes everything opened, last first.</summary>
    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try { _owned[i].Dispose(); }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException) { }
        }
        _owned.Clear();
    }

    private Stream OpenSerial(string portName, int baudRate)
    {
        var port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            // A blocked read returns as TimeoutException now and then, which the drivers treat as silence.
            ReadTimeout = 2000,
            WriteTimeout = 2000,
        };
        port.Open();
        _owned.Add(port);
        return port.BaseStream;
    }
}
