using System.Device.Gpio;
using System.Device.I2c;
using GridEdge.Hardware.Pms5003;

namespace GridEdge.Hardware.Simulation;

/// <summary>
/// The gateway's buses in simulation: a recording GPIO chip, an ADS1115 register model, a PMS5003 and a GNSS receiver
/// on simulated serial streams, fed by <see cref="SimulatedAir"/>, so the real drivers run on a laptop and in tests.
/// </summary>
public sealed class SimulatedHardwareBuses(HardwareOptions options, SimulatedAir air, TimeProvider? timeProvider = null) : IHardwareBuses
{
    private readonly List<IDisposable> _owned = [];
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The recording driver behind <see cref="OpenGpio"/>, to inspect pin history.</summary>
    public RecordingGpioDriver? RecordingGpio { get; private set; }
    /// <summary>The ADS1115 model behind <see cref="OpenSmokeAdc"/>.</summary>
    public SimulatedAds1115? Adc { get; private set; }
    /// <summary>The PMS5003 behind <see cref="OpenDustStream"/>.</summary>
    public SimulatedPms5003Stream? Dust { get; private set; }
    /// <summary>The receiver behind <see cref="OpenGnssStream"/>.</summary>
    public SimulatedGnssStream? Gnss { get; private set; }

    public GpioController OpenGpio()
    {
        RecordingGpio = new RecordingGpioDriver(_time);
        return Own(new GpioController(RecordingGpio));
    }

    public I2cDevice OpenSmokeAdc()
    {
        var s = options.Smoke;
        Adc = new SimulatedAds1115(s.I2cBus, s.I2cAddress);
        // A differential pair reads its positive input; a single-ended channel its own.
        var channel = ((int)s.Channel & 0b100) != 0 ? (int)s.Channel & 0b011 : 0;
        Adc.SetInputVoltage(channel, air.SmokeVolts);
        return Own(Adc);
    }

    public Stream OpenDustStream()
    {
        Dust = new SimulatedPms5003Stream(() => { var (a, b, c) = air.Dust(); return PmsFrameWriter.FromMass(a, b, c); }, timeProvider: _time);
        return Own(Dust);
    }

    public Stream OpenGnssStream()
    {
        Gnss = new SimulatedGnssStream(air.Latitude, air.Longitude, timeProvider: _time);
        return Own(Gnss);
    }

    /// <summary>Closes everything opened, last first.</summary>
    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try { _owned[i].Dispose(); }
            catch (Exception e) when (e is IOException or InvalidOperationException) { }
        }
        _owned.Clear();
    }

    private T Own<T>(T bus) where T : IDisposable
    {
        _owned.Add(bus);
        return bus;
    }
}
