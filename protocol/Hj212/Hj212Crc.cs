namespace GridEdge.Protocol.Hj212;

/// <summary>The HJ 212 checksum (Annex A of the standard): a CRC16 that is not CRC-16/MODBUS, printed as 4 hex digits.</summary>
public static class Hj212Crc
{
    // Annex A: reg = 0xFFFF; per byte reg = (reg >> 8) ^ b, then 8 shifts folding in 0xA001 on a carried-out 1.
    // (reg >> 8) ^ b always fits in 8 bits, so the 8 shifts depend on that byte alone: one table lookup per byte.
    // Checked against frames captured from field devices (tests/GridEdge.Protocol.Tests/Hj212), not against our encoder.
    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        var table = Table;
        uint reg = 0xFFFF;
        foreach (var b in data) reg = table[(reg >> 8) ^ b];
        return (ushort)reg;
    }

    /// <summary>The algorithm exactly as Annex A states it, bit by bit (used to build the table, and by tests).</summary>
    public static ushort ComputeBitwise(ReadOnlySpan<byte> data)
    {
        uint reg = 0xFFFF;
        foreach (var b in data)
        {
            reg = (reg >> 8) ^ b;
            for (var i = 0; i < 8; i++)
            {
                var lsb = reg & 1;
                reg >>= 1;
                if (lsb != 0) reg ^= 0xA001;
            }
        }
        return (ushort)reg;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var x = 0; x < 256; x++)
        {
            uint reg = (uint)x;
            for (var i = 0; i < 8; i++)
            {
                var lsb = reg & 1;
                reg >>= 1;
                if (lsb != 0) reg ^= 0xA001;
            }
            table[x] = (ushort)reg;
        }
        return table;
    }

    /// <summary>Reads 4 hex digits, upper or lower case (some devices print lower case).</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> text, out ushort crc)
    {
        crc = 0;
        if (text.Length != 4) return false;
        var value = 0;
        foreach (var c in text)
        {
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                _ => -1,
            };
            if (digit < 0) return false;
            value = (value << 4) | digit;
        }
        crc = (ushort)value;
        return true;
    }

    /// <summary>Writes the checksum as 4 upper-case hex digits, high nibble first.</summary>
    public static void WriteHex(ushort crc, Span<byte> destination)
    {
        const string digits = "0123456789ABCDEF";
        destination[0] = (byte)digits[(crc >> 12) & 0xF];
        destination[1] = (byte)digits[(crc >> 8) & 0xF];
        destination[2] = (byte)digits[(crc >> 4) & 0xF];
        destination[3] = (byte)digits[crc & 0xF];
    }
}
