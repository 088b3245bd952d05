using GridEdge.Edge.Uplink;

namespace GridEdge.Edge.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Full_jitter_stays_within_zero_and_the_capped_exponential_and_is_not_constant()
    {
        var random = new Random(42);
        var baseDelay = TimeSpan.FromSeconds(1);
        var cap = TimeSpan.FromSeconds(60);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var ceiling = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, attempt)));
            Assert.Equal(ceiling, Backoff.Ceiling(attempt, baseDelay, cap));
            var delays = Enumerable.Range(0, 200).Select(_ => Backoff.FullJitter(attempt, baseDelay, cap, random)).ToArray();
            Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, ceiling));
            Assert.True(delays.Distinct().Count() > 150, $"attempt {attempt}: only {delays.Distinct().Count()} distinct delays");
            // Spread over the whole range, not bunched at one end.
            Assert.True(delays.Min() < ceiling * 0.1 && delays.Max() > ceiling * 0.9, $"attempt {attempt}: {delays.Min()}..{delays.Max()}");
        }
    }

    [Fact]
    public void Huge_attempt_numbers_stay_at_the_cap()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), Backoff.Ceiling(10_000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)));
        Assert.InRange(Backoff.FullJitter(10_000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(1)), TimeSpan.Zero, TimeSpan.FromSeconds(60));
    }
}
