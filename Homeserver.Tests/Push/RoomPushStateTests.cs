using System.Text.Json.Nodes;
using Homeserver.Federation.RoomVersions;
using Homeserver.Notifications;

namespace Homeserver.Tests.Push;

/// <summary>The room state push evaluation carries from one event to the next.</summary>
public class RoomPushStateTests
{
    private static RoomPushState Loaded(params (string UserId, string Membership, string? Name)[] members) =>
        new(RoomVersion.V12, members.ToDictionary(m => m.UserId, m => new PushMember(m.Membership, m.Name)), null, null, "Old name", null,
            userId => userId.EndsWith(":here.example", StringComparison.Ordinal));

    private static JsonObject After(params JsonNode[] prev) => new() { ["prev_events"] = new JsonArray(prev) };

    [Fact]
    public void It_precedes_only_an_event_whose_single_previous_event_is_the_last_applied()
    {
        var state = Loaded();
        state.Precedes(After("$a")).Should().BeFalse("nothing is applied yet: this is the state before some event");
        state.Apply("$a", "m.room.message", null, [], () => null);

        state.Precedes(After("$a")).Should().BeTrue();
        state.Precedes(After(new JsonArray("$a", new JsonObject()))).Should().BeTrue("v1 and v2 name previous events as [id, hashes]");
        state.Precedes(After("$a", "$b")).Should().BeFalse("two previous events need their states resolved");
        state.Precedes(After("$b")).Should().BeFalse();
        state.Precedes([]).Should().BeFalse();
    }

    [Fact]
    public void Member_events_change_who_is_joined_and_their_names()
    {
        var state = Loaded(("@a:here.example", "join", "A"), ("@b:there.example", "join", null), ("@c:here.example", "invite", null));
        state.LocalJoined.Should().Equal("@a:here.example");
        state.JoinedCount.Should().Be(2);

        state.Apply("$1", "m.room.member", "@c:here.example", new JsonObject { ["membership"] = "join", ["displayname"] = "C" }, () => null);
        state.Apply("$2", "m.room.member", "@a:here.example", new JsonObject { ["membership"] = "leave" }, () => null);

        state.LocalJoined.Should().Equal("@c:here.example");
        state.JoinedCount.Should().Be(2);
        state.Member("@c:here.example")!.DisplayName.Should().Be("C");
        state.Member("@a:here.example")!.Membership.Should().Be("leave");
    }

    [Fact]
    public void Room_wide_state_changes_only_with_an_empty_state_key()
    {
        var state = Loaded();
        state.Apply("$1", "m.room.name", "other", new JsonObject { ["name"] = "Ignored" }, () => null);
        state.Name.Should().Be("Old name");
        state.Apply("$2", "m.room.name", "", new JsonObject { ["name"] = "New name" }, () => null);
        state.Apply("$3", "m.room.canonical_alias", "", new JsonObject { ["alias"] = "#room:here.example" }, () => null);
        state.Apply("$4", "m.room.topic", "", new JsonObject { ["topic"] = "t" }, () => throw new InvalidOperationException("not needed"));
        state.Name.Should().Be("New name");
        state.Alias.Should().Be("#room:here.example");
        state.AfterEventId.Should().Be("$4");
    }
}
