using System.Text.Json.Nodes;
using Homeserver.Notifications;
using Homeserver.Push;

namespace Homeserver.Tests.Notifications;

public class CommonPushOutcomeTests
{
    private static readonly PushActions Notify = PushActions.From(new JsonArray("notify"));
    private static readonly PushActions Highlight = PushActions.From(JsonNode.Parse("""["notify",{"set_tweak":"highlight"}]""")!.AsArray());

    [Fact]
    public void The_notification_most_members_got_is_common()
    {
        var common = CommonPushOutcome.Of([Notify, null, PushActions.From(new JsonArray("notify")), Highlight]);
        common!.ActionsJson.Should().Be(Notify.ActionsJson);
        CommonPushOutcome.IsSame(PushActions.From(new JsonArray("notify")), common).Should().BeTrue();
        CommonPushOutcome.IsSame(Highlight, common).Should().BeFalse();
        CommonPushOutcome.IsSame(null, common).Should().BeFalse();
    }

    [Fact]
    public void No_notification_wins_when_most_got_none_or_on_a_tie()
    {
        CommonPushOutcome.Of([null, null, Notify]).Should().BeNull();
        CommonPushOutcome.Of([Notify, null]).Should().BeNull();
        CommonPushOutcome.Of([]).Should().BeNull();
        CommonPushOutcome.IsSame(null, null).Should().BeTrue();
        CommonPushOutcome.IsSame(Notify, null).Should().BeFalse();
    }

    [Fact]
    public void Different_notifications_split_the_vote()
    {
        // Two highlights beat one plain notification and one without.
        CommonPushOutcome.Of([Highlight, Notify, null, Highlight])!.Highlight.Should().BeTrue();
    }
}
