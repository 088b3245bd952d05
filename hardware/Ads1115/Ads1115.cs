using System.Buffers.Binary;
using System.Device.I2c;

namespace GridEdge.Hardware.Ads1115;

/// <summary>TI ADS1115 16-bit ADC on I2C (datasheet SBAS444C). Single-shot by default, comparator disabled.</summary>
public sealed class Ads1115 : IDisposable
{
    /// <summary>Address with ADDR tied to GND (datasheet table 4); 0x49 VDD, 0x4A SDA, 0x4B SCL.</summary>
    public const int DefaultI2cAddress = 0x48;

    private readonly I2cDevice _device;
    private readonly bool _ownsDevice;
    private readonly object _gate = new();
    private InputMultiplexer _mux;
    private MeasuringRange _range;
    private DataRate _rate;
    private DeviceMode _mode;

    /// <summary>Creates the driver on an open I2C device and writes the config register (comparator disabled).</summary>
    /// <param name="device">The bus device at the ADC's address.</param>
    /// <param name="inputMultiplexer">Input measured by <see cref="ReadRaw()"/>.</param>
    /// <param name="measuringRange">Full-scale range.</param>
    /// <param name="dataRate">Samples per second; a conversion takes 1/rate.</param>
    /// <param name="deviceMode">Single-shot (power-down) or continuous.</param>
    /// <param name="ownsDevice">Dispose the device with this driver.</param>
    public Ads1115(I2cDevice device, InputMultiplexer inputMultiplexer = InputMultiplexer.AIN0, MeasuringRange measuringRange = MeasuringRange.FS4096,
        DataRate dataRate = DataRate.SPS128, DeviceMode deviceMode = DeviceMode.PowerDown, bool ownsDevice = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _ownsDevice = ownsDevice;
        _mux = inputMultiplexer;
        _range = measuringRange;
        _rate = dataRate;
        _mode = deviceMode;
        WriteConfig(startConversion: false);
    }

    /// <summary>Input measured by default.</summary>
    public InputMultiplexer InputMultiplexer { get { lock (_gate) return _mux; } set { lock (_gate) { _mux = value; WriteConfig(false); } } }
    /// <summary>Full-scale range.</summary>
    public MeasuringRange MeasuringRange { get { lock (_gate) return _range; } set { lock (_gate) { _range = value; WriteConfig(false); } } }
    /// <summary>Data rate.</summary>
    public DataRate DataRate { get { lock (_gate) return _rate; } set { lock (_gate) { _rate = value; WriteConfig(false); } } }
    /// <summary>Single-shot or continuous.</summary>
    public DeviceMode DeviceMode { get { lock (_gate) return _mode; } set { lock (_gate) { _mode = value; WriteConfig(false); } } }

    /// <summary>Reads the configured input as a raw two's-complement code.</summary>
    public short ReadRaw() { lock (_gate) return ReadRawLocked(_mux); }

    /// <summary>Reads another input (the setting is kept for following reads).</summary>
    public short ReadRaw(InputMultiplexer inputMultiplexer)
    {
        lock (_gate)
        {
            if (inputMultiplexer != _mux)
            {
                _mux = inputMultiplexer;
                WriteConfig(false);
            }
            return ReadRawLocked(_mux);
        }
    }

    /// <summary>Reads the configured input in volts.</summary>
    public double ReadVoltage() { lock (_gate) return RawToVoltage(ReadRawLocked(_mux), _range); }

    /// <summary>Reads an input in volts.</summary>
    public double ReadVoltage(InputMultiplexer inputMultiplexer)
    {
        var raw = ReadRaw(inputMultiplexer);
        lock (_gate) return RawToVoltage(raw, _range);
    }

    /// <summary>Converts a raw code to volts: code × FS / 32768 (datasheet §9.3.3, table 3).</summary>
    public static double RawToVoltage(short raw, MeasuringRange range) => raw * Ads1115Config.FullScaleVolts(range) / 32768.0;

    /// <summary>Reads a 16-bit register.</summary>
    public ushort ReadRegister(Ads1115Register register)
    {
        Span<byte> pointer = [(byte)register];
        Span<byte> value = stackalloc byte[2];
        lock (_gate) _device.WriteRead(pointer, value);
        return BinaryPrimitives.ReadUInt16BigEndian(value);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsDevice) _device.Dispose();
    }

    private short ReadRawLocked(InputMultiplexer mux)
    {
        if (_mode == DeviceMode.PowerDown)
        {
            WriteConfig(startConversion: true);
            WaitForConversion();
        }
        Span<byte> pointer = [(byte)Ads1115Register.Conversion];
        Span<byte> value = stackalloc byte[2];
        _device.WriteRead(pointer, value);
        return BinaryPrimitives.ReadInt16BigEndian(value);
    }

    // Datasheet §9.4.2: OS reads 0 while a single-shot conversion runs and 1 when it is done. A conversion takes 1/DR.
    private void WaitForConversion()
    {
        var conversion = TimeSpan.FromSeconds(1.0 / Ads1115Config.SamplesPerSecond(_rate));
        Span<byte> pointer = [(byte)Ads1115Register.Config];
        Span<byte> value = stackalloc byte[2];
        for (var attempt = 0; attempt < 20; attempt++)
        {
            _device.WriteRead(pointer, value);
            if ((BinaryPrimitives.ReadUInt16BigEndian(value) & Ads1115Config.OperationalStatus) != 0) return;
            Thread.Sleep(attempt == 0 ? conversion : TimeSpan.FromMilliseconds(1));
        }
        throw new IOException($"ADS1115 at 0x{_device.ConnectionSettings.DeviceAddress:X2} did not finish a conversion: the config OS bit stayed 0 over 20 polls after waiting {conversion.TotalMilliseconds:0.#} ms.");
    }

    private void WriteConfig(bool startConversion)
    {
        var config = Ads1115Config.Compose(_mux, _range, _mode, _rate, startConversion);
        Span<byte> write = [(byte)Ads1115Register.Config, (byte)(config >> 8), (byte)config];
        _device.Write(write);
    }
}
