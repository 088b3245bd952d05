using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GridEdge.Faults.Rig;
using GridEdge.Testing;

namespace GridEdge.Faults.Mutations;

/// <summary>One mutated request for the terminal API: its HTTP form, or raw bytes for what HttpClient will not send.</summary>
public sealed record FuzzedRequest(string Kind, HttpRequestMessage? Http, byte[]? Raw);

/// <summary>
/// Turns a valid check-in (or patrol, problem, upload) of a registered terminal into a hostile one: random byte flips in
/// the body, lone surrogates and invalid UTF-8 in strings, numbers no double holds, wrong JSON types, missing and odd
/// headers, strange paths and methods, and malformed HTTP sent raw.
/// </summary>
public sealed class TerminalMutations(IReadOnlyList<string> tokens, Random random)
{
    private static readonly string[] Paths =
    [
        "/api/v1/checkins/1", "/api/v1/", "/api/v1/checkins?x=%00", "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/api/v1/attachments/zz",
        "/api/v1/attachments/" + new string('a', 64), "/api/v1/status?" + new string('q', 3000), "/" + new string('x', 8000), "/api/v1/checkins%ff",
        "/api/v2/checkins", "/api/v1/problems/../checkins", "//api//v1//checkins",
    ];
    private static readonly string[] Endpoints = ["/api/v1/checkins", "/api/v1/patrols", "/api/v1/problems", "/api/v1/attachments"];

    public FuzzedRequest Next(long n)
    {
        var t = random.Next(tokens.Count);
        return random.Next(12) switch
        {
            0 or 1 => Json("byte flips", Endpoint(), t, n, Flip(Encoding.UTF8.GetBytes(ValidBody(t, n)))),
            2 => Json("bad text", Endpoint(), t, n, BadText(t, n)),
            3 => Json("huge numbers", Endpoint(), t, n, Encoding.UTF8.GetBytes(Replace(ValidBody(t, n), HugeNumber()))),
            4 => Json("wrong types", Endpoint(), t, n, Encoding.UTF8.GetBytes(Replace(ValidBody(t, n), WrongType()))),
            5 => Json("odd documents", Endpoint(), t, n, Encoding.UTF8.GetBytes(OddDocument())),
            6 => Headers(t, n),
            7 => new FuzzedRequest("strange paths", Request(Pick([HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options]), Pick(Paths), t, n,
                Encoding.UTF8.GetBytes(ValidBody(t, n))), null),
            8 => Upload(t, n),
            9 => new FuzzedRequest("raw HTTP", null, RawHttp(t, n)),
            10 => Json("fields missing", Endpoint(), t, n, Encoding.UTF8.GetBytes(Drop(ValidBody(t, n)))),
            _ => Json("valid", "/api/v1/checkins", t, n, Encoding.UTF8.GetBytes(ValidBody(t, n))),
        };
    }

    private string Endpoint() => random.Next(4) == 0 ? Pick(Endpoints) : "/api/v1/checkins";

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private string ValidBody(int t, long n)
    {
        var fix = DateTimeOffset.UtcNow.AddSeconds(-random.Next(3600));
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["memberId"] = FaultGrid.MemberId(t), ["terminalId"] = FaultGrid.TerminalId(t), ["gridCode"] = OneVillageGrid.Village,
            ["latitude"] = 36.641 + random.NextDouble() * 0.018, ["longitude"] = 117.111 + random.NextDouble() * 0.018, ["accuracyMeters"] = 5.0 + random.Next(50),
            ["fixTime"] = fix.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), ["note"] = "fuzz " + n,
        });
    }

    private byte[] Flip(byte[] body)
    {
        for (var i = random.Next(1, 6); i > 0; i--) body[random.Next(body.Length)] = (byte)random.Next(256);
        return body;
    }

    // A string field carries a lone surrogate (as a JSON escape or as its raw UTF-8 bytes), invalid UTF-8, or control bytes.
    private byte[] BadText(int t, long n)
    {
        var body = ValidBody(t, n);
        var field = Pick(new[] { "memberId", "terminalId", "gridCode", "note" });
        var at = body.IndexOf($"\"{field}\":\"", StringComparison.Ordinal) + field.Length + 4;
        var bytes = Encoding.UTF8.GetBytes(body[..at]).ToList();
        bytes.AddRange(Pick(new byte[][]
        {
            "\\ud800"u8.ToArray(), "\\udfff\\ud800"u8.ToArray(), [0xED, 0xA0, 0x80], [0xC3, 0x28], [0xFF, 0xFE], [0xF4, 0x90, 0x80, 0x80], [0x00, 0x01, 0x1F],
            "\\u0000"u8.ToArray(), [0xC0, 0xAF],
        }));
        bytes.AddRange(Encoding.UTF8.GetBytes(body[at..]));
        return [.. bytes];
    }

    private (string Field, string Json) HugeNumber() => Pick(new[]
    {
        ("latitude", "1e400"), ("longitude", "-1e400"), ("accuracyMeters", "99999999999999999999999999999999999"), ("latitude", "NaN"),
        ("accuracyMeters", "-0.0"), ("latitude", "1" + new string('0', 5000)), ("fixTime", "\"0001-01-01T00:00:00+00:00\""),
        ("fixTime", "\"9999-12-31T23:59:59+00:00\""), ("fixTime", "\"2030-01-01T00:00:00+08:00\""), ("fixTime", "\"1970-01-01T00:00:00Z\""),
        ("accuracyMeters", "1e308"), ("longitude", "4.9e-324"),
    });

    private (string Field, string Json) WrongType() => (Pick(new[] { "memberId", "terminalId", "gridCode", "latitude", "longitude", "accuracyMeters", "fixTime", "note" }),
        Pick(new[] { "\"abc\"", "123", "true", "null", "[]", "{}", "[1,2,3]", "{\"a\":{\"b\":[]}}", "\"\"", "-1", "\"" + new string('z', 100_000) + "\"" }));

    private static string Replace(string body, (string Field, string Json) change)
    {
        var doc = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(body)!;
        var parts = doc.Select(p => p.Key == change.Field ? $"\"{p.Key}\":{change.Json}" : $"\"{p.Key}\":{p.Value.GetRawText()}");
        return "{" + string.Join(',', parts) + "}";
    }

    private string Drop(string body)
    {
        var doc = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(body)!;
        var keep = doc.Where(_ => random.Next(3) > 0).Select(p => $"\"{(random.Next(5) == 0 ? p.Key.ToUpperInvariant() : p.Key)}\":{p.Value.GetRawText()}");
        return "{" + string.Join(',', keep) + (random.Next(4) == 0 ? ",\"extra\":1,\"memberId\":\"dup\"" : "") + "}";
    }

    private string OddDocument() => Pick(new[]
    {
        "", "null", "[]", "\"a string\"", "42", "{", "}", "{\"memberId\":", new string('[', 10_000) + new string(']', 10_000),
        "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2001), "\uFEFF{}", "{\"memberId\":\"x\"}{\"memberId\":\"y\"}",
        "{\"__proto__\":{},\"constructor\":1}", string.Concat(Enumerable.Repeat("{\"k\":1}", 5000)),
    });

    private FuzzedRequest Json(string kind, string path, int t, long n, byte[] body) =>
        new(kind, Request(HttpMethod.Post, path, t, n, body), null);

    private HttpRequestMessage Request(HttpMethod method, string path, int t, long n, byte[] body)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[t]);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"fz-{n}-{random.Next()}");
        return request;
    }

    // The body is a valid check-in; the headers around it are not.
    private FuzzedRequest Headers(int t, long n)
    {
        var request = Request(HttpMethod.Post, "/api/v1/checkins", t, n, Encoding.UTF8.GetBytes(ValidBody(t, n)));
        switch (random.Next(10))
        {
            case 0: request.Content!.Headers.ContentType = null; break;
            case 1: request.Content!.Headers.TryAddWithoutValidation("Content-Type", "text/plain"); request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain"); break;
            case 2: request.Headers.Authorization = null; break;
            case 3: request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Convert.ToBase64String(Guid.NewGuid().ToByteArray())); break;
            case 4: request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dDpw"); break;
            case 5: request.Headers.Remove("Idempotency-Key"); break;
            case 6: request.Headers.Remove("Idempotency-Key"); request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', random.Next(65, 12_000))); break;
            case 7: request.Headers.Remove("Idempotency-Key"); request.Headers.TryAddWithoutValidation("Idempotency-Key", ["a", "b"]); break;
            case 8: request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-16"); break;
            default: request.Headers.Remove("Idempotency-Key"); request.Headers.TryAddWithoutValidation("Idempotency-Key", "ci-t-001-0000001"); break; // another record's key
        }
        return new FuzzedRequest("odd headers", request, null);
    }

    // An upload opened with odd sizes, or a PUT with a range that does not fit.
    private FuzzedRequest Upload(int t, long n)
    {
        var sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n))).ToLowerInvariant();
        if (random.Next(2) == 0)
        {
            var size = Pick(new[] { "0", "-1", "1e30", "21000000", "9223372036854775807", "\"12\"", "1.5" });
            var type = Pick(new[] { "\"image/jpeg\"", "\"text/html\"", "null", "\"\"" });
            return Json("odd uploads", "/api/v1/attachments", t, n, Encoding.UTF8.GetBytes($"{{\"sha256\":\"{(random.Next(3) == 0 ? "xyz" : sha)}\",\"size\":{size},\"contentType\":{type}}}"));
        }
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/attachments/{sha}") { Content = new ByteArrayContent(new byte[random.Next(0, 2048)]) };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[t]);
        put.Content.Headers.TryAddWithoutValidation("Content-Range", Pick(new[] { "bytes 0-9/10", "bytes 5-1/10", "bytes */*", "bytes 0-99999999999/1", "garbage", "bytes -1--1/-1" }));
        return new FuzzedRequest("odd uploads", put, null);
    }

    // What HttpClient refuses to send: bad header bytes, lying Content-Length, chunked garbage, HTTP/0.9.
    private byte[] RawHttp(int t, long n)
    {
        var body = ValidBody(t, n);
        var head = Pick(new[]
        {
            $"POST /api/v1/checkins HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer {tokens[t]}\r\nIdempotency-Key: raw-{n}\r\nContent-Length: {body.Length + 100}\r\n\r\n{body}",
            $"POST /api/v1/checkins HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{body}\r\n0\r\n\r\n",
            "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Bad: \u0001\u0002\r\n\r\n",
            "GET /api/v1/status\r\n\r\n",
            "BREW /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n",
            $"POST /api/v1/checkins HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{body}",
            $"POST /api/v1/checkins HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 500\r\n\r\n{body}",
            "GET /api/v1/status HTTP/1.1\r\n" + string.Concat(Enumerable.Repeat("X-Fill: " + new string('f', 1000) + "\r\n", 40)) + "\r\n",
            "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003",
        });
        return Encoding.Latin1.GetBytes(head);
    }
}
