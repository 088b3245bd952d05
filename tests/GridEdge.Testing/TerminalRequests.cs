using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace GridEdge.Testing;

/// <summary>Requests as an enforcement terminal sends them to its gateway's terminal API.</summary>
public static class TerminalRequests
{
    /// <summary>A JSON POST with the terminal's bearer token and an idempotency key.</summary>
    public static HttpRequestMessage Post(string path, string token, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>Opens an upload and sends <paramref name="photo"/> in pieces of <paramref name="piece"/> bytes; its SHA-256.</summary>
    public static async Task<string> UploadAsync(HttpClient terminal, string token, byte[] photo, int piece, CancellationToken cancellationToken)
    {
        var sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(photo)).ToLowerInvariant();
        using (var open = await terminal.SendAsync(Post("/api/v1/attachments", token, "att-" + sha[..16], new { sha256 = sha, size = photo.Length, contentType = "image/jpeg" }), cancellationToken))
            if (!open.IsSuccessStatusCode) throw new InvalidOperationException($"opening the upload: {(int)open.StatusCode} {await open.Content.ReadAsStringAsync(cancellationToken)}");
        for (var offset = 0; offset < photo.Length; offset += piece)
        {
            var length = Math.Min(piece, photo.Length - offset);
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/attachments/{sha}") { Content = new ByteArrayContent(photo, offset, length) };
            put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            put.Content.Headers.ContentRange = new ContentRangeHeaderValue(offset, offset + length - 1, photo.Length);
            using var answer = await terminal.SendAsync(put, cancellationToken);
            if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"piece at {offset}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(cancellationToken)}");
        }
        return sha;
    }
}
