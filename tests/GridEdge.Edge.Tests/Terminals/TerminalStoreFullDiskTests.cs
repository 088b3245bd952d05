using System.Net;
using GridEdge.Edge.Terminals;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Edge.Tests.Terminals;

/// <summary>The terminal API's own store (<c>terminals.db</c>, uploads being staged) on a disk another process fills: refused without a 500, reopened by itself once space returns.</summary>
public sealed class TerminalStoreFullDiskTests
{
    private static string Sha(int i) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));

    private static StagedUpload Upload(int i) => new(Sha(i), 1000 + i, "image/jpeg", "t-001", TerminalApiFixture.GatewayNow);

    // The stores abandoned after a failed write must not roll back from the finalizer thread later: that ends the process.
    private static void AbandonedStoresAreCollectedQuietly()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Fact(Timeout = 120_000)]
    public void A_write_the_disk_refuses_names_the_store_and_the_store_reopens_once_space_returns()
    {
        using var fs = SmallFileSystem.MountOrSkip();
        using var state = new TerminalState(Path.Combine(fs.Path, "edge"), NullLogger.Instance);
        state.SaveStaged(Upload(0));
        var filler = fs.Fill();

        TerminalStoreUnavailableException? refused = null;
        for (var i = 1; i <= 5000 && refused is null; i++)
        {
            try { state.SaveStaged(Upload(i)); }
            catch (TerminalStoreUnavailableException e) { refused = e; }
        }
        Assert.NotNull(refused);
        Assert.Contains(TerminalState.FileName, refused.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was stored", refused.Message, StringComparison.Ordinal);

        File.Delete(filler);
        state.SaveStaged(Upload(9999));
        Assert.Equal(Upload(9999), state.FindStaged(Sha(9999)));
        Assert.Equal(Upload(0), state.FindStaged(Sha(0)));
        AbandonedStoresAreCollectedQuietly();
    }

    [Fact(Timeout = 120_000)]
    public async Task Attachment_openings_on_a_full_disk_are_answered_503_never_500_and_succeed_again_after()
    {
        using var fs = SmallFileSystem.MountOrSkip();
        var dataDirectory = Path.Combine(fs.Path, "edge");
        Directory.CreateDirectory(dataDirectory);
        new TerminalDirectoryStore(dataDirectory).Apply(TerminalApiFixture.Prepare(TerminalApiFixture.DirectoryJson(includeTerminal2: true)));
        await using var api = await TerminalApiFixture.StartAsync(dataDirectory: dataDirectory);
        Task<HttpResponseMessage> Open(int i) =>
            api.PostAsync("/api/v1/attachments", $$"""{"sha256":"{{Sha(i)}}","size":{{1000 + i}},"contentType":"image/jpeg"}""", TerminalApiFixture.Token1);

        using (var first = await Open(0)) Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var filler = fs.Fill();

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 500 && !statuses.Contains(HttpStatusCode.ServiceUnavailable); i++)
        {
            using var response = await Open(i);
            statuses.Add(response.StatusCode);
        }
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"answered {(int)s}"));

        File.Delete(filler);
        using (var again = await Open(10_000)) Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        AbandonedStoresAreCollectedQuietly();
    }
}
