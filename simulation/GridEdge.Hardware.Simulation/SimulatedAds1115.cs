using System.Buffers.Binary;
using System.Device.I2c;
using GridEdge.Hardware.Ads1115;

namespace GridEdge.Hardware.Simulation;

/// <summary>
/// An <see cref="I2cDevice"/> that behaves like an ADS1115: pointer, config, threshold and conversion registers,
/// single-shot and continuous modes, PGA clipping. Each input's voltage comes from a settable value or a function.
/// </summary>
public sealed class SimulatedAds1115 : I2cDevice
{
    private readonly object _gate = new();
    private readonly Func<double>[] _inputs = new Func<double>[4];
    private byte _pointer;
    private ushort _config = Ads1115Config.PowerOnDefault;
    private ushort _lowThreshold = 0x8000;
    private ushort _highThreshold = 0x7FFF;
    private short _conversion;
    private int _busyReadsLeft;

    /// <summary>Creates the device at <paramref name="busId"/>/<paramref name="address"/>; every input reads 0 V until set.</summary>
    public SimulatedAds1115(int busId = 1, int address = Ads1115.Ads1115.DefaultI2cAddress)
    {
        ConnectionSettings = new I2cConnectionSettings(busId, address);
        for (var i = 0; i < _inputs.Length; i++) _inputs[i] = () => 0.0;
    }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>Config reads that report "converting" (OS = 0) after each single-shot start; 0 means conversions finish at once.</summary>
    public int BusyReadsPerConversion { get; set; }

    /// <summary>How many conversions have run.</summary>
    public int Conversions { get; private set; }

    /// <summary>The config register as last written (OS bit as written).</summary>
    public ushort LastConfigWritten { get; private set; } = Ads1115Config.PowerOnDefault;

    /// <summary>Sets the voltage on input <paramref name="channel"/> (0-3, AINx against GND).</summary>
    public void SetInputVoltage(int channel, double volts) => SetInputVoltage(channel, () => volts);

    /// <summary>Makes input <paramref name="channel"/> read the value of <paramref name="volts"/> at each conversion.</summary>
    public void SetInputVoltage(int channel, Func<double> volts)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)channel, 3u, nameof(channel));
        ArgumentNullException.ThrowIfNull(volts);
        lock (_gate) _inputs[channel] = volts;
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty) return;
        lock (_gate)
        {
            if (buffer[0] > 3) throw new IOException($"ADS1115 simulation: pointer 0x{buffer[0]:X2} does not exist (0-3).");
            _pointer = buffer[0];
            if (buffer.Length < 3) return;
            var value = BinaryPrimitives.ReadUInt16BigEndian(buffer[1..]);
            switch ((Ads1115Register)_pointer)
            {
                case Ads1115Register.Config:
                    LastConfigWritten = value;
                    _config = (ushort)(value & ~Ads1115Config.OperationalStatus);
                    var singleShot = (_config >> Ads1115Config.ModeShift & 1) == 1;
                    if (singleShot && (value & Ads1115Config.OperationalStatus) != 0)
                    {
                        Convert();
                        _busyReadsLeft = BusyReadsPerConversion;
                    }
                    break;
                case Ads1115Register.LowThreshold: _lowThreshold = value; break;
                case Ads1115Register.HighThreshold: _highThreshold = value; break;
                // The conversion register is read-only; a write to it only sets the pointer.
            }
        }
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            ushort value;
            switch ((Ads1115Register)_pointer)
            {
                case Ads1115Register.Conversion:
                    if ((_config >> Ads1115Config.ModeShift & 1) == 0) Convert();
                    value = (ushort)_conversion;
                    break;
                case Ads1115Register.Config:
                    var busy = _busyReadsLeft > 0;
                    if (busy) _busyReadsLeft--;
                    value = (ushort)(_config | (busy ? 0 : Ads1115Config.OperationalStatus));
                    break;
                case Ads1115Register.LowThreshold: value = _lowThreshold; break;
                default: value = _highThreshold; break;
            }
            Span<byte> bytes = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
            for (var i = 0; i < buffer.Length; i++) buffer[i] = bytes[i % 2];
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    // Under _gate. Datasheet table 3: code = V / FS × 32768, clipped to 0x8000..0x7FFF.
    private void Convert()
    {
        var mux = (InputMultiplexer)(_config >> Ads1115Config.MuxShift & 0b111);
        var range = (MeasuringRange)(_config >> Ads1115Config.PgaShift & 0b111);
        var volts = mux switch
        {
            InputMultiplexer.AIN0_AIN1 => _inputs[0]() - _inputs[1](),
            InputMultiplexer.AIN0_AIN3 => _inputs[0]() - _inputs[3](),
            InputMultiplexer.AIN1_AIN3 => _inputs[1]() - _inputs[3](),
            InputMultiplexer.AIN2_AIN3 => _inputs[2]() - _inputs[3](),
            InputMultiplexer.AIN0 => _inputs[0](),
            InputMultiplexer.AIN1 => _inputs[1](),
            InputMultiplexer.AIN2 => _inputs[2](),
            _ => _inputs[3](),
        };
        var code = Math.Round(volts / Ads1115Config.FullScaleVolts(range) * 32768.0);
        _conversion = (short)Math.Clamp(code, short.MinValue, short.MaxValue);
        Conversions++;
    }
}
