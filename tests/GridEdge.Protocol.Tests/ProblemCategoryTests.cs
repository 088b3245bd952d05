using GridEdge.Protocol.Records;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Tests;

/// <summary>The seeds' thirteen problem categories: the first six keep the numbers stored problems carry, the rest travel both codecs.</summary>
public sealed class ProblemCategoryTests
{
    [Fact]
    public void The_first_six_categories_keep_their_numbers_and_the_seeds_others_follow()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5], new[] { ProblemCategory.StrawBurning, ProblemCategory.Dust, ProblemCategory.IllegalDischarge,
            ProblemCategory.LivestockWaste, ProblemCategory.Garbage, ProblemCategory.Other }.Select(c => (int)c));
        Assert.Equal(13, Enum.GetValues<ProblemCategory>().Length);
        Assert.Equal(Enumerable.Range(0, 13), Enum.GetValues<ProblemCategory>().Select(c => (int)c));
    }

    [Theory]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.Binary)]
    public void Every_category_travels_in_a_problem_report(WireFormat format)
    {
        foreach (var category in Enum.GetValues<ProblemCategory>())
        {
            var batch = new Batch("gw-370102-001", Streams.Uploads, 1,
            [
                new ProblemReport("pb-1", "m-1", "t-1", "370102001001", 36.65, 117.12, null, category, "描述", [], Samples.T0, ClockQuality.NetworkSynced),
            ]);
            var decoded = WireCodec.Decode(WireCodec.Encode(batch, format));
            Assert.True(decoded.Ok, $"{category}: {decoded.Error}");
            Assert.Equal(category, ((ProblemReport)((Batch)decoded.Value!).Records[0]).Category);
        }
    }
}
