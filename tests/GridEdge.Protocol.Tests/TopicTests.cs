using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Tests;

public class TopicTests
{
    [Theory]
    [InlineData("gridedge/v1/gw-1/up/readings", "gw-1", "up", "readings")]
    [InlineData("gridedge/v1/gw-1/status", "gw-1", "status", null)]
    [InlineData("gridedge/v1/gw-1/ack", "gw-1", "ack", null)]
    public void Parses_the_topics_of_the_tree(string topic, string gateway, string leaf, string? stream)
    {
        Assert.True(Topics.TryParse(topic, out var g, out var l, out var s));
        Assert.Equal((gateway, leaf, stream), (g, l, s));
    }

    [Theory]
    [InlineData("gridedge/v2/gw-1/status")]
    [InlineData("gridedge/v1/GW 1/status")]
    [InlineData("gridedge/v1/gw-1/up")]
    [InlineData("gridedge/v1/gw-1/up/readings/extra")]
    [InlineData("gridedge/v1/gw-1/status/extra")]
    public void Refuses_topics_outside_the_tree(string topic) => Assert.False(Topics.TryParse(topic, out _, out _, out _));

    [Fact]
    public void Topics_are_built_under_the_gateway_prefix()
    {
        Assert.Equal("gridedge/v1/gw-9/up/alerts", Topics.Up("gw-9", Streams.Alerts));
        Assert.StartsWith(Topics.Prefix("gw-9"), Topics.Ack("gw-9"));
        Assert.True(Streams.Priority(Streams.Alerts) < Streams.Priority(Streams.Readings));
    }
}
