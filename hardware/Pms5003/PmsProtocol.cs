namespace GridEdge.Hardware.Pms5003;

/// <summary>Byte layout of the Plantower PMSx003 serial protocol (PMS5003 manual V2.3, appendix I and II).</summary>
public static class PmsProtocol
{
    /// <summary>First start byte of every frame, both directions (manual appendix I: "Start character 1 0x42").</summary>
    public const byte StartByte1 = 0x42;
    /// <summary>Second start byte (manual appendix I: "Start character 2 0x4d").</summary>
    public const byte StartByte2 = 0x4D;
    /// <summary>Length of a data frame: 2 start bytes + 2 length bytes + 13 data words + 2 checksum bytes.</summary>
    public const int DataFrameLength = 32;
    /// <summary>Value of the length field of a data frame: 13 data words + checksum = 28 bytes.</summary>
    public const ushort DataFrameLengthField = 28;
    /// <summary>Length of the sensor's answer to a mode change (42 4D 00 04 cmd data checksum), seen on PMS5003/7003.</summary>
    public const int AcknowledgementFrameLength = 8;
    /// <summary>Value of the length field of an acknowledgement frame.</summary>
    public const ushort AcknowledgementLengthField = 4;
    /// <summary>Length of a host-to-sensor command (manual appendix II: 42 4D CMD DATAH DATAL LRCH LRCL).</summary>
    public const int CommandLength = 7;
    /// <summary>Offset of the first big-endian data word in a data frame.</summary>
    public const int FirstDataWordOffset = 4;
    /// <summary>Offset of the big-endian checksum in a data frame (the sum of bytes 0..29).</summary>
    public const int ChecksumOffset = 30;

    /// <summary>The 16-bit sum of the bytes, the checksum used by frames and commands alike.</summary>
    public static ushort Sum(ReadOnlySpan<byte> bytes)
    {
        uint sum = 0;
        foreach (var b in bytes) sum += b;
        return (ushort)sum;
    }

    /// <summary>Writes the 7-byte command frame into <paramref name="destination"/> and returns the bytes written (7).</summary>
    public static int WriteCommand(Span<byte> destination, PmsCommand command, ushort data)
    {
        if (destination.Length < CommandLength)
            throw new ArgumentException($"A PMS command needs {CommandLength} bytes; the destination has {destination.Length}.", nameof(destination));
        destination[0] = StartByte1;
        destination[1] = StartByte2;
        destination[2] = (byte)command;
        destination[3] = (byte)(data >> 8);
        destination[4] = (byte)data;
        var lrc = Sum(destination[..5]);
        destination[5] = (byte)(lrc >> 8);
        destination[6] = (byte)lrc;
        return CommandLength;
    }

    /// <summary>Reads a 7-byte command frame, as sent by a host, when its start bytes and checksum are right.</summary>
    public static bool TryReadCommand(ReadOnlySpan<byte> frame, out PmsCommand command, out ushort data)
    {
        command = default;
        data = 0;
        if (frame.Length != CommandLength || frame[0] != StartByte1 || frame[1] != StartByte2) return false;
        if (Sum(frame[..5]) != (ushort)(frame[5] << 8 | frame[6])) return false;
        command = (PmsCommand)frame[2];
        data = (ushort)(frame[3] << 8 | frame[4]);
        return true;
    }
}

/// <summary>Host-to-sensor command codes (manual appendix II) with the data word each takes.</summary>
public enum PmsCommand : byte
{
    /// <summary>Passive read: DATAL = 0x00 (the sensor answers with one data frame).</summary>
    ReadPassive = 0xE2,
    /// <summary>Change mode: DATAL 0x00 = passive, 0x01 = active.</summary>
    ChangeMode = 0xE1,
    /// <summary>Sleep/wake: DATAL 0x00 = sleep, 0x01 = wake.</summary>
    SleepWake = 0xE4,
}

/// <summary>Whether the sensor sends frames on its own (active, the power-on default) or only when asked (passive).</summary>
public enum PmsMode
{
    Active,
    Passive,
}

/// <summary>Which meaning the last three data words have. The frame itself does not say; the model or a heuristic does.</summary>
public enum PmsFrameLayout
{
    /// <summary>PMS5003/7003/A003: counts above 5.0 and 10 µm, then version and error code.</summary>
    Standard,
    /// <summary>PMS5003T: temperature and humidity (tenths) instead of the 5.0 and 10 µm counts.</summary>
    Pms5003T,
}

/// <summary>The sensor model configured for a <see cref="Pms5003"/>, which fixes the frame layout.</summary>
public enum PmsModel
{
    /// <summary>PMS5003, PMS7003, PMSA003: standard layout.</summary>
    Pms5003,
    /// <summary>PMS5003T: temperature and humidity in words 11-12.</summary>
    Pms5003T,
    /// <summary>Decide per frame: a frame whose "counts" are not cumulative (each size at most the smaller size's count) is a PMS5003T frame. For captures of unknown origin.</summary>
    Detect,
}
