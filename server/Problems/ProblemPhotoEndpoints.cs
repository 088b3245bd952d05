using System.Globalization;
using GridEdge.Server.Api;
using GridEdge.Server.Audit;
using GridEdge.Server.Photos;
using GridEdge.Server.Storage;
using GridEdge.Server.Users;
using Microsoft.Net.Http.Headers;

namespace GridEdge.Server.Problems;

/// <summary>The answer to a photo upload: the photo's SHA-256 (what a rectification's attachments name), size and type.</summary>
public sealed record ProblemPhotoView(long Problem, string Sha256, long Size, string ContentType);

/// <summary>
/// POST /api/problems/{id}/photos: a photo for a problem (the rectification's, 整改照片) uploaded whole from the console,
/// stored as a complete, verified attachment and served to the callers of the problem's grid.
/// </summary>
public static class ProblemPhotoEndpoints
{
    /// <summary>The largest photo taken.</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    // The first bytes of each accepted type (JPEG: SOI and a marker; PNG: the 8-byte signature, PNG spec 5.2).
    private static readonly byte[] JpegMagic = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static IEndpointRouteBuilder MapProblemPhotoEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/problems/{id}/photos", UploadAsync).RequireAuthorization(Permissions.AttachPhotos);
        return app;
    }

    private static async Task<IResult> UploadAsync(string id, HttpRequest request, IProblemLedger problems, PhotoLedger photos, LedgerDatabase database,
        IAuditLog audit, AccessFailures failures, TimeProvider time, CancellationToken ct)
    {
        if (QueryParameters.Unknown(request.Query) is { } unknown) return unknown;
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            return QueryParameters.Bad("id", id, "a problem id (a positive integer)");
        var user = request.HttpContext.User;
        var problem = await problems.GetProblemAsync(number, ct);
        if (problem is not null && !failures.Sees(request.HttpContext, problem.GridCode, problem.Department)) problem = null;
        if (problem is null) return QueryParameters.NotFound("id", id, "the id of a problem in the problem ledger");

        var contentType = MediaTypeHeaderValue.TryParse(request.ContentType, out var media) ? media.MediaType.Value?.ToLowerInvariant() : null;
        if (contentType is not ("image/jpeg" or "image/png"))
            return Error(StatusCodes.Status415UnsupportedMediaType, "Content-Type", request.ContentType, "image/jpeg or image/png, with the photo's bytes as the body");
        if (request.ContentLength > MaxBytes) return TooLarge(request.ContentLength.Value.ToString(CultureInfo.InvariantCulture));
        var content = await ReadAtMostAsync(request.Body, MaxBytes, ct);
        if (content is null) return TooLarge($"more than {MaxBytes}");
        if (content.Length == 0) return Error(StatusCodes.Status400BadRequest, "body", "0 bytes", $"the photo's bytes ({contentType})");
        var magic = contentType == "image/png" ? PngMagic : JpegMagic;
        if (!content.AsSpan().StartsWith(magic))
            return Error(StatusCodes.Status400BadRequest, "body", Convert.ToHexString(content.AsSpan(0, Math.Min(8, content.Length))),
                $"a {contentType} image, starting with the bytes {Convert.ToHexString(magic)}");

        var at = time.GetUtcNow();
        var uploaded = await database.WriteAsync(async (connection, transaction) =>
        {
            var photo = await photos.AddUploadAsync(connection, transaction, content, contentType, number, problem.GridCode, user.Name(), at, ct);
            await audit.AppendAsync(connection, transaction, AuditEntry.For(user, "problem.photo", "problem", number.ToString(CultureInfo.InvariantCulture),
                problem.GridCode, null, new { sha256 = photo.Sha256, size = photo.Size, contentType = photo.ContentType }), ct);
            return photo;
        }, ct);
        return Results.Created($"/api/attachments/{uploaded.Sha256}", new ProblemPhotoView(number, uploaded.Sha256, uploaded.Size, uploaded.ContentType));
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="max"/> bytes (reading stops there).</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream body, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static IResult TooLarge(string value) =>
        Error(StatusCodes.Status413PayloadTooLarge, "body", value + " bytes", $"a photo of at most {MaxBytes} bytes (10 MB)");

    private static IResult Error(int status, string field, string? value, string expected) =>
        Results.Json(new ApiError($"{field} '{value}' is not valid: expected {expected}", field, value, expected), statusCode: status);
}
