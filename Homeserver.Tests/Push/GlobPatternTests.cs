using Homeserver.Push;

namespace Homeserver.Tests.Push;

public class GlobPatternTests
{
    [Theory]
    // The spec's event_match example: "lunc?*" against content.topic.
    [InlineData("lunc?*", "Lunch plans", true)]
    [InlineData("lunc?*", "LUNCH", true)]
    [InlineData("lunc?*", " lunch", false)]
    [InlineData("lunc?*", "lunc", false)]
    [InlineData("m.room.message", "m.room.message", true)]
    [InlineData("m.room.message", "m.room.messages", false)]
    [InlineData("m.room.*", "m.room.member", true)]
    [InlineData("*", "", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    [InlineData("?", "é", true)]
    [InlineData("?", "😀", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("*ab", "aab", true)]
    [InlineData("a*a", "a", false)]
    [InlineData("ÉCOLE", "école", true)]
    public void Whole_value_matching(string pattern, string value, bool expected) =>
        new GlobPattern(pattern).MatchesWhole(value).Should().Be(expected);

    [Theory]
    // The spec's content.body example: "ex*ple".
    [InlineData("ex*ple", "An example event.", true)]
    [InlineData("ex*ple", "exple", true)]
    [InlineData("ex*ple", "An exciting triple-whammy", true)]
    [InlineData("cake", "I like cake.", true)]
    [InlineData("cake", "cakes are great", false)]
    [InlineData("cake", "pancake", false)]
    [InlineData("cake", "CAKE!", true)]
    [InlineData("cake*lie", "the cake is a lie", true)]
    [InlineData("cake*lie", "the cake is a lies", false)]
    [InlineData("c?ke", "a coke please", true)]
    [InlineData("beer", "beer_time", false)]
    [InlineData("beer", "beer-time", true)]
    public void Word_boundary_matching(string pattern, string body, bool expected) =>
        new GlobPattern(pattern).MatchesWords(body).Should().Be(expected);

    [Fact]
    public void A_pathological_pattern_is_answered_without_backtracking()
    {
        // A backtracking matcher needs time exponential in the number of stars here; this one is linear per segment.
        var text = new string('a', 200_000);
        var glob = new GlobPattern("*a*a*a*a*a*a*a*a*a*a*b");

        glob.MatchesWhole(text).Should().BeFalse();
        glob.MatchesWords(text).Should().BeFalse();
        glob.MatchesWhole(text + "b").Should().BeTrue();
        new GlobPattern("*a*a*a*a*a*b").MatchesWords(text + " b").Should().BeTrue();
    }
}
