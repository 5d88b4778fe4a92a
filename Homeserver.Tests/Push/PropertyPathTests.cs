using System.Text.Json.Nodes;
using Homeserver.Push;

namespace Homeserver.Tests.Push;

public class PropertyPathTests
{
    [Theory]
    [InlineData("content.body", new[] { "content", "body" })]
    [InlineData(@"content.m\.relates_to", new[] { "content", "m.relates_to" })]
    [InlineData(@"content.m\\foo", new[] { "content", @"m\foo" })]
    [InlineData(@"content.m\x", new[] { "content", @"m\x" })]
    [InlineData(@"a\\.b", new[] { @"a\", "b" })]
    [InlineData("type", new[] { "type" })]
    public void Paths_split_at_unescaped_dots(string path, string[] names) =>
        PropertyPath.Parse(path).Should().Equal(names);

    [Fact]
    public void Values_are_found_through_objects_only()
    {
        var ev = JsonNode.Parse("""{"content":{"m.federate":true,"a":{"b":null},"list":[1]}}""")!.AsObject();

        PropertyPath.TryGet(ev, @"content.m\.federate", out var federate).Should().BeTrue();
        federate!.GetValue<bool>().Should().BeTrue();
        PropertyPath.TryGet(ev, "content.a.b", out var present).Should().BeTrue();
        present.Should().BeNull();
        PropertyPath.TryGet(ev, "content.a.c", out _).Should().BeFalse();
        PropertyPath.TryGet(ev, "content.list.0", out _).Should().BeFalse();
        PropertyPath.TryGet(ev, "content.m.federate", out _).Should().BeFalse();
    }
}
