using System.Device.Gpio;
using System.Device.I2c;
using System.IO.Ports;

namespace GridEdge.Hardware;

/// <summary>
/// Opens the Pi's buses the drivers take (gpiochip, /dev/i2c-N, serial ports) and closes them together. The only place
/// that touches /dev: drivers themselves never open hardware.
/// </summary>
public sealed class HardwareBuses(HardwareOptions options) : IHardwareBuses
{
    private readonly List<IDisposable> _owned = [];

    public GpioController OpenGpio() => Own(new GpioController());

    public I2cDevice OpenSmokeAdc() => Own(I2cDevice.Create(new I2cConnectionSettings(options.Smoke.I2cBus, options.Smoke.I2cAddress)));

    public Stream OpenDustStream() => OpenSerial(options.Dust.PortName, options.Dust.BaudRate);

    public Stream OpenGnssStream() => OpenSerial(options.Gnss.PortName, options.Gnss.BaudRate);

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

    private T Own<T>(T bus) where T : IDisposable
    {
        _owned.Add(bus);
        return bus;
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
        return Own(port).BaseStream;
    }
}
