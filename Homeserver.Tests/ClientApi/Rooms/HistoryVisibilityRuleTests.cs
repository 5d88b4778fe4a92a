using Homeserver.Rooms;

namespace Homeserver.Tests.ClientApi.Rooms;

public class HistoryVisibilityRuleTests
{
    [Theory]
    [InlineData("world_readable", null, false, true)]
    [InlineData("joined", "join", false, true)]
    [InlineData("joined", "invite", true, false)]
    [InlineData("joined", "leave", true, false)]
    [InlineData("shared", null, true, true)]
    [InlineData("shared", null, false, false)]
    [InlineData("shared", "leave", false, false)]
    [InlineData("invited", "invite", false, true)]
    [InlineData("invited", "knock", false, false)]
    [InlineData(null, null, true, true)]
    [InlineData("unknown value", null, true, true)]
    [InlineData("unknown value", null, false, false)]
    public void The_module_rules_decide_by_visibility_membership_then_and_a_later_join(string? visibility, string? membership, bool joinedLater,
        bool visible) =>
        HistoryVisibility.Allows(visibility, membership, joinedLater).Should().Be(visible);
}
