using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GridEdge.Testing;

/// <summary>
/// The smallest whole grid a gateway can serve terminals in: a city, a district, one township whose center holds the
/// gateway, and one village with a square boundary (117.11-117.13 E, 36.64-36.66 N), as the body of PUT /api/grids.
/// </summary>
public static class OneVillageGrid
{
    public const string City = "370100000000", District = "370102000000", Township = "370102001000", Village = "370102001001";

    /// <summary>The import document with <paramref name="members"/> (objects of id, name, grid) in the village.</summary>
    public static object Document(string gatewayId, IEnumerable<object> members) => new
    {
        grids = new object[]
        {
            new { code = City, name = "济南市", level = 1 },
            new { code = District, name = "历下区", level = 2, parent = City },
            new { code = Township, name = "示范街道", level = 3, parent = District, gateway = gatewayId },
            new
            {
                code = Village, name = "东村", level = 4, parent = Township,
                boundary = JsonDocument.Parse("""{"type":"Polygon","coordinates":[[[117.11,36.64],[117.13,36.64],[117.13,36.66],[117.11,36.66],[117.11,36.64]]]}""").RootElement,
            },
        },
        members = members.ToArray(),
    };

    /// <summary>
    /// Puts the grid on a server with one member in the village, 王丽 (<c>m-wang-li</c>), and issues her terminal <c>t-0042</c>;
    /// returns the terminal's token.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server refused either, with its answer.</exception>
    public static async Task<string> RegisterMemberWithTerminalAsync(HttpClient http, string gatewayId, CancellationToken cancellationToken)
    {
        using (var put = await http.PutAsJsonAsync("/api/grids", Document(gatewayId, [new { id = "m-wang-li", name = "王丽", grid = Village }]), cancellationToken))
            if (!put.IsSuccessStatusCode)
                throw new InvalidOperationException($"PUT /api/grids answered {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync(cancellationToken)}");
        using var issue = await http.PostAsJsonAsync("/api/terminals", new { id = "t-0042", member = "m-wang-li" }, cancellationToken);
        if (issue.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"POST /api/terminals answered {(int)issue.StatusCode}: {await issue.Content.ReadAsStringAsync(cancellationToken)}");
        return (await issue.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString()!;
    }
}
