using GridEdge.Server.Users;
using GridEdge.Protocol.Wire;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Photos;

/// <summary>Serving photos: GET /api/attachments/{sha256}, the bytes verified against the SHA-256 on the way out.</summary>
public static class PhotoEndpoints
{
    public static IEndpointRouteBuilder MapPhotoEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/attachments/{sha256}", AttachmentAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> AttachmentAsync(string sha256, HttpRequest request, PhotoLedger photos, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!TerminalDirectory.IsSha256Hex(sha256)) return Bad("sha256", sha256, "a SHA-256 in lower-case hex (64 characters)");
        var a = await photos.GetAsync(sha256, ct);
        var user = request.HttpContext.User;
        if (a is not null && user.IsScoped() && !(await photos.GridsOfAsync(a, ct)).Any(user.Covers))
        {
            // A photo of another grid answers as one the ledger never received.
            failures.OutsideGrid(request.HttpContext);
            a = null;
        }
        if (a is null) return NotFound("sha256", sha256, "an attachment the ledger has received (no chunk of it has arrived)");
        if (a.CompleteAt is null)
        {
            var state = a.Mismatches > 0 && a.Received == 0
                ? $"an attachment that can be served: the assembled file failed SHA-256 verification ({a.Mismatches} time(s)) and is kept aside; it is served once a new upload verifies"
                : $"a complete attachment: {a.Received} of {a.Size} bytes received so far";
            return NotFound("sha256", sha256, state);
        }
        var read = await photos.ReadAsync(a, ct);
        if (read.Content is null) return NotFound("sha256", sha256, read.Problem!);
        return Results.Stream(read.Content, a.ContentType, enableRangeProcessing: true);
    }
}
