using System.Device.Gpio;
using System.Device.I2c;

namespace GridEdge.Hardware;

/// <summary>The buses the gateway's drivers take; <see cref="HardwareBuses"/> opens the Pi's, a simulation its own.</summary>
public interface IHardwareBuses : IDisposable
{
    /// <summary>The GPIO controller of the alarm outputs and the acknowledge button.</summary>
    GpioController OpenGpio();

    /// <summary>The ADS1115's I2C device the MQ-2 is read through.</summary>
    I2cDevice OpenSmokeAdc();

    /// <summary>The PMSx003's serial stream (9600 8N1).</summary>
    Stream OpenDustStream();

    /// <summary>The GNSS receiver's serial stream.</summary>
    Stream OpenGnssStream();
}
