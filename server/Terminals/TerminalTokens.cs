using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace GridEdge.Server.Terminals;

/// <summary>Terminal tokens: 32 random bytes in base64url, known to the server and the gateways only by their SHA-256.</summary>
public static class TerminalTokens
{
    /// <summary>A new token.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The SHA-256 of a token as the directory carries it: UTF-8 bytes, lower-case hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
