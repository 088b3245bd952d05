using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GridEdge.Demo;

/// <summary>A generated photo for the demo's problem reports: a real PNG (a coloured field with a smoke-grey plume), different every time.</summary>
public static class DemoPhoto
{
    public static byte[] Png(int width, int height, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        // Raw scanlines: a filter byte (0, none) then RGB triplets.
        var raw = new byte[height * (1 + width * 3)];
        var (fieldR, fieldG, fieldB) = (random.Next(120, 200), random.Next(140, 220), random.Next(40, 100));
        var (cx, cy, radius) = (random.Next(width / 4, 3 * width / 4), random.Next(height / 4, 3 * height / 4), random.Next(width / 8, width / 3));
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + width * 3);
            for (var x = 0; x < width; x++)
            {
                var d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy) * 2.0);
                var smoke = Math.Clamp(1 - d / radius, 0, 1);
                var noise = random.Next(-12, 13);
                var i = row + 1 + x * 3;
                raw[i] = (byte)Math.Clamp(fieldR * (1 - smoke) + 150 * smoke + noise, 0, 255);
                raw[i + 1] = (byte)Math.Clamp(fieldG * (1 - smoke) + 150 * smoke + noise, 0, 255);
                raw[i + 2] = (byte)Math.Clamp(fieldB * (1 - smoke) + 155 * smoke + noise, 0, 255);
            }
        }
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour
        Chunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw);
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc32(Crc32(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    private static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }
}
